import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { AgendaSession, Event } from '../../../../db/database.js'
import { findEventTalk, findSession, listEventSessions, listRoomsAndTracks, listUnplacedTalks, type ListedSession, type PlaceableTalk } from '../../../../domain/agenda/sessions.repository.js'
import {
  clockOf, createSession, dateOf, deleteSession, eventDays, publishAgenda, sessionFormValues, setSessionPublished, talkWhyThisMatters, updateSession
} from '../../../../domain/agenda/sessions.service.js'
import { readSessionForm, SessionForm } from '../../../../forms/session-form.js'
import { notFound } from '../../../../lib/errors.js'
import { date as longDate } from '../../../../lib/format.js'
import { idParam } from '../../../../lib/http.js'
import { paths } from '../../../../lib/paths.js'
import { buttonForm, formRoute, pageRoute, rowId, slug, SlugIdParams } from '../../../../lib/schema.js'

const SessionParams = Type.Object({ slug, id: rowId, sid: rowId })
const AgendaQuery = Type.Object({ place: Type.Optional(Type.String({ title: 'the talk', format: 'row-id' })) }, { additionalProperties: false })

/** What a failed save re-shows: the form as typed and its errors. */
interface Failed { values: Record<string, string>, errors: Record<string, string> }

/**
 * Organizers' agenda of an event (under the c/orga guard): sessions in rooms and tracks by day, the accepted talks
 * of the event's calls still to place, adding, editing, deleting and publishing sessions.
 */
export default async function agendaRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/events/:id/agenda', pageRoute(SlugIdParams, AgendaQuery), showAgenda)
  app.post('/c/:slug/orga/events/:id/agenda', formRoute(SlugIdParams, SessionForm), addSession)
  app.post('/c/:slug/orga/events/:id/agenda/publish', formRoute(SlugIdParams, buttonForm), publishAll)
  app.get('/c/:slug/orga/events/:id/agenda/:sid', pageRoute(SessionParams), editSession)
  app.post('/c/:slug/orga/events/:id/agenda/:sid', formRoute(SessionParams, SessionForm), saveSession)
  app.post('/c/:slug/orga/events/:id/agenda/:sid/delete', formRoute(SessionParams, buttonForm), removeSession)
  app.post('/c/:slug/orga/events/:id/agenda/:sid/publish', formRoute(SessionParams, buttonForm), (request, reply) => publishOne(request, reply, true))
  app.post('/c/:slug/orga/events/:id/agenda/:sid/unpublish', formRoute(SessionParams, buttonForm), (request, reply) => publishOne(request, reply, false))

  /** The session form's choices: the event's days, the talks it may hold, rooms and tracks already used. */
  async function formChoices (event: Event, session: AgendaSession | null, unplaced: PlaceableTalk[]) {
    const talks = unplaced.map((t) => ({ value: String(t.id), label: `${t.title} (${t.submitter_name})` }))
    if (session?.proposal_id) {
      const own = await findEventTalk(app.db, event.id, session.proposal_id)
      if (own) talks.unshift({ value: String(own.id), label: `${own.title} (${own.submitter_name})` })
    }
    return {
      dayOptions: eventDays(event),
      talkOptions: [{ value: '', label: 'None — a break, keynote or panel' }, ...talks],
      suggestions: await listRoomsAndTracks(app.db, event.id),
      zone: event.time_zone.replace(/_/g, ' ')
    }
  }

  function sessionView (slug: string, event: Event, s: ListedSession) {
    const z = event.time_zone
    return {
      ...s,
      time: `${clockOf(s.starts_at, z)}–${clockOf(s.ends_at, z)}`,
      speakerNames: s.speakers.map((p) => p.full_name).join(', '),
      editHref: paths.orgaSession(slug, event.id, s.id),
      publishAction: paths.orgaSession(slug, event.id, s.id, s.published ? 'unpublish' : 'publish')
    }
  }

  async function agendaPage (request: FastifyRequest, reply: FastifyReply, event: Event, failed?: Failed, status = 200) {
    const slug = request.community.slug
    const [sessions, unplaced] = await Promise.all([listEventSessions(app.db, event.id, { publishedOnly: false }), listUnplacedTalks(app.db, event.id)])
    const days = eventDays(event).map((d) => ({
      ...d,
      heading: longDate(new Date(`${d.value}T12:00:00Z`), 'UTC'),
      sessions: sessions.filter((s) => dateOf(s.starts_at, event.time_zone) === d.value).map((s) => sessionView(slug, event, s))
    }))
    // A session left outside the event's days (the event was moved since) is still listed, so it can be fixed.
    const outside = sessions.filter((s) => !days.some((d) => d.value === dateOf(s.starts_at, event.time_zone))).map((s) => sessionView(slug, event, s))
    const query = request.query as { place?: string }
    const place = query.place ? unplaced.find((t) => t.id === Number(query.place)) : undefined
    const values = failed?.values ?? {
      proposal_id: place ? String(place.id) : '',
      title: place?.title ?? '',
      why_this_matters: place ? talkWhyThisMatters(place) : '',
      date: days[0]?.value ?? '',
      start_time: '',
      end_time: '',
      room: '',
      track: ''
    }
    return reply.page('c/orga/events/agenda', {
      title: `Agenda · ${event.title}`,
      community: request.community,
      event,
      days,
      outside,
      unpublished: sessions.filter((s) => !s.published).length,
      total: sessions.length,
      unplaced: unplaced.map((t) => ({ ...t, placeHref: `${paths.orgaAgenda(slug, event.id, t.id)}#add-session` })),
      values,
      errors: failed?.errors ?? {},
      ...(await formChoices(event, null, unplaced))
    }, status)
  }

  async function showAgenda (request: FastifyRequest, reply: FastifyReply) {
    return agendaPage(request, reply, await app.loadEvent(request))
  }

  async function addSession (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const form = readSessionForm(request.body)
    const input = form.input
    if (!input) return agendaPage(request, reply, event, form, 400)
    const result = await app.db.transaction().execute((trx) => createSession(trx, event.id, input))
    if (!result.ok) return agendaPage(request, reply, event, { values: form.values, errors: result.errors }, result.conflict ? 409 : 400)
    return reply.flash(`Session added: “${result.session.title}”. It is not published yet.`)
      .redirect(paths.orgaAgenda(request.community.slug, event.id), 303)
  }

  async function loadSession (request: FastifyRequest, event: Event): Promise<AgendaSession> {
    const session = await findSession(app.db, event.id, idParam(request, 'session', 'sid'))
    if (!session) throw notFound('session')
    return session
  }

  async function sessionPage (request: FastifyRequest, reply: FastifyReply, event: Event, session: AgendaSession, failed?: Failed, status = 200) {
    const unplaced = await listUnplacedTalks(app.db, event.id)
    return reply.page('c/orga/events/agenda-session', {
      title: `Edit session · ${session.title}`,
      community: request.community,
      event,
      session,
      values: failed?.values ?? sessionFormValues(session, event.time_zone),
      errors: failed?.errors ?? {},
      ...(await formChoices(event, session, unplaced))
    }, status)
  }

  async function editSession (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    return sessionPage(request, reply, event, await loadSession(request, event))
  }

  async function saveSession (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const session = await loadSession(request, event)
    const form = readSessionForm(request.body)
    const input = form.input
    if (!input) return sessionPage(request, reply, event, session, form, 400)
    const result = await app.db.transaction().execute((trx) => updateSession(trx, event.id, session.id, input))
    if (!result) throw notFound('session')
    if (!result.ok) return sessionPage(request, reply, event, session, { values: form.values, errors: result.errors }, result.conflict ? 409 : 400)
    const moved = session.published && result.session.sequence !== session.sequence
    return reply.flash(`Session saved: “${result.session.title}”.${moved ? ' Members who added it to their agenda will get the new time or room.' : ''}`)
      .redirect(paths.orgaAgenda(request.community.slug, event.id), 303)
  }

  async function removeSession (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const session = await loadSession(request, event)
    const deleted = await app.db.transaction().execute((trx) => deleteSession(trx, event.id, session.id))
    if (!deleted) throw notFound('session')
    return reply.flash(`Session deleted: “${session.title}”.${session.published ? ' Members who added it to their agenda will be told.' : ''}`)
      .redirect(paths.orgaAgenda(request.community.slug, event.id), 303)
  }

  async function publishAll (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const n = await app.db.transaction().execute((trx) => publishAgenda(trx, event.id))
    const message = n === 0 ? 'Every session was already published.' : `Agenda published: ${n} ${n === 1 ? 'session' : 'sessions'} made visible to members.`
    return reply.flash(message).redirect(paths.orgaAgenda(request.community.slug, event.id), 303)
  }

  async function publishOne (request: FastifyRequest, reply: FastifyReply, published: boolean) {
    const event = await app.loadEvent(request)
    const session = await loadSession(request, event)
    const changed = await app.db.transaction().execute((trx) => setSessionPublished(trx, event.id, session.id, published))
    if (changed === null) throw notFound('session')
    const message = !changed ? `“${session.title}” was already ${published ? 'published' : 'unpublished'}.`
      : published ? `Published: “${session.title}”.` : `Unpublished: “${session.title}”. Members who added it to their agenda will be told it is off.`
    return reply.flash(message).redirect(paths.orgaAgenda(request.community.slug, event.id), 303)
  }
}
