import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Event, EventKind } from '../../db/database.js'
import { checkIn, countCheckIns, doorList, undoCheckIn, walkInCandidates } from '../../domain/events/check-ins.service.js'
import { findVisibleEvent, listEvents, listHosts, listLackingCaptions, listRegions, type EventFilters, type EventMode } from '../../domain/events/events.repository.js'
import {
  cachedEventPage, cancelEvent, copyEvent, createEvent, EVENT_KINDS, eventFormValues, knownToHaveCapacity, lacksCaptions, publishEvent,
  readEventForm, updateEvent
} from '../../domain/events/events.service.js'
import { hostChoices, hostsFormValues, readHostsForm, resolveHosts, type HostsForm } from '../../domain/events/hosts.service.js'
import { COMMON_ZONES, viewerTimes } from '../../lib/time-zones.js'
import { accessLinks } from '../../domain/events/access-links.js'
import { setHosts } from '../../domain/events/events.repository.js'
import { countByStatus, listAttendees } from '../../domain/rsvps/rsvps.repository.js'
import { revokeRsvpLinks } from '../../domain/rsvps/rsvp-links.js'
import { attendeesCsv, respondNow, rsvpProblem, RSVP_CHOICES, type RsvpChoice } from '../../domain/rsvps/rsvps.service.js'
import { createSeries, readSeriesForm, RULE_PATTERNS } from '../../domain/series/series.service.js'
import { derived } from '../../infra/cache/tagged-cache.js'
import { notFound } from '../../lib/errors.js'
import { idParam } from '../../lib/http.js'
import { shortDate } from '../../lib/format.js'
import { bool, isIsoDate, parseId, str } from '../../lib/forms.js'

/** A field that may be absent from the form (undefined), as opposed to sent empty (''). */
function optional (body: unknown, name: string): string | undefined {
  return body && typeof body === 'object' && name in body ? str(body, name, 1000) : undefined
}

const zoneOptions = (current: string) => [...new Set([...(current ? [current] : []), ...COMMON_ZONES])].map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))
const kindOptions = [{ value: '', label: '- Choose -' }, ...EVENT_KINDS]

/** Events per page of the events list. */
const EVENTS_PER_PAGE = 25

/** Events, series, RSVPs and check-in: members' pages under /c/:slug/events, organizers' under /c/:slug/orga. */
export default async function eventRoutes (app: FastifyInstance) {
  const member = { preHandler: app.requireCommunityMember }
  const organizer = { preHandler: app.requireOrganizer }

  /** The event of this community, or 404; drafts exist only for organizers. */
  async function loadEvent (request: FastifyRequest): Promise<Event> {
    const event = await findVisibleEvent(app.db, request.community.id, idParam(request, 'event'), request.standing.isOrganizer || request.standing.isAdmin)
    if (!event) throw notFound('event')
    return event
  }

  // ---- Members: list, event page, RSVP

  app.get('/c/:slug/events', member, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>
    const filters: EventFilters = {}
    const when = q.when === 'past' ? 'past' : 'upcoming'
    const values = { when: when === 'past' ? 'past' : '', kind: q.kind ?? '', region: q.region ?? '', mode: q.mode ?? '', from: q.from ?? '', to: q.to ?? '' }
    // Dates in the filter are days where the viewer is.
    filters.zone = request.viewerZone ?? 'UTC'
    if (EVENT_KINDS.some((k) => k.value === values.kind)) filters.kind = values.kind as EventKind
    if (values.region) filters.region = values.region.slice(0, 200)
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
      const params = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== ''))
      if (n > 1) params.set('page', String(n))
      const qs = params.toString()
      return `/c/${request.community.slug}/events${qs ? '?' + qs : ''}`
    }
    const events = rows.slice(0, EVENTS_PER_PAGE).map((e) => ({ ...e, afterwards: when === 'past' ? accessLinks(e, now).afterwards : null }))
    const heading = when === 'past' ? 'Past events' : 'Events'
    return reply.page('events/list', {
      title: page > 1 ? `${heading} (page ${page}) · ${request.community.name}` : `${heading} · ${request.community.name}`,
      when,
      community: request.community, events, regions, values, canOrganize, kinds: EVENT_KINDS, lackingCaptions,
      page, previousUrl: page > 1 ? pageUrl(page - 1) : null, nextUrl: rows.length > EVENTS_PER_PAGE ? pageUrl(page + 1) : null, firstUrl: pageUrl(1)
    })
  })

  /** The event page (from the read cache, or two queries); 404 as `loadEvent`. */
  async function showEvent (request: FastifyRequest, reply: FastifyReply, extra: { problem?: string } = {}, status = 200) {
    const canOrganize = request.standing.isOrganizer || request.standing.isAdmin
    const found = await cachedEventPage(app.caches, app.db, request.community.id, idParam(request, 'event'), request.member!.id)
    if (!found || (found.page.event.status === 'draft' && !canOrganize)) throw notFound('event')
    const { page, mine } = found
    const { event, counts } = page
    const links = accessLinks(event)
    // What every viewer sees alike is rendered once per cached page (and per time zone: "in your time zone").
    const about = derived(page, `about:${links.ended ? 'ended' : ''}:${request.viewerZone ?? ''}`, () => app.renderFragment('/events/_about', {
      event,
      hosts: page.hosts,
      counts,
      links,
      kindLabel: EVENT_KINDS.find((k) => k.value === event.kind)?.label ?? event.kind,
      viewerTimes: viewerTimes(event, request.viewerZone)
    }))
    const whoIsGoing = derived(page, 'going', () => app.renderFragment('/events/_going', { going: page.going, counts }))
    return reply.page('events/show', {
      // The date too: every occurrence of a series has the same title.
      title: `${event.title}, ${shortDate(event.starts_at, event.time_zone)}`,
      community: request.community,
      event,
      counts,
      mine,
      canOrganize,
      about,
      whoIsGoing,
      closed: rsvpProblem(event, new Date()),
      captionsMissing: lacksCaptions(event),
      links,
      ...extra
    }, status)
  }

  app.get('/c/:slug/events/:id', member, async (request, reply) => {
    return showEvent(request, reply)
  })

  const RSVP_MESSAGES: Record<string, string> = {
    going: 'You’re going. See you there!',
    waitlisted: 'The event is full, so you’re on the waitlist. We’ll email you if a place opens up.',
    maybe: 'You answered maybe.',
    declined: 'You answered that you can’t go.'
  }

  app.post('/c/:slug/events/:id/rsvp', member, async (request, reply) => {
    // No read before answering: `respondNow` checks the event and its community as it answers; on any failure the
    // event page (re-read) answers 404 for an event the member may not see, as `loadEvent` would.
    const eventId = idParam(request, 'event')
    const choice = str(request.body, 'choice') as RsvpChoice
    if (!RSVP_CHOICES.includes(choice)) return showEvent(request, reply, { problem: 'Choose going, maybe or can’t go.' }, 400)
    const outcome = await respondNow(app.db, {
      eventId,
      communityId: request.community.id,
      memberId: request.member!.id,
      choice,
      listed: !bool(request.body, 'unlisted'),
      accessibilityNeeds: optional(request.body, 'accessibility_needs'),
      dietaryNeeds: optional(request.body, 'dietary_needs')
    }, app.config.PUBLIC_URL, new Date(), { hasCapacity: knownToHaveCapacity(app.caches, eventId) })
    if (!outcome.ok) return showEvent(request, reply, { problem: outcome.message }, 409)
    return reply.flash(RSVP_MESSAGES[outcome.status]).redirect(`/c/${request.community.slug}/events/${eventId}`, 303)
  })

  // A member who forwarded an invite, or fears a mailbox was read, turns off the "Going" / "Can't go" links
  // in every mail they got for this event; the next mail brings links that work.
  app.post('/c/:slug/events/:id/rsvp-links/revoke', member, async (request, reply) => {
    const event = await loadEvent(request)
    await revokeRsvpLinks(app.db, event.id, request.member!.id)
    return reply.flash('The “Going” and “Can’t go” links in the emails you got for this event no longer work. Answer here, or with the links in the next email.')
      .redirect(`/c/${request.community.slug}/events/${event.id}`, 303)
  })

  // ---- Organizers: create, edit, publish, cancel

  /** The event form; `hosts` is what the hosts checkboxes show (the event's hosts, or the form as sent). */
  const eventForm = async (request: FastifyRequest, reply: FastifyReply, data: { event?: Event, values: Record<string, unknown>, hosts: HostsForm, errors?: Record<string, string> }, status = 200) => {
    const current = data.event ? (await listHosts(app.db, data.event.id)).map((h) => h.id) : [request.member!.id]
    const offered = [...current, ...data.hosts.hosts.map(Number)].filter((n) => Number.isSafeInteger(n))
    return reply.page('orga/events/form', {
      title: data.event ? `Edit ${data.event.title}` : 'New event',
      community: request.community,
      kindOptions,
      zoneOptions: zoneOptions(String(data.values.time_zone ?? '')),
      hostChoices: await hostChoices(app.db, request.community.id, offered),
      errors: {},
      ...data,
      values: { ...data.values, ...data.hosts }
    }, status)
  }

  app.get('/c/:slug/orga/events/new', organizer, async (request, reply) => {
    return eventForm(request, reply, { values: { time_zone: 'America/New_York', ask_accessibility: true }, hosts: hostsFormValues([request.member!.id]) })
  })

  app.post('/c/:slug/orga/events/new', organizer, async (request, reply) => {
    const form = readEventForm(request.body)
    const hostsForm = readHostsForm(request.body)
    const hosts = await resolveHosts(app.db, request.community.id, hostsForm, [request.member!.id])
    if (!form.input || !hosts.hostIds) return eventForm(request, reply, { values: form.values, hosts: hostsForm, errors: { ...form.errors, ...hosts.errors } }, 400)
    const input = form.input
    const hostIds = hosts.hostIds
    const event = await app.db.transaction().execute(async (trx) => {
      const created = await createEvent(trx, request.community.id, input, request.member!.id)
      await setHosts(trx, created.id, hostIds)
      return created
    })
    return reply.flash('Draft saved. Check it, then publish it.').redirect(`/c/${request.community.slug}/events/${event.id}`, 303)
  })

  app.get('/c/:slug/orga/events/:id/edit', organizer, async (request, reply) => {
    const event = await loadEvent(request)
    const hosts = (await listHosts(app.db, event.id)).map((h) => h.id)
    return eventForm(request, reply, { event, values: eventFormValues(event), hosts: hostsFormValues(hosts) })
  })

  app.post('/c/:slug/orga/events/:id/edit', organizer, async (request, reply) => {
    const event = await loadEvent(request)
    const form = readEventForm(request.body)
    const hostsForm = readHostsForm(request.body)
    const hosts = await resolveHosts(app.db, request.community.id, hostsForm, (await listHosts(app.db, event.id)).map((h) => h.id))
    if (!form.input || !hosts.hostIds) return eventForm(request, reply, { event, values: form.values, hosts: hostsForm, errors: { ...form.errors, ...hosts.errors } }, 400)
    const input = form.input
    const hostIds = hosts.hostIds
    const { promoted } = await app.db.transaction().execute(async (trx) => {
      const result = await updateEvent(trx, event.id, input, app.config.PUBLIC_URL)
      await setHosts(trx, event.id, hostIds)
      return result
    })
    const note = promoted.length ? ` ${promoted.length} waitlisted ${promoted.length === 1 ? 'member is' : 'members are'} now going and have been emailed.` : ''
    return reply.flash(`Changes saved.${note}`).redirect(`/c/${request.community.slug}/events/${event.id}`, 303)
  })

  app.post('/c/:slug/orga/events/:id/publish', organizer, async (request, reply) => {
    const event = await loadEvent(request)
    if (event.status !== 'draft') return reply.flash('This event is not a draft.').redirect(`/c/${request.community.slug}/events/${event.id}`, 303)
    if (lacksCaptions(event) && str(request.body, 'confirm') !== 'yes') {
      return reply.page('orga/events/confirm-publish', { title: 'Publish without live captions?', community: request.community, event })
    }
    await app.db.transaction().execute((trx) => publishEvent(trx, event.id))
    return reply.flash('Published: members can now see it and RSVP.').redirect(`/c/${request.community.slug}/events/${event.id}`, 303)
  })

  app.post('/c/:slug/orga/events/:id/copy', organizer, async (request, reply) => {
    const event = await loadEvent(request)
    const copy = await app.db.transaction().execute((trx) => copyEvent(trx, event.id, request.member!.id))
    return reply.flash('This is a copy, saved as a draft. Set its date and details, then save.')
      .redirect(`/c/${request.community.slug}/orga/events/${copy.id}/edit`, 303)
  })

  app.post('/c/:slug/orga/events/:id/cancel', organizer, async (request, reply) => {
    const event = await loadEvent(request)
    await app.db.transaction().execute((trx) => cancelEvent(trx, event.id, app.config.PUBLIC_URL))
    return reply.flash('Event cancelled. Everyone who said they were coming has been emailed.').redirect(`/c/${request.community.slug}/events/${event.id}`, 303)
  })

  // ---- Organizers: attendees and CSV

  app.get('/c/:slug/orga/events/:id/attendees', organizer, async (request, reply) => {
    const event = await loadEvent(request)
    const [attendees, counts] = await Promise.all([listAttendees(app.db, event.id), countByStatus(app.db, event.id)])
    return reply.page('orga/events/attendees', { title: `Attendees · ${event.title}`, community: request.community, event, attendees, counts })
  })

  app.get('/c/:slug/orga/events/:id/attendees.csv', organizer, async (request, reply) => {
    const event = await loadEvent(request)
    const csv = attendeesCsv(await listAttendees(app.db, event.id))
    return reply.header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="attendees-${event.id}.csv"`)
      .header('Cache-Control', 'no-store')
      .send(csv)
  })

  // ---- Organizers: check-in at the door

  app.get('/c/:slug/orga/events/:id/check-in', organizer, async (request, reply) => {
    const event = await loadEvent(request)
    const q = String((request.query as { q?: string }).q ?? '').trim().slice(0, 100)
    const [rows, candidates, arrived] = await Promise.all([
      doorList(app.db, event.id, q), walkInCandidates(app.db, request.community.id, event.id, q), countCheckIns(app.db, event.id)
    ])
    return reply.page('orga/events/check-in', { title: `Check-in · ${event.title}`, community: request.community, event, rows, candidates, arrived, q })
  })

  app.post('/c/:slug/orga/events/:id/check-in', organizer, async (request, reply) => {
    const event = await loadEvent(request)
    const memberId = parseId(str(request.body, 'member_id', 12))
    const q = str(request.body, 'q', 100)
    const back = `/c/${request.community.slug}/orga/events/${event.id}/check-in${q ? '?q=' + encodeURIComponent(q) : ''}`
    if (memberId === null) return reply.flash('Choose a person to check in.').redirect(back, 303)
    if (str(request.body, 'undo') === 'yes') {
      await undoCheckIn(app.db, event.id, memberId)
      return reply.flash('Check-in undone.').redirect(back, 303)
    }
    const result = await checkIn(app.db, { eventId: event.id, communityId: request.community.id, memberId, by: request.member!.id, walkIn: bool(request.body, 'walk_in') })
    const messages = { 'checked-in': 'Checked in.', already: 'Already checked in.', 'not-a-member': 'Only members of this community can be checked in.' }
    return reply.flash(messages[result]).redirect(back, 303)
  })

  // ---- Organizers: series

  const seriesForm = (request: FastifyRequest, reply: FastifyReply, values: Record<string, unknown>, errors: Record<string, string> = {}, status = 200, extra: { captionsWarning?: boolean } = {}) =>
    reply.page('orga/series/form', {
      title: 'New series', community: request.community, values, errors, kindOptions, zoneOptions: zoneOptions(String(values.time_zone ?? '')),
      patternOptions: RULE_PATTERNS, ...extra
    }, status)

  app.get('/c/:slug/orga/series/new', organizer, async (request, reply) => {
    return seriesForm(request, reply, { time_zone: 'America/New_York', interval: '1', duration_minutes: '60', pattern: 'monthly-weekday', publish: 'yes' })
  })

  app.post('/c/:slug/orga/series/new', organizer, async (request, reply) => {
    const form = readSeriesForm(request.body)
    if (!form.input) return seriesForm(request, reply, form.values, form.errors, 400)
    const input = form.input
    // As for one event: publishing online meetings with no captions link asks first.
    if (input.publishOccurrences && lacksCaptions({ online_url: input.onlineUrl, live_transcript_url: input.liveTranscriptUrl }) &&
      str(request.body, 'publish_without_captions') !== 'yes') {
      return seriesForm(request, reply, form.values, {}, 200, { captionsWarning: true })
    }
    const { series, created } = await app.db.transaction().execute((trx) => createSeries(trx, request.community.id, input, request.member!.id))
    return reply.flash(`Series created with ${created} ${created === 1 ? 'occurrence' : 'occurrences'} for the next 12 months.`)
      .redirect(`/c/${request.community.slug}/orga/series/${series.id}`, 303)
  })
}
