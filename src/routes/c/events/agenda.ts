import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import type { Event } from '../../../db/database.js'
import { findPublishedSession, listPublishedSessions } from '../../../domain/agenda/agenda-view.repository.js'
import { agendaView } from '../../../domain/agenda/agenda-view.js'
import { addPick, listPickedSessions, removePick } from '../../../domain/agenda/picks.repository.js'
import { sessionsCalendar, toSessionEntry } from '../../../domain/agenda/session-ics.js'
import { accessLinks } from '../../../domain/events/access-links.js'
import { badRequest, notFound } from '../../../lib/errors.js'
import { idParam } from '../../../lib/http.js'
import { paths } from '../../../lib/paths.js'
import { shortDate } from '../../../lib/format.js'
import { form, NoQuery, pageRoute, queryText, rowId, slug, text } from '../../../lib/schema.js'

const CALENDAR_TYPE = 'text/calendar; charset=utf-8'

const AgendaParams = Type.Object({ slug, id: rowId })
const SessionParams = Type.Object({ slug, id: rowId, sid: rowId })
/** The agenda's filters, as its filter form sends them (a value no session has is ignored). */
const AgendaQuery = Type.Object({
  track: queryText('the track', 200),
  room: queryText('the room', 200)
}, { additionalProperties: false })
/** The pick / unpick buttons send the filters the page had, so the member comes back to the same view. */
const PickForm = form({ track: text('the track', 200), room: text('the room', 200) })

/**
 * The agenda of an event, as members see it (members only, by the community guard; drafts 404 as the event
 * page): published sessions by day, "my agenda" (picks), and calendar files of one session and of my picks.
 */
export default async function agendaRoutes (app: FastifyInstance) {
  app.get('/c/:slug/events/:id/agenda', pageRoute(AgendaParams, AgendaQuery), showAgenda)
  app.post('/c/:slug/events/:id/agenda/:sid/pick', { schema: { params: SessionParams, querystring: NoQuery, body: PickForm } }, pick)
  app.post('/c/:slug/events/:id/agenda/:sid/unpick', { schema: { params: SessionParams, querystring: NoQuery, body: PickForm } }, unpick)
  app.get('/c/:slug/events/:id/agenda/:sid/session.ics', pageRoute(SessionParams), sessionFile)
  app.get('/c/:slug/events/:id/agenda/mine.ics', pageRoute(AgendaParams), myFile)

  async function showAgenda (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const q = request.query as Static<typeof AgendaQuery>
    const sessions = await listPublishedSessions(app.db, event.id, request.member!.id)
    const view = agendaView(sessions, request.viewerZone ?? event.time_zone, { track: q.track, room: q.room })
    return reply.page('c/events/agenda', {
      title: `Agenda: ${event.title}, ${shortDate(event.starts_at, event.time_zone)}`,
      community: request.community,
      event,
      view,
      links: accessLinks(event),
      eventZoneLabel: event.time_zone.replace(/_/g, ' ')
    })
  }

  /** The :sid session, published, of the :id event the viewer may see; 404 otherwise. */
  async function loadSession (request: FastifyRequest, event: Event) {
    const session = await findPublishedSession(app.db, event.id, idParam(request, 'session', 'sid'))
    if (!session) throw notFound('session')
    return session
  }

  function back (request: FastifyRequest, event: Event, sessionId: number): string {
    const body = request.body as Static<typeof PickForm>
    return `${paths.agenda(request.community.slug, event.id, { track: body.track, room: body.room })}#session-${sessionId}`
  }

  /** A cancelled event's agenda is a record: nothing to add to one's agenda or remove from it. */
  function refuseIfCancelled (event: Event) {
    if (event.status === 'cancelled') throw badRequest('This event was cancelled, so its sessions can no longer be added to your agenda or removed from it.')
  }

  async function pick (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const session = await loadSession(request, event)
    refuseIfCancelled(event)
    await addPick(app.db, session.id, request.member!.id)
    return reply.flash(`“${session.title}” is in your agenda.`).redirect(back(request, event, session.id), 303)
  }

  async function unpick (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const session = await loadSession(request, event)
    refuseIfCancelled(event)
    await removePick(app.db, session.id, request.member!.id)
    return reply.flash(`“${session.title}” is no longer in your agenda.`).redirect(back(request, event, session.id), 303)
  }

  function calendarReply (reply: FastifyReply, filename: string, body: string) {
    return reply.header('Content-Type', CALENDAR_TYPE)
      .header('Content-Disposition', `attachment; filename="${filename}"`)
      .header('Cache-Control', 'private, no-cache')
      .send(body)
  }

  async function sessionFile (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const session = await loadSession(request, event)
    const entry = toSessionEntry(session, event, request.community, { site: app.site, speakers: session.speakers.map((s) => s.full_name) })
    return calendarReply(reply, `session-${session.id}.ics`, sessionsCalendar('PUBLISH', [entry]))
  }

  async function myFile (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const picked = await listPickedSessions(app.db, event.id, request.member!.id)
    const entries = picked.map((s) => toSessionEntry(s, event, request.community, { site: app.site, speakers: s.speakers.map((p) => p.full_name) }))
    return calendarReply(reply, `my-agenda-${event.id}.ics`, sessionsCalendar('PUBLISH', entries, `My agenda: ${event.title}`))
  }
}
