import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Series } from '../../../../db/database.js'
import { cancelEvent, EVENT_KINDS, lacksCaptions } from '../../../../domain/events/events.service.js'
import type { FormValues } from '../../../../forms/place-fields.js'
import { zoneOptions } from '../../../../lib/time-zones.js'
import { hostChoices, memberOptions, resolveHosts, type HostsForm } from '../../../../domain/events/hosts.service.js'
import { hostsFormValues, readHostsForm } from '../../../../forms/event-form.js'
import { describeSchedule, instantToLocal } from '../../../../domain/series/recurrence.js'
import { changeScheduleFrom, notifyTimeChanged, ScheduleChangeError } from '../../../../domain/series/series-changes.js'
import { findSeries, listSeriesSummaries, upcomingMeetings, pastOccurrences, scheduleHistory, seriesHostIds, setSeriesHosts, upcomingOccurrence } from '../../../../domain/series/series.repository.js'
import { createSeries, editSeries, moveOccurrence, RULE_PATTERNS, seriesOccurrences, setSeriesSpeakers, SPEAKER_FORM_MEETINGS } from '../../../../domain/series/series.service.js'
import {
  CancelOccurrenceForm, confirmsNoCaptions, MoveOccurrenceForm, readMoveOccurrenceForm, readScheduleForm, readSeriesEditForm, readSeriesForm,
  readSpeakersForm, ScheduleForm, scheduleFormValues, SeriesEditForm, SeriesForm, seriesFormValues, SPEAKER_MAX, SpeakersForm, WHY_MAX
} from '../../../../forms/series-form.js'
import { notFound } from '../../../../lib/errors.js'
import { parseId } from '../../../../lib/forms.js'
import { idParam } from '../../../../lib/http.js'
import { formRoute, NoQuery, pageRoute, SlugIdParams, SlugParams } from '../../../../lib/schema.js'
import { paths } from '../../../../lib/paths.js'
import { date as fmtDate } from '../../../../lib/format.js'

const kindOptions = [{ value: '', label: '- Choose -' }, ...EVENT_KINDS]

/**
 * Organizers' series pages: a new series; the series page (meetings, flags, cancel or move one), the edit page,
 * a new schedule.
 */
export default async function seriesRoutes (app: FastifyInstance) {
  const page = pageRoute(SlugIdParams)
  app.get('/c/:slug/orga/series', pageRoute(SlugParams), listAllSeries)
  app.get('/c/:slug/orga/series/new', pageRoute(SlugParams), newSeries)
  app.post('/c/:slug/orga/series/new', formRoute(SlugParams, SeriesForm), createTheSeries)
  app.get('/c/:slug/orga/series/:id', page, showSeries)
  app.post('/c/:slug/orga/series/:id/cancel-occurrence', { schema: { params: SlugIdParams, querystring: NoQuery, body: CancelOccurrenceForm } }, cancelMeeting)
  app.post('/c/:slug/orga/series/:id/move-occurrence', formRoute(SlugIdParams, MoveOccurrenceForm), moveMeeting)
  app.get('/c/:slug/orga/series/:id/edit', page, showEditForm)
  app.post('/c/:slug/orga/series/:id/edit', formRoute(SlugIdParams, SeriesEditForm), saveSeries)
  app.post('/c/:slug/orga/series/:id/schedule', formRoute(SlugIdParams, ScheduleForm), changeSchedule)
  app.get('/c/:slug/orga/series/:id/speakers', page, showSpeakersForm)
  app.post('/c/:slug/orga/series/:id/speakers', formRoute(SlugIdParams, SpeakersForm), saveSpeakers)

  /** Every series of the community: its schedule in words, next meeting and how many are to come. */
  async function listAllSeries (request: FastifyRequest, reply: FastifyReply) {
    const rows = await listSeriesSummaries(app.db, request.community.id, new Date())
    return reply.page('c/orga/series/index', {
      title: `Series · ${request.community.name}`,
      community: request.community,
      section: 'series',
      series: rows.map((s) => ({ ...s, schedule: describeSchedule(s.rrule, s.dtstart_local, s.time_zone), upcoming: Number(s.upcoming_count ?? 0) }))
    })
  }

  async function loadSeries (request: FastifyRequest): Promise<Series> {
    const series = await findSeries(app.db, request.community.id, idParam(request, 'series'))
    if (!series) throw notFound('series')
    return series
  }

  /** An upcoming meeting of the series chosen in a form, or undefined. */
  async function upcomingOf (series: Series, id: number | null) {
    return id === null ? undefined : upcomingOccurrence(app.db, series.id, id)
  }

  async function seriesPage (request: FastifyRequest, reply: FastifyReply, series: Series, extra: { move?: FormValues, moveErrors?: Record<string, string> } = {}, status = 200) {
    const now = new Date()
    const [occurrences, past, history] = await Promise.all([
      seriesOccurrences(app.db, series.id, now), pastOccurrences(app.db, series.id, now), scheduleHistory(app.db, series.id)
    ])
    const next = occurrences.find((o) => o.status !== 'cancelled')
    const choices = occurrences.filter((o) => o.status !== 'cancelled' && o.starts_at > now)
      .map((o) => ({ value: String(o.id), label: `${instantToLocal(o.starts_at, o.time_zone).replace('T', ' ')} (${o.time_zone.replace(/_/g, ' ')})` }))
    return reply.page('c/orga/series/show', {
      title: `Series: ${series.title}`,
      community: request.community,
      series,
      occurrences,
      past,
      next,
      lackingCaptions: occurrences[0]?.lacking_captions ?? 0,
      choices,
      rule: describeSchedule(series.rrule, series.dtstart_local, series.time_zone),
      firstLocal: history[0]?.dtstart_local ?? series.dtstart_local,
      // "Every Tuesday at 12:00 PM Eastern Time until December 8, 2026", then the current schedule "from …".
      history: history.length ? [
        ...history.map((h) => ({ rule: describeSchedule(h.rrule, h.dtstart_local, h.time_zone), until: h.last_local ?? h.until_local })),
        { rule: describeSchedule(series.rrule, series.dtstart_local, series.time_zone), from: series.dtstart_local }
      ] : [],
      move: extra.move ?? {},
      errors: extra.moveErrors ?? {}
    }, status)
  }

  function seriesForm (request: FastifyRequest, reply: FastifyReply, values: Record<string, unknown>, errors: Record<string, string> = {}, status = 200, extra: { captionsWarning?: boolean } = {}) {
    return reply.page('c/orga/series/form', {
      title: 'New series', community: request.community, values, errors, kindOptions, zoneOptions: zoneOptions(String(values.time_zone ?? '')),
      patternOptions: RULE_PATTERNS, ...extra
    }, status)
  }

  async function newSeries (request: FastifyRequest, reply: FastifyReply) {
    return seriesForm(request, reply, { time_zone: 'America/New_York', interval: '1', duration_minutes: '60', pattern: 'monthly-weekday', publish: 'yes' })
  }

  async function createTheSeries (request: FastifyRequest, reply: FastifyReply) {
    const form = readSeriesForm(request.body)
    if (!form.input) return seriesForm(request, reply, form.values, form.errors, 400)
    const input = form.input
    // As for one event: publishing online meetings with no captions link asks first.
    if (input.publishOccurrences && lacksCaptions({ online_url: input.onlineUrl, live_transcript_url: input.liveTranscriptUrl }) &&
      !confirmsNoCaptions(request.body)) {
      return seriesForm(request, reply, form.values, {}, 200, { captionsWarning: true })
    }
    const { series, created } = await app.db.transaction().execute((trx) => createSeries(trx, request.community.id, input, request.member!.id))
    return reply.flash(`Series created with ${created} ${created === 1 ? 'occurrence' : 'occurrences'} for the next 12 months.`)
      .redirect(paths.orgaSeries(request.community.slug, series.id), 303)
  }

  async function showSeries (request: FastifyRequest, reply: FastifyReply) {
    return seriesPage(request, reply, await loadSeries(request))
  }

  // ---- Cancel or move one meeting

  async function cancelMeeting (request: FastifyRequest, reply: FastifyReply) {
    const series = await loadSeries(request)
    const event = await upcomingOf(series, parseId((request.body as { event_id?: string }).event_id))
    if (!event || event.status === 'cancelled') {
      return seriesPage(request, reply, series, { moveErrors: { cancel_event_id: 'Choose an upcoming meeting to cancel.' } }, 400)
    }
    await app.db.transaction().execute((trx) => cancelEvent(trx, event.id))
    return reply.flash('That meeting is cancelled. Everyone who said they were coming has been emailed.')
      .redirect(paths.orgaSeries(request.community.slug, series.id), 303)
  }

  async function moveMeeting (request: FastifyRequest, reply: FastifyReply) {
    const series = await loadSeries(request)
    const form = readMoveOccurrenceForm(request.body)
    const errors = { ...form.errors }
    const event = await upcomingOf(series, parseId(form.values.event_id))
    if (!event || event.status === 'cancelled') errors.event_id = 'Choose an upcoming meeting to move.'
    if (!form.input || !event || errors.event_id) return seriesPage(request, reply, series, { move: form.values, moveErrors: errors }, 400)
    const startLocal = form.input.startLocal
    await app.db.transaction().execute(async (trx) => {
      const moved = await moveOccurrence(trx, event.id, startLocal)
      if (moved.status === 'published') await notifyTimeChanged(trx, moved)
    })
    return reply.flash('That meeting is moved. Everyone who said they were coming has been emailed the new time.')
      .redirect(paths.orgaSeries(request.community.slug, series.id), 303)
  }

  // ---- Edit the series (future meetings not edited on their own) and its schedule from a meeting on

  async function editPage (request: FastifyRequest, reply: FastifyReply, series: Series,
    data: { values?: FormValues, hosts?: HostsForm, schedule?: FormValues, errors?: Record<string, string> } = {}, status = 200) {
    const now = new Date()
    const all = await seriesOccurrences(app.db, series.id, now, 60)
    const occurrences = all.filter((o) => o.starts_at > now)
    const currentHosts = await seriesHostIds(app.db, series.id)
    const hosts = data.hosts ?? hostsFormValues(currentHosts)
    const schedule = data.schedule ?? scheduleFormValues(series, occurrences.find((o) => o.status !== 'cancelled'))
    return reply.page('c/orga/series/edit', {
      title: `Edit series: ${series.title}`,
      community: request.community,
      series,
      values: { ...(data.values ?? seriesFormValues(series)), ...hosts },
      schedule,
      hostChoices: await hostChoices(app.db, request.community.id, [...currentHosts, ...hosts.hosts.map(Number)].filter((n) => Number.isSafeInteger(n))),
      hostOptions: await memberOptions(app.db, request.community.id, '- Nobody else -'),
      fromOptions: occurrences.map((o) => ({ value: String(o.id), label: `${instantToLocal(o.starts_at, o.time_zone).replace('T', ' ')} (${o.time_zone.replace(/_/g, ' ')})${o.status === 'cancelled' ? ', cancelled' : ''}` })),
      kindOptions,
      zoneOptions: zoneOptions(String(schedule.time_zone ?? '')),
      patternOptions: RULE_PATTERNS,
      rule: describeSchedule(series.rrule, series.dtstart_local, series.time_zone),
      lackingCaptions: all[0]?.lacking_captions ?? 0,
      errors: data.errors ?? {}
    }, status)
  }

  async function showEditForm (request: FastifyRequest, reply: FastifyReply) {
    return editPage(request, reply, await loadSeries(request))
  }

  async function saveSeries (request: FastifyRequest, reply: FastifyReply) {
    const series = await loadSeries(request)
    const form = readSeriesEditForm(request.body)
    const hostsForm = readHostsForm(request.body)
    const current = await seriesHostIds(app.db, series.id)
    const hosts = await resolveHosts(app.db, request.community.id, hostsForm, current)
    const errors = { ...form.errors, ...hosts.errors }
    if (!form.input || !hosts.hostIds) return editPage(request, reply, series, { values: form.values, hosts: hostsForm, errors }, 400)
    const content = form.input
    const hostIds = hosts.hostIds
    const n = await app.db.transaction().execute(async (trx) => {
      const count = await editSeries(trx, series.id, content)
      await setSeriesHosts(trx, series.id, hostIds)
      return count
    })
    return reply.flash(`Series saved. ${n === 1 ? '1 upcoming meeting was' : `${n} upcoming meetings were`} updated. Past meetings and meetings changed on their own were left as they were.`)
      .redirect(paths.orgaSeries(request.community.slug, series.id), 303)
  }

  async function changeSchedule (request: FastifyRequest, reply: FastifyReply) {
    const series = await loadSeries(request)
    // The new schedule starts on the chosen meeting's date unless the organizer gives a first date.
    const from = await upcomingOf(series, parseId((request.body as { from_event?: string }).from_event))
    const fromDate = from && (from.occurrence_key ?? instantToLocal(from.original_starts_at ?? from.starts_at, series.time_zone)).slice(0, 10)
    const form = readScheduleForm(request.body, fromDate)
    if (!form.input) return editPage(request, reply, series, { schedule: form.values, errors: form.errors }, 400)
    const change = form.input
    try {
      const result = await app.db.transaction().execute((trx) => changeScheduleFrom(trx, series.id, change))
      const cancelledNote = result.cancelled ? ` ${result.cancelled} ${result.cancelled === 1 ? 'meeting falls' : 'meetings fall'} on a dropped date and ${result.cancelled === 1 ? 'was' : 'were'} cancelled.` : ''
      return reply.flash(`New schedule saved from that meeting on. ${result.moved} ${result.moved === 1 ? 'meeting keeps its' : 'meetings keep their'} RSVPs.${cancelledNote}`)
        .redirect(paths.orgaSeries(request.community.slug, result.series.id), 303)
    } catch (err) {
      if (!(err instanceof ScheduleChangeError)) throw err
      return editPage(request, reply, series, { schedule: form.values, errors: { [err.field]: err.message } }, 400)
    }
  }

  // ---- Speakers (and why each meeting matters) across the upcoming meetings, in one form

  async function speakersPage (request: FastifyRequest, reply: FastifyReply, series: Series, data: { values?: FormValues, errors?: Record<string, string> } = {}, status = 200) {
    const meetings = await upcomingMeetings(app.db, series.id, new Date(), SPEAKER_FORM_MEETINGS)
    const values = data.values ?? {}
    return reply.page('c/orga/series/speakers', {
      title: `Speakers: ${series.title}`,
      community: request.community,
      series,
      meetings: meetings.map((m) => ({
        ...m,
        speaker: String(values[`speaker_${m.id}`] ?? m.speaker_name ?? ''),
        why: String(values[`why_${m.id}`] ?? m.why_it_matters)
      })),
      limits: { meetings: SPEAKER_FORM_MEETINGS, speaker: SPEAKER_MAX, why: WHY_MAX },
      errors: data.errors ?? {}
    }, status)
  }

  async function showSpeakersForm (request: FastifyRequest, reply: FastifyReply) {
    return speakersPage(request, reply, await loadSeries(request))
  }

  async function saveSpeakers (request: FastifyRequest, reply: FastifyReply) {
    const series = await loadSeries(request)
    const now = new Date()
    const meetings = await upcomingMeetings(app.db, series.id, now, SPEAKER_FORM_MEETINGS)
    const form = readSpeakersForm(request.body, meetings.map((m) => ({ id: m.id, label: `The meeting of ${fmtDate(m.starts_at, m.time_zone)}` })), series.why_it_matters)
    if (!form.input) return speakersPage(request, reply, series, { values: form.values, errors: form.errors }, 400)
    const rows = form.input
    const n = await app.db.transaction().execute((trx) => setSeriesSpeakers(trx, series.id, rows, now))
    return reply.flash(`Speakers saved: ${n === 1 ? '1 meeting' : `${n} meetings`} changed. The meetings stay with the series: later series edits still reach them.`)
      .redirect(paths.orgaSeries(request.community.slug, series.id), 303)
  }
}
