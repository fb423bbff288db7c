import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { EventKind } from '../../../db/database.js'
import { listEvents, listLackingCaptions, listRegions, type EventFilters, type EventMode } from '../../../domain/events/events.repository.js'
import { cachedEventPage, EVENT_KINDS, knownToHaveCapacity, lacksCaptions } from '../../../domain/events/events.service.js'
import { viewerTimes } from '../../../lib/time-zones.js'
import { accessLinks } from '../../../domain/events/access-links.js'
import { eventAboutView, eventPageView } from '../../../domain/events/event-page.js'
import { revokeRsvpLinks } from '../../../domain/rsvps/rsvp-links.js'
import { answerOutsideTransaction } from '../../../domain/rsvps/rsvps.service.js'
import { derived } from '../../../infra/cache/tagged-cache.js'
import { tags } from '../../../infra/cache/tags.js'
import { listCallsOn } from '../../../domain/proposals/proposals.repository.js'
import { findMeetingTalk } from '../../../domain/proposals/placement.repository.js'
import { callPhase } from '../../../domain/proposals/calls.service.js'
import { dateTime, shortDate } from '../../../lib/format.js'
import { notFound } from '../../../lib/errors.js'
import { idParam } from '../../../lib/http.js'
import { isIsoDate } from '../../../lib/forms.js'
import { buttonForm, NoQuery, queryText, SlugIdParams, SlugParams } from '../../../lib/schema.js'
import { readRsvpForm, RsvpForm } from '../../../forms/rsvp-form.js'
import { Type, type Static } from 'typebox'
import agendaRoutes from './agenda.js'
import calendarRoutes from './calendar.js'
import metRoutes from './met.js'
import { paths } from '../../../lib/paths.js'
// Issue 13: the member's personal QR code on in-person events they go to.
import { metQrOf, showsCodeAtEvent } from '../../../domain/connections/qr.service.js'
import { eventSuggestions } from '../../../domain/connections/suggestions.service.js'
import { isInPerson, metAccess } from '../../../domain/connections/met.service.js'

/** The events list's filters and page, as its filter form and page links send them (odd values are ignored). */
const ListQuery = Type.Object({
  when: queryText('the choice of past or upcoming events', 20),
  kind: queryText('the kind of event', 40),
  region: queryText('the region', 200),
  mode: queryText('the choice of in-person or online events', 20),
  from: queryText('the first date', 20),
  to: queryText('the last date', 20),
  page: queryText('the page number', 6)
}, { additionalProperties: false })

/** Events per page of the events list. */
const EVENTS_PER_PAGE = 25

const RSVP_MESSAGES: Record<string, string> = {
  going: 'You’re going. See you there!',
  waitlisted: 'The event is full, so you’re on the waitlist. We’ll email you if a place opens up.',
  maybe: 'You answered maybe.',
  declined: 'You answered that you can’t go.'
}

/**
 * Members' event pages under /c/:slug/events (members only, by the community guard): the list, the event page,
 * RSVPs, and the event's calendar file and links (calendar.ts). Organizers' pages are under c/orga.
 */
export default async function eventRoutes (app: FastifyInstance) {
  app.get('/c/:slug/events', { schema: { params: SlugParams, querystring: ListQuery } }, listEventsPage)
  app.get('/c/:slug/events/:id', { schema: { params: SlugIdParams, querystring: NoQuery } }, showEvent)
  // The RSVP re-shows the event page with its errors (an answer over its limit), the input kept.
  app.post('/c/:slug/events/:id/rsvp', { schema: { params: SlugIdParams, querystring: NoQuery, body: RsvpForm }, config: { form: true } }, rsvp)
  // A member who forwarded an invite, or fears a mailbox was read, turns off the "Going" / "Can't go" links
  // in every mail they got for this event; the next mail brings links that work.
  app.post('/c/:slug/events/:id/rsvp-links/revoke', { schema: { params: SlugIdParams, querystring: NoQuery, body: buttonForm } }, revokeMyRsvpLinks)

  await app.register(calendarRoutes)
  await app.register(agendaRoutes)
  await app.register(metRoutes)

  async function listEventsPage (request: FastifyRequest, reply: FastifyReply) {
    const q = request.query as Static<typeof ListQuery>
    const filters: EventFilters = {}
    const when = q.when === 'past' ? 'past' : 'upcoming'
    const values = { when: when === 'past' ? 'past' : '', kind: q.kind ?? '', region: q.region ?? '', mode: q.mode ?? '', from: q.from ?? '', to: q.to ?? '' }
    // Dates in the filter are days where the viewer is.
    filters.zone = request.viewerZone ?? 'UTC'
    if (EVENT_KINDS.some((k) => k.value === values.kind)) filters.kind = values.kind as EventKind
    if (values.region) filters.region = values.region
    if (values.mode === 'in-person' || values.mode === 'online') filters.mode = values.mode as EventMode
    if (isIsoDate(values.from)) filters.from = values.from
    if (isIsoDate(values.to)) filters.to = values.to
    const canOrganize = request.standing.isOrganizer || request.standing.isAdmin
    const page = /^\d{1,5}$/.test(q.page ?? '') && Number(q.page) >= 1 ? Number(q.page) : 1
    const now = new Date()
    // One more than a page tells whether there is a next page.
    const [rows, regions, lackingCaptions] = await Promise.all([
      listEvents(app.db, request.community.id, now, { when, filters, includeDrafts: canOrganize, limit: EVENTS_PER_PAGE + 1, offset: (page - 1) * EVENTS_PER_PAGE }),
      listRegions(app.db, request.community.id, now, { includeDrafts: canOrganize }),
      canOrganize && when === 'upcoming' ? listLackingCaptions(app.db, request.community.id, now) : []
    ])
    // A region chosen earlier stays in the select even when no upcoming event is in it any more.
    if (filters.region && !regions.includes(filters.region)) regions.push(filters.region)
    const pageUrl = (n: number) => {
      const q: Record<string, string | number | undefined> = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''))
      if (n > 1) q.page = n
      return paths.events(request.community.slug, q)
    }
    const events = rows.slice(0, EVENTS_PER_PAGE).map((e) => ({ ...e, afterwards: when === 'past' ? accessLinks(e, now).afterwards : null }))
    const heading = when === 'past' ? 'Past events' : 'Events'
    return reply.page('c/events/list', {
      title: page > 1 ? `${heading} (page ${page}) · ${request.community.name}` : `${heading} · ${request.community.name}`,
      when,
      community: request.community, events, regions, values, canOrganize, kinds: EVENT_KINDS, lackingCaptions,
      page, previousUrl: page > 1 ? pageUrl(page - 1) : null, nextUrl: rows.length > EVENTS_PER_PAGE ? pageUrl(page + 1) : null, firstUrl: pageUrl(1)
    })
  }

  /** The event page (from the read cache, or two queries); 404 as `app.loadEvent`. */
  async function eventPage (request: FastifyRequest, reply: FastifyReply,
    extra: { problem?: string, errors?: Record<string, string>, values?: Record<string, string> } = {}, status = 200) {
    const canOrganize = request.standing.isOrganizer || request.standing.isAdmin
    const found = await cachedEventPage(app.caches, app.db, request.community.id, idParam(request, 'event'), request.member!.id)
    if (!found || (found.page.event.status === 'draft' && !canOrganize)) throw notFound('event')
    const { page, mine, waitlistPlace } = found
    const { event, counts } = page
    const links = accessLinks(event)
    // The accepted talk placed on this meeting of a series (its title; cached with the page, which a placement drops).
    const talk = event.proposal_id === null ? null : await app.caches.eventPages.get(`talk:${event.id}:${event.proposal_id}`, async () => ({
      value: (await findMeetingTalk(app.db, event.proposal_id!)) ?? null, tags: [tags.event(event.id)]
    }))
    // What every viewer sees alike is rendered once per cached page (and per time zone: "in your time zone").
    const about = derived(page, `about:${links.ended ? 'ended' : ''}:${request.viewerZone ?? ''}`, () => app.renderFragment('/c/events/_about', {
      event,
      talk,
      hosts: page.hosts,
      counts,
      links,
      view: eventAboutView(event, links),
      kindLabel: EVENT_KINDS.find((k) => k.value === event.kind)?.label ?? event.kind,
      viewerTimes: viewerTimes(event, request.viewerZone)
    }))
    // The call for proposals on the event or its series (cached with the page: a changed call drops event pages).
    const calls = await app.caches.eventPages.get(`calls:${event.id}`, async () => ({
      value: await listCallsOn(app.db, event.id, event.series_id), tags: [tags.event(event.id)]
    }))
    const call = calls.find((c) => callPhase(c) === 'open')
    const openCall = call
      ? { href: paths.call(request.community.slug, call.id), title: call.title, closes: dateTime(call.closes_at, call.time_zone) }
      : null
    const whoIsGoing = derived(page, 'going', () => app.renderFragment('/c/events/_going', { going: page.going, counts }))
    const me = request.member!
    const metQr = await showsCodeAtEvent(app.db, event, me.id, mine?.status ?? null) ? await metQrOf(app.db, app.site.publicUrl, me.id, me.full_name, me.met_code) : null
    // "People you haven't met yet" among the others going, for a member going to an event still to come.
    const suggestions = mine?.status === 'going' && event.status === 'published' && event.starts_at > new Date()
      ? await eventSuggestions(app.db, request.member!, event.id)
      : undefined
    // "Who did you meet?" for members checked in at an in-person event: one query, only once its doors may be open
    // (check-in starts at most two hours before), so the pages of upcoming events stay served from the cache alone.
    const doorsOpen = event.starts_at.getTime() - 2 * 3_600_000 <= Date.now()
    const metHref = isInPerson(event) && doorsOpen && await metAccess(app.db, event, request.member!.id) === 'ok'
      ? paths.eventMet(request.community.slug, event.id)
      : null
    return reply.page('c/events/show', {
      // The date too: every occurrence of a series has the same title.
      title: `${event.title}, ${shortDate(event.starts_at, event.time_zone)}`,
      community: request.community,
      event,
      mine,
      view: eventPageView(event, counts, mine, links, new Date(), waitlistPlace),
      canOrganize,
      about,
      whoIsGoing,
      suggestions,
      metHref,
      captionsMissing: lacksCaptions(event),
      openCall,
      agendaHref: page.hasAgenda ? paths.agenda(request.community.slug, event.id) : null,
      metQr,
      talk: talk && canOrganize ? { title: talk.title, href: paths.proposal(request.community.slug, talk.call_id, talk.id), placement: paths.orgaPlacement(request.community.slug, talk.call_id) } : null,
      ...extra
    }, status)
  }

  async function showEvent (request: FastifyRequest, reply: FastifyReply) {
    return eventPage(request, reply)
  }

  async function rsvp (request: FastifyRequest, reply: FastifyReply) {
    // No read before answering: `answerOutsideTransaction` checks the event and its community as it answers; on any failure the
    // event page (re-read) answers 404 for an event the member may not see, as `app.loadEvent` would.
    const eventId = idParam(request, 'event')
    const form = readRsvpForm(request.body)
    if (!form.input) {
      const { choice: problem, ...errors } = form.errors
      return eventPage(request, reply, { problem, errors, values: form.values }, 400)
    }
    const outcome = await answerOutsideTransaction(app.db, {
      eventId,
      communityId: request.community.id,
      memberId: request.member!.id,
      ...form.input
    }, new Date(), { hasCapacity: knownToHaveCapacity(app.caches, eventId) })
    if (!outcome.ok) return eventPage(request, reply, { problem: outcome.message }, 409)
    return reply.flash(RSVP_MESSAGES[outcome.status]).redirect(paths.eventPage(request.community.slug, eventId), 303)
  }

  async function revokeMyRsvpLinks (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    await revokeRsvpLinks(app.db, event.id, request.member!.id)
    return reply.flash('The “Going” and “Can’t go” links in the emails you got for this event no longer work. Answer here, or with the links in the next email.')
      .redirect(paths.eventPage(request.community.slug, event.id), 303)
  }
}
