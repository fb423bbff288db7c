import type { Db, Event, EventKind } from '../../db/database.js'
import { cancelPickedSessions } from '../agenda/sessions.service.js'
import { eventChanges, notifyEventCancelled, notifyEventChanged } from '../invites/invites.service.js'
import { fillFromWaitlist } from '../rsvps/rsvps.service.js'
import { waitlistPlace } from '../rsvps/rsvps.repository.js'
import type { TaggedCache } from '../../infra/cache/tagged-cache.js'
import { tags } from '../../infra/cache/tags.js'
import { deleteDraftEvent, findEventPage, findMyRsvp, insertEvent, listEvents, lockEvent, MAX_EVENT_DAYS, setHosts, updateEventRow, type EventPage, type MyRsvp } from './events.repository.js'

export const EVENT_KINDS: { value: EventKind, label: string }[] = [
  { value: 'brown-bag', label: 'Brown-bag' },
  { value: 'meetup', label: 'Meetup' },
  { value: 'conference', label: 'Conference' },
  { value: 'workshop', label: 'Workshop' }
]

/** What an event's place and links are — shared by one-off events and series. */
export interface PlaceInput {
  venueName: string | null
  venueAddress: string | null
  venueRoom: string | null
  accessibilityNotes: string | null
  onlineUrl: string | null
  region: string | null
  liveTranscriptUrl: string | null
  capacity: number | null
}

export interface EventInput extends PlaceInput {
  kind: EventKind
  title: string
  summary: string
  whyItMatters: string
  startsAt: Date
  endsAt: Date
  timeZone: string
  recordingUrl: string | null
  /** Who speaks (free text). Optional so callers that predate it need not set it. */
  speakerName?: string | null
  rsvpClosesAt: Date | null
  /** RSVPs open at the start of that day in the event's zone. Left out: keep the event's (new events: open now). */
  rsvpOpensAt?: Date | null
  askAccessibility: boolean
  askDietary: boolean
  /** Minutes before the start for reminders. Left out: keep the event's (new events: a day and an hour). */
  reminderOffsets?: number[]
}

/** The rule of a place that spans its fields: a meeting happens at a venue, online, or both. */
export function placeProblem (place: PlaceInput): string | null {
  return !place.venueName && !place.onlineUrl ? 'Enter a venue, a join link, or both.' : null
}

/**
 * The rules of an event that span its fields, each keyed by what it is about (the form shows each at its
 * field): it ends after it starts, lasts at most MAX_EVENT_DAYS, and RSVPs open before they close and no later
 * than the day it starts.
 */
export function eventProblems (input: EventInput): { end?: string, length?: string, rsvpOpens?: string } {
  const problems: { end?: string, length?: string, rsvpOpens?: string } = {}
  const opens = input.rsvpOpensAt
  if (opens && input.rsvpClosesAt && opens > input.rsvpClosesAt) problems.rsvpOpens = 'RSVPs must open before they close.'
  else if (opens && opens > input.startsAt) problems.rsvpOpens = 'RSVPs must open on or before the day the event starts.'
  if (input.endsAt <= input.startsAt) problems.end = 'The event must end after it starts.'
  else if (input.endsAt.getTime() - input.startsAt.getTime() > MAX_EVENT_DAYS * 86_400_000) {
    problems.length = `An event can last at most ${MAX_EVENT_DAYS} days. For a longer programme, create a series or several events.`
  }
  return problems
}

function columns (input: EventInput) {
  return {
    kind: input.kind,
    title: input.title,
    summary: input.summary,
    why_it_matters: input.whyItMatters,
    starts_at: input.startsAt,
    ends_at: input.endsAt,
    time_zone: input.timeZone,
    venue_name: input.venueName,
    venue_address: input.venueAddress,
    venue_room: input.venueRoom,
    accessibility_notes: input.accessibilityNotes,
    online_url: input.onlineUrl,
    region: input.region,
    live_transcript_url: input.liveTranscriptUrl,
    recording_url: input.recordingUrl,
    speaker_name: input.speakerName ?? null,
    capacity: input.capacity,
    rsvp_closes_at: input.rsvpClosesAt,
    ask_accessibility: input.askAccessibility,
    ask_dietary: input.askDietary,
    ...(input.reminderOffsets ? { reminder_offsets_minutes: input.reminderOffsets } : {}),
    ...(input.rsvpOpensAt !== undefined ? { rsvp_opens_at: input.rsvpOpensAt } : {})
  }
}

/** A new one-off event, as a draft, hosted by its creator. */
export async function createEvent (trx: Db, communityId: number, input: EventInput, creatorId: number): Promise<Event> {
  const event = await insertEvent(trx, { ...columns(input), community_id: communityId, created_by: creatorId, status: 'draft' })
  await setHosts(trx, event.id, [creatorId])
  return event
}

/** What a series edit gives its meetings (series.service.ts): changing one of these on one meeting detaches it. */
const SERIES_FIELDS = ['kind', 'title', 'summary', 'venue_name', 'venue_address', 'venue_room', 'accessibility_notes', 'online_url', 'region',
  'live_transcript_url', 'capacity'] as const

/**
 * Saves the edit form. An occurrence of a series whose time, hosts (`hostsChanged`) or something a series edit
 * sets changes becomes "edited individually" (series edits no longer touch it); its speaker, why it matters,
 * recording and RSVP settings are its own and leave it with the series. More places (or no limit) go to the
 * waitlist at once.
 */
export async function updateEvent (trx: Db, eventId: number, input: EventInput, opts: { hostsChanged?: boolean } = {}): Promise<{ event: Event, promoted: number[] }> {
  const before = await lockEvent(trx, eventId)
  if (!before) throw new Error(`event ${eventId} not found`)
  const values = columns(input)
  const detaches = opts.hostsChanged === true ||
    values.starts_at.getTime() !== before.starts_at.getTime() || values.ends_at.getTime() !== before.ends_at.getTime() ||
    values.time_zone !== before.time_zone || SERIES_FIELDS.some((f) => values[f] !== before[f])
  const event = await updateEventRow(trx, eventId, {
    ...values,
    sequence: before.sequence + 1,
    edited_individually: before.edited_individually || (before.series_id !== null && detaches)
  })
  // A change of time or place reaches everyone who answered or holds the invite (queued here, in the edit's
  // transaction; the worker mails an invite update to holders, a notice to others).
  await notifyEventChanged(trx, event, eventChanges(before, event))
  const promoted = await fillFromWaitlist(trx, event)
  return { event, promoted }
}

/** Online or hybrid with no live-transcript (captions) link: organizers are warned before publishing. */
export function lacksCaptions (e: Pick<Event, 'online_url' | 'live_transcript_url'>): boolean {
  return Boolean(e.online_url) && !e.live_transcript_url
}

export async function publishEvent (trx: Db, eventId: number): Promise<Event> {
  const before = await lockEvent(trx, eventId)
  if (!before) throw new Error(`event ${eventId} not found`)
  return updateEventRow(trx, eventId, { status: 'published', sequence: before.sequence + 1 })
}

/**
 * Deletes a draft: nobody but organizers has seen it, so nothing is mailed. An occurrence of a series is not
 * deleted (the series would make it again): cancel it in the series instead. Call inside a transaction.
 */
export async function deleteDraft (trx: Db, eventId: number): Promise<{ ok: true } | { ok: false, message: string }> {
  const event = await lockEvent(trx, eventId)
  if (!event || event.status !== 'draft') return { ok: false, message: 'Only a draft can be deleted: cancel a published event instead.' }
  if (event.series_id !== null) return { ok: false, message: 'This draft is an occurrence of a series: cancel it from the series page instead.' }
  await deleteDraftEvent(trx, eventId)
  return { ok: true }
}

/**
 * Cancels the event (or one occurrence of a series) and tells everyone who answered going, maybe or
 * waitlisted or holds its invite, once each. Their RSVPs are kept as the record.
 */
export async function cancelEvent (trx: Db, eventId: number): Promise<Event> {
  const before = await lockEvent(trx, eventId)
  if (!before) throw new Error(`event ${eventId} not found`)
  if (before.status === 'cancelled') return before
  const event = await updateEventRow(trx, eventId, { status: 'cancelled', sequence: before.sequence + 1 })
  // Queued with the cancellation: holders of the invite get a METHOD:CANCEL (STATUS:CANCELLED), others who
  // answered the plain notice; those who picked sessions of its agenda, a CANCEL of each.
  if (before.status === 'published') {
    await notifyEventCancelled(trx, event)
    await cancelPickedSessions(trx, eventId)
  }
  return event
}

/**
 * The next published events of a community that have not ended, soonest first — for the community home page.
 */
export async function upcomingEvents (db: Db, communityId: number, limit = 5, now = new Date()) {
  return listEvents(db, communityId, now, { limit, publishedOnly: true })
}

/**
 * A new draft with the same details and hosts as the event (not part of any series; no recording, since that
 * belongs to the event that happened). The organizer then sets its date on the edit form.
 */
export async function copyEvent (trx: Db, eventId: number, creatorId: number): Promise<Event> {
  const e = await trx.selectFrom('events').selectAll().where('id', '=', eventId).executeTakeFirstOrThrow()
  const copy = await insertEvent(trx, {
    community_id: e.community_id,
    kind: e.kind,
    title: e.title,
    summary: e.summary,
    why_it_matters: e.why_it_matters,
    starts_at: e.starts_at,
    ends_at: e.ends_at,
    time_zone: e.time_zone,
    venue_name: e.venue_name,
    venue_address: e.venue_address,
    venue_room: e.venue_room,
    accessibility_notes: e.accessibility_notes,
    online_url: e.online_url,
    region: e.region,
    live_transcript_url: e.live_transcript_url,
    speaker_name: e.speaker_name,
    capacity: e.capacity,
    rsvp_closes_at: e.rsvp_closes_at,
    rsvp_opens_at: e.rsvp_opens_at,
    ask_accessibility: e.ask_accessibility,
    ask_dietary: e.ask_dietary,
    reminder_offsets_minutes: e.reminder_offsets_minutes,
    status: 'draft',
    created_by: creatorId
  })
  const hosts = await trx.selectFrom('event_hosts').select('member_id').where('event_id', '=', eventId).execute()
  await setHosts(trx, copy.id, hosts.length ? hosts.map((h) => h.member_id) : [creatorId])
  return copy
}

/** Whether the event had a capacity when its page was last read into memory (a hint: false when it isn't there). */
export function knownToHaveCapacity (caches: { eventPages: TaggedCache }, id: number): boolean {
  return caches.eventPages.peek<EventPage | null>(String(id))?.event.capacity != null
}

/**
 * The event page and the viewer's answer, through the read caches: the shared part goes when the event, its
 * hosts, its RSVPs or a listed person's name change (tags `event:…`, `names`), the viewer's answer when it does
 * (`rsvp:…`). Undefined when the community has no such event.
 */
export async function cachedEventPage (
  caches: { eventPages: TaggedCache, myRsvps: TaggedCache }, db: Db, communityId: number, id: number, viewerId: number
): Promise<{ page: EventPage, mine: MyRsvp | undefined, waitlistPlace: number | null } | undefined> {
  const page = await caches.eventPages.get(String(id), async () => {
    const found = await findEventPage(db, id)
    return { value: found ?? null, tags: [tags.event(id), tags.names()], keep: Boolean(found) }
  })
  if (!page || page.event.community_id !== communityId) return undefined
  const mine = await caches.myRsvps.get(`${id}:${viewerId}`, async () => ({
    value: (await findMyRsvp(db, id, viewerId)) ?? null,
    tags: [tags.rsvp(id, viewerId)]
  }))
  // The place moves when anyone ahead leaves the waitlist, which the viewer's own cache tag does not see: read
  // it fresh, and only for a viewer who is waitlisted (one small query).
  const place = mine?.status === 'waitlisted' ? await waitlistPlace(db, id, viewerId) : null
  return { page, mine: mine ?? undefined, waitlistPlace: place }
}
