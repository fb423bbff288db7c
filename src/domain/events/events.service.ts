import { DateTime } from 'luxon'
import type { Db, Event, EventKind } from '../../db/database.js'
import { bool, check, isClockTime, isIsoDate, str } from '../../lib/forms.js'
import { eventChanges, notifyEventCancelled, notifyEventChanged } from '../invites/invites.service.js'
import { DEFAULT_OFFSETS, formatOffsets, readOffsets } from '../reminders/offsets.js'
import { fillFromWaitlist } from '../rsvps/rsvps.service.js'
import { localToInstant } from '../series/recurrence.js'
import { isValidZone } from '../../lib/time-zones.js'
import type { TaggedCache } from '../../infra/cache/tagged-cache.js'
import { tags } from '../../infra/cache/tags.js'
import { findEventPage, findMyRsvp, insertEvent, listEvents, lockEvent, MAX_EVENT_DAYS, setHosts, updateEventRow, type EventPage, type MyRsvp } from './events.repository.js'

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

export type FormValues = Record<string, string | boolean>

const URL_RE = /^https:\/\/[^\s<>"]+$/

function url (body: unknown, name: string, label: string, values: FormValues, errors: Record<string, string>): string | null {
  const v = str(body, name, 1000)
  values[name] = v
  if (v && !URL_RE.test(v)) errors[name] = `Enter ${label} starting with https://`
  return v || null
}

/** Reads the title, kind, texts, place and links common to the event and series forms. */
export function readCommonFields (body: unknown, values: FormValues, errors: Record<string, string>) {
  const title = str(body, 'title', 300)
  const kind = str(body, 'kind') as EventKind
  const summary = str(body, 'summary', 5000)
  const whyItMatters = str(body, 'why_it_matters', 500)
  Object.assign(values, { title, kind, summary, why_it_matters: whyItMatters })
  check(errors, 'title', title, 'a title', { required: true, max: 200 })
  if (!EVENT_KINDS.some((k) => k.value === kind)) errors.kind = 'Choose the kind of event.'
  check(errors, 'why_it_matters', whyItMatters, 'why this matters to members', { required: true, max: 300 })

  const place: PlaceInput = {
    venueName: null, venueAddress: null, venueRoom: null, accessibilityNotes: null, onlineUrl: null, region: null, liveTranscriptUrl: null, capacity: null
  }
  for (const [field, key] of [['venue_name', 'venueName'], ['venue_address', 'venueAddress'], ['venue_room', 'venueRoom'],
    ['accessibility_notes', 'accessibilityNotes'], ['region', 'region']] as const) {
    const v = str(body, field, 500)
    values[field] = v
    place[key] = v || null
  }
  place.onlineUrl = url(body, 'online_url', 'the join link', values, errors)
  place.liveTranscriptUrl = url(body, 'live_transcript_url', 'the live-transcript link', values, errors)
  if (!place.venueName && !place.onlineUrl) errors.venue_name = 'Enter a venue, a join link, or both.'
  const capacity = str(body, 'capacity', 10)
  values.capacity = capacity
  if (capacity) {
    if (!/^\d+$/.test(capacity) || Number(capacity) < 1 || Number(capacity) > 100_000) errors.capacity = 'Enter the number of places as a whole number, or leave it empty for no limit.'
    else place.capacity = Number(capacity)
  }
  return { title, kind, summary, whyItMatters, place }
}

function readZone (body: unknown, values: FormValues, errors: Record<string, string>): string {
  const zone = str(body, 'time_zone', 100)
  values.time_zone = zone
  if (!isValidZone(zone)) errors.time_zone = 'Choose a time zone, such as America/New_York.'
  return zone
}

/** Reads and checks the event form. `input` is set only when there are no errors. */
export function readEventForm (body: unknown): { values: FormValues, errors: Record<string, string>, input?: EventInput } {
  const values: FormValues = {}
  const errors: Record<string, string> = {}
  const common = readCommonFields(body, values, errors)
  const timeZone = readZone(body, values, errors)
  const startDate = str(body, 'start_date', 10)
  const startTime = str(body, 'start_time', 5)
  const endDate = str(body, 'end_date', 10) || startDate
  const endTime = str(body, 'end_time', 5)
  Object.assign(values, { start_date: startDate, start_time: startTime, end_date: str(body, 'end_date', 10), end_time: endTime })
  if (!isIsoDate(startDate)) errors.start_date = 'Enter the start date as YYYY-MM-DD.'
  if (!isClockTime(startTime)) errors.start_time = 'Enter the start time as HH:MM (24-hour).'
  if (!isIsoDate(endDate)) errors.end_date = 'Enter the end date as YYYY-MM-DD.'
  if (!isClockTime(endTime)) errors.end_time = 'Enter the end time as HH:MM (24-hour).'
  const recordingUrl = url(body, 'recording_url', 'the recording or transcript link', values, errors)
  const speakerName = str(body, 'speaker_name', 1000)
  values.speaker_name = speakerName
  check(errors, 'speaker_name', speakerName, 'the speaker', { max: 200 })
  const closesDate = str(body, 'rsvp_closes_date', 10)
  values.rsvp_closes_date = closesDate
  if (closesDate && !isIsoDate(closesDate)) errors.rsvp_closes_date = 'Enter the date RSVPs close as YYYY-MM-DD, or leave it empty.'
  const hasOpens = typeof body === 'object' && body !== null && 'rsvp_opens_date' in body
  const opensDate = str(body, 'rsvp_opens_date', 10)
  values.rsvp_opens_date = opensDate
  if (opensDate && !isIsoDate(opensDate)) errors.rsvp_opens_date = 'Enter the date RSVPs open as YYYY-MM-DD, or leave it empty to open them now.'
  else if (opensDate && closesDate && isIsoDate(closesDate) && opensDate > closesDate) errors.rsvp_opens_date = 'RSVPs must open before they close.'
  else if (opensDate && isIsoDate(startDate) && opensDate > startDate) errors.rsvp_opens_date = 'RSVPs must open on or before the day the event starts.'
  const askAccessibility = bool(body, 'ask_accessibility')
  const askDietary = bool(body, 'ask_dietary')
  Object.assign(values, { ask_accessibility: askAccessibility, ask_dietary: askDietary })
  // A form without the field (older pages, scripts) keeps the event's reminders; present and empty = none.
  const hasReminders = typeof body === 'object' && body !== null && 'reminders' in body
  const reminders = hasReminders ? readOffsets(str(body, 'reminders', 200)) : { text: formatOffsets(DEFAULT_OFFSETS), offsets: undefined }
  values.reminders = reminders.text
  if ('error' in reminders && reminders.error) errors.reminders = reminders.error
  if (Object.keys(errors).length) return { values, errors }

  const startsAt = localToInstant(`${startDate}T${startTime}`, timeZone)
  const endsAt = localToInstant(`${endDate}T${endTime}`, timeZone)
  if (endsAt <= startsAt) {
    errors.end_time = 'The event must end after it starts.'
    return { values, errors }
  }
  if (endsAt.getTime() - startsAt.getTime() > MAX_EVENT_DAYS * 86_400_000) {
    errors.end_date = `An event can last at most ${MAX_EVENT_DAYS} days. For a longer programme, create a series or several events.`
    return { values, errors }
  }
  // RSVPs close at the end of that day in the event's zone.
  const rsvpClosesAt = closesDate ? DateTime.fromISO(closesDate, { zone: timeZone }).endOf('day').toJSDate() : null
  const rsvpOpensAt = !hasOpens ? undefined : opensDate ? DateTime.fromISO(opensDate, { zone: timeZone }).startOf('day').toJSDate() : null
  return {
    values,
    errors,
    input: {
      ...common.place,
      kind: common.kind,
      title: common.title,
      summary: common.summary,
      whyItMatters: common.whyItMatters,
      startsAt,
      endsAt,
      timeZone,
      recordingUrl,
      speakerName: speakerName || null,
      rsvpClosesAt,
      rsvpOpensAt,
      askAccessibility,
      askDietary,
      reminderOffsets: reminders.offsets
    }
  }
}

/** The form's values for an existing event (the edit page). */
export function eventFormValues (e: Event): FormValues {
  const start = DateTime.fromJSDate(e.starts_at, { zone: e.time_zone })
  const end = DateTime.fromJSDate(e.ends_at, { zone: e.time_zone })
  return {
    title: e.title,
    kind: e.kind,
    summary: e.summary,
    why_it_matters: e.why_it_matters,
    time_zone: e.time_zone,
    start_date: start.toISODate()!,
    start_time: start.toFormat('HH:mm'),
    end_date: end.toISODate()!,
    end_time: end.toFormat('HH:mm'),
    venue_name: e.venue_name ?? '',
    venue_address: e.venue_address ?? '',
    venue_room: e.venue_room ?? '',
    accessibility_notes: e.accessibility_notes ?? '',
    online_url: e.online_url ?? '',
    region: e.region ?? '',
    live_transcript_url: e.live_transcript_url ?? '',
    recording_url: e.recording_url ?? '',
    speaker_name: e.speaker_name ?? '',
    capacity: e.capacity === null ? '' : String(e.capacity),
    rsvp_closes_date: e.rsvp_closes_at ? DateTime.fromJSDate(e.rsvp_closes_at, { zone: e.time_zone }).toISODate()! : '',
    rsvp_opens_date: e.rsvp_opens_at ? DateTime.fromJSDate(e.rsvp_opens_at, { zone: e.time_zone }).toISODate()! : '',
    ask_accessibility: e.ask_accessibility,
    ask_dietary: e.ask_dietary,
    reminders: formatOffsets(e.reminder_offsets_minutes)
  }
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

/**
 * Saves the edit form. An occurrence of a series becomes "edited individually" (series edits no longer touch
 * it). More places (or no limit) go to the waitlist at once.
 */
export async function updateEvent (trx: Db, eventId: number, input: EventInput): Promise<{ event: Event, promoted: number[] }> {
  const before = await lockEvent(trx, eventId)
  if (!before) throw new Error(`event ${eventId} not found`)
  const event = await updateEventRow(trx, eventId, {
    ...columns(input),
    sequence: before.sequence + 1,
    edited_individually: before.edited_individually || before.series_id !== null
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
 * Cancels the event (or one occurrence of a series) and tells everyone who answered going, maybe or
 * waitlisted or holds its invite, once each. Their RSVPs are kept as the record.
 */
export async function cancelEvent (trx: Db, eventId: number): Promise<Event> {
  const before = await lockEvent(trx, eventId)
  if (!before) throw new Error(`event ${eventId} not found`)
  if (before.status === 'cancelled') return before
  const event = await updateEventRow(trx, eventId, { status: 'cancelled', sequence: before.sequence + 1 })
  // Queued with the cancellation: holders of the invite get a METHOD:CANCEL (STATUS:CANCELLED), others who
  // answered the plain notice.
  if (before.status === 'published') await notifyEventCancelled(trx, event)
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
): Promise<{ page: EventPage, mine: MyRsvp | undefined } | undefined> {
  const page = await caches.eventPages.get(String(id), async () => {
    const found = await findEventPage(db, id)
    return { value: found ?? null, tags: [tags.event(id), tags.names()], keep: Boolean(found) }
  })
  if (!page || page.event.community_id !== communityId) return undefined
  const mine = await caches.myRsvps.get(`${id}:${viewerId}`, async () => ({
    value: (await findMyRsvp(db, id, viewerId)) ?? null,
    tags: [tags.rsvp(id, viewerId)]
  }))
  return { page, mine: mine ?? undefined }
}
