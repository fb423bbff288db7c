import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Call, Series } from '../../../../db/database.js'
import { listAcceptedTalks } from '../../../../domain/proposals/placement.repository.js'
import { placementChoices, placeTalk } from '../../../../domain/proposals/placement.service.js'
import { findSeries } from '../../../../domain/series/series.repository.js'
import { readForm } from '../../../../forms/read-form.js'
import { notFound } from '../../../../lib/errors.js'
import { dateTime } from '../../../../lib/format.js'
import { paths } from '../../../../lib/paths.js'
import { form, formRoute, pageRoute, SlugIdParams } from '../../../../lib/schema.js'

const PlacementForm = form({
  proposal_id: Type.String({ title: 'the talk', format: 'row-id' }),
  event_id: Type.String({ title: 'Meeting', pattern: '^([1-9][0-9]{0,8})?$', errorMessage: 'Meeting: choose one of the meetings listed, or “Not placed”.' })
})

/**
 * A series call's accepted talks placed on the series' upcoming meetings (under the c/orga guard): a table of
 * the talks, each with a select of meetings (dates in the series' zone) and its own Save. A call on an event
 * has no such page (its talks go on the event's agenda).
 */
export default async function placementRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/calls/:id/placement', pageRoute(SlugIdParams), showPlacement)
  app.post('/c/:slug/orga/calls/:id/placement', formRoute(SlugIdParams, PlacementForm), savePlacement)

  async function loadSeriesCall (request: FastifyRequest): Promise<{ call: Call, series: Series }> {
    const call = await app.loadCall(request)
    const series = call.series_id ? await findSeries(app.db, request.community.id, call.series_id) : undefined
    if (!series) throw notFound('call')
    return { call, series }
  }

  async function placementPage (request: FastifyRequest, reply: FastifyReply, call: Call, series: Series,
    failed?: { pid: number, value: string, message: string }, status = 200) {
    const slug = request.community.slug
    const now = new Date()
    const [talks, meetings] = await Promise.all([listAcceptedTalks(app.db, call.id), placementChoices(app.db, series.id, now)])
    const titles = new Map(talks.filter((t) => t.event_id).map((t) => [t.event_id, t.title]))
    const when = (d: Date) => dateTime(d, series.time_zone)
    const rows = talks.map((t) => {
      const mine = failed?.pid === t.id
      const placedPast = t.event_id !== null && t.event_starts_at !== null && t.event_starts_at <= now
      return {
        id: t.id,
        title: t.title,
        href: paths.proposal(slug, call.id, t.id),
        speaker: t.full_name,
        answer: t.confirmation === 'confirmed' ? 'Confirmed' : 'Not answered yet',
        released: t.decision_mailed_at !== null,
        placed: t.event_id !== null && t.event_starts_at ? `${when(t.event_starts_at)}${t.event_status === 'cancelled' ? ' (cancelled: choose another)' : ''}` : null,
        placedHref: t.event_id ? paths.eventPage(slug, t.event_id) : null,
        placedPast,
        value: mine ? failed.value : String(t.event_id ?? ''),
        error: mine ? failed.message : null
      }
    })
    const options = [
      { value: '', label: 'Not placed' },
      ...meetings.map((m) => {
        const held = m.proposal_id !== null ? titles.get(m.id) : undefined
        const note = m.proposal_id !== null ? ` (holds ${held ? `“${held}”` : 'a talk of another call'})` : m.speaker_name ? ` (speaker now: ${m.speaker_name})` : ''
        return { value: String(m.id), label: `${when(m.starts_at)}${note}` }
      })
    ]
    return reply.page('c/orga/calls/placement', {
      title: `Place talks: ${call.title}`,
      community: request.community,
      call,
      series,
      zone: series.time_zone.replace(/_/g, ' '),
      rows,
      options,
      unreleased: rows.filter((r) => !r.released).length,
      errors: failed ? { [`event_id-${failed.pid}`]: failed.message } : {}
    }, status)
  }

  async function showPlacement (request: FastifyRequest, reply: FastifyReply) {
    const { call, series } = await loadSeriesCall(request)
    return placementPage(request, reply, call, series)
  }

  async function savePlacement (request: FastifyRequest, reply: FastifyReply) {
    const { call, series } = await loadSeriesCall(request)
    const f = readForm(PlacementForm, request.body)
    if (f.errors.proposal_id) throw notFound('talk')
    const pid = Number(f.values.proposal_id)
    if (f.errors.event_id) return placementPage(request, reply, call, series, { pid, value: f.values.event_id, message: f.errors.event_id }, 400)
    const eventId = f.values.event_id ? Number(f.values.event_id) : null
    const outcome = await app.db.transaction().execute((trx) => placeTalk(trx, call, pid, eventId))
    if (!outcome.ok) {
      if (outcome.what === 'talk') throw notFound('talk')
      return placementPage(request, reply, call, series, { pid, value: f.values.event_id, message: outcome.message }, outcome.status)
    }
    const on = outcome.meeting ? dateTime(outcome.meeting.starts_at, series.time_zone) : ''
    const message = {
      placed: `Talk placed on the meeting of ${on}: its speaker and “why this matters” are on the meeting’s page, which stays with the series.`,
      moved: `Talk moved to the meeting of ${on}; the meeting it left has no speaker again.`,
      unplaced: 'Talk unplaced: its meeting has no speaker again.',
      unchanged: 'Nothing changed.'
    }[outcome.change]
    return reply.flash(message).redirect(paths.orgaPlacement(request.community.slug, call.id), 303)
  }
}
