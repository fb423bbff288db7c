import { DateTime } from 'luxon'
import type { AgendaSession, Db } from '../../db/database.js'
import { localToInstant } from '../series/recurrence.js'
import { charCount, whyThisMattersOf } from '../proposals/templates.js'
import { queueSessionChange, type SessionChangeReason } from './session-calendar.service.js'
import { pickedPublishedSessionIds, removeEventPicks } from './picks.repository.js'
import {
  deleteSessionRow, findEventTalk, findSession, findSessionOfProposal, listOverlappingSessions, listSpeakersOf,
  lockAgendaEvent, raiseSessionSequence, setSessionsPublished, updateSessionRow, insertSession, type PlaceableTalk, type SessionRow
} from './sessions.repository.js'

/*
 * The rules of an event's agenda. A session is entered as the organizer reads the programme: a day of the event,
 * a start and an end time in the event's zone, a room and a track; an accepted talk of the event's call may be
 * placed in it (its title and "why this matters" come with it). No two sessions share a room at once, and no
 * speaker is in two places at once: both are checked with the event row locked, so two saves at once cannot both
 * pass. A published session that moves, or is unpublished or deleted, tells the calendars of those who picked it
 * (queueSessionChange, in the same transaction).
 */

/** Longest texts a session takes, in characters. */
export const SESSION_LIMITS = { title: 200, room: 100, track: 100, whyThisMatters: 1000 } as const

/** A session as the organizer entered it (texts trimmed by the caller or not: they are trimmed here). */
export interface SessionInput {
  proposalId: number | null
  title: string
  whyThisMatters: string
  /** YYYY-MM-DD, a day of the event in its zone. */
  date: string
  /** HH:MM in the event's zone. */
  startTime: string
  endTime: string
  room: string
  track: string
}

/** Errors by field: proposal_id, title, why_this_matters, date, start_time, end_time, room, track. */
export type SessionErrors = Record<string, string>

export type SessionResult =
  | { ok: true, session: AgendaSession }
  /** `conflict`: another session holds the room or a speaker then (or the talk), rather than a mistake in the form. */
  | { ok: false, errors: SessionErrors, conflict: boolean }

/** The event fields the agenda's rules read. */
export interface AgendaEvent { starts_at: Date, ends_at: Date, time_zone: string }

/** The days of the event in its zone, first to last (at most 31), as YYYY-MM-DD with a label ("Tue 12 May"). */
export function eventDays (event: AgendaEvent): Array<{ value: string, label: string }> {
  const first = DateTime.fromJSDate(event.starts_at, { zone: event.time_zone }).startOf('day')
  // An event that ends at midnight does not take the next day.
  const last = DateTime.fromJSDate(new Date(event.ends_at.getTime() - 1), { zone: event.time_zone }).startOf('day')
  const days: Array<{ value: string, label: string }> = []
  for (let d = first; d <= last && days.length < 31; d = d.plus({ days: 1 })) days.push({ value: d.toISODate()!, label: dayLabel(d) })
  if (!days.length) days.push({ value: first.toISODate()!, label: dayLabel(first) })
  return days
}

function dayLabel (d: DateTime): string {
  return d.setLocale('en-US').toFormat('ccc d LLL')
}

/** "10:00" in the event's zone. */
export function clockOf (d: Date, zone: string): string {
  return DateTime.fromJSDate(d, { zone }).toFormat('HH:mm')
}

/** YYYY-MM-DD of an instant in the event's zone. */
export function dateOf (d: Date, zone: string): string {
  return DateTime.fromJSDate(d, { zone }).toISODate()!
}

/** "Tue 12 May" of an instant in the zone. */
export function dayOf (d: Date, zone: string): string {
  return dayLabel(DateTime.fromJSDate(d, { zone }))
}

/** What the session form shows for a saved session. */
export function sessionFormValues (s: AgendaSession, zone: string): Record<string, string> {
  return {
    proposal_id: s.proposal_id === null ? '' : String(s.proposal_id),
    title: s.title,
    why_this_matters: s.why_this_matters,
    date: dateOf(s.starts_at, zone),
    start_time: clockOf(s.starts_at, zone),
    end_time: clockOf(s.ends_at, zone),
    room: s.room,
    track: s.track
  }
}

/** The "why this matters" line a talk brings to its session. */
export function talkWhyThisMatters (talk: Pick<PlaceableTalk, 'fields' | 'answers'>): string {
  return whyThisMattersOf(talk.fields, talk.answers ?? {}).slice(0, SESSION_LIMITS.whyThisMatters)
}

/** Whether a talk may be placed: accepted, its decision sent, not withdrawn, and not declined by its speaker. */
function talkProblem (talk: PlaceableTalk): string | null {
  if (talk.state !== 'submitted') return `“${talk.title}” was withdrawn: it cannot be placed.`
  if (talk.decision !== 'accepted' || !talk.decision_mailed_at) return `“${talk.title}” is not an accepted talk (its acceptance must be released first).`
  if (talk.confirmation === 'declined') return `The speaker of “${talk.title}” declined: choose another talk, or none.`
  return null
}

/** The checks of the form's own values: lengths, a day of the event, an end after the start. */
function checkFields (event: AgendaEvent, input: SessionInput, errors: SessionErrors): { startsAt: Date, endsAt: Date } | null {
  const limit = (key: string, label: string, value: string, max: number) => {
    const n = charCount(value)
    if (n > max) errors[key] = `${label} must be ${max} characters or fewer (you entered ${n}).`
  }
  limit('title', 'The title', input.title, SESSION_LIMITS.title)
  limit('room', 'The room', input.room, SESSION_LIMITS.room)
  limit('track', 'The track', input.track, SESSION_LIMITS.track)
  limit('why_this_matters', 'Why this matters', input.whyThisMatters, SESSION_LIMITS.whyThisMatters)
  for (const [key, label, value] of [['title', 'The title', input.title], ['room', 'The room', input.room], ['track', 'The track', input.track]]) {
    if (!errors[key] && /[\p{Cc}\u2028\u2029]/u.test(value)) errors[key] = `${label} must be one line.`
  }
  const days = eventDays(event)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date)) errors.date = 'Choose the day of the session.'
  else if (!days.some((d) => d.value === input.date)) {
    errors.date = `The date must be a day of the event (${days[0].label}${days.length > 1 ? ` to ${days[days.length - 1].label}` : ''}).`
  }
  const clock = /^([01]\d|2[0-3]):[0-5]\d$/
  if (!clock.test(input.startTime)) errors.start_time = 'Enter the start time as HH:MM (24-hour).'
  if (!clock.test(input.endTime)) errors.end_time = 'Enter the end time as HH:MM (24-hour).'
  else if (clock.test(input.startTime) && input.endTime <= input.startTime) errors.end_time = 'The end time must be after the start time.'
  if (errors.date || errors.start_time || errors.end_time) return null
  const startsAt = localToInstant(`${input.date}T${input.startTime}`, event.time_zone)
  const endsAt = localToInstant(`${input.date}T${input.endTime}`, event.time_zone)
  // A time skipped by a DST change moves forward: the two may meet.
  if (endsAt <= startsAt) {
    errors.end_time = 'The end time must be after the start time.'
    return null
  }
  return { startsAt, endsAt }
}

const sameRoom = (a: string, b: string) => a.trim().toLocaleLowerCase('en-US') === b.trim().toLocaleLowerCase('en-US')

/**
 * Checks a session and says what it would hold. Runs with the event row locked (the caller's transaction), so
 * the overlaps it finds are the ones that count.
 */
async function decide (trx: Db, eventId: number, event: AgendaEvent, input: SessionInput, exceptId: number | null):
Promise<{ ok: true, row: SessionRow } | { ok: false, errors: SessionErrors, conflict: boolean }> {
  const errors: SessionErrors = {}
  const trimmed = { ...input, title: input.title.trim(), whyThisMatters: input.whyThisMatters.replace(/\r\n/g, '\n').trim(), room: input.room.trim(), track: input.track.trim() }
  let talk: PlaceableTalk | undefined
  if (trimmed.proposalId !== null) {
    talk = await findEventTalk(trx, eventId, trimmed.proposalId)
    if (!talk) errors.proposal_id = 'Choose a talk from the list: that one is not a talk of this event’s call.'
    else {
      const problem = talkProblem(talk)
      if (problem) errors.proposal_id = problem
    }
  }
  const title = trimmed.title || talk?.title || ''
  const whyThisMatters = trimmed.whyThisMatters || (talk ? talkWhyThisMatters(talk) : '')
  if (!title && !errors.proposal_id) errors.title = 'Enter a title: a break, keynote or panel without a talk needs one.'
  const times = checkFields(event, { ...trimmed, title, whyThisMatters }, errors)
  if (Object.keys(errors).length || !times) return { ok: false, errors, conflict: false }

  if (talk) {
    const placed = await findSessionOfProposal(trx, talk.id, exceptId)
    if (placed) return { ok: false, errors: { proposal_id: `“${talk.title}” is already placed, in “${placed.title}”. Edit that session to move it.` }, conflict: true }
  }
  const overlapping = await listOverlappingSessions(trx, eventId, times.startsAt, times.endsAt, exceptId)
  const room = trimmed.room
  const roomClash = room ? overlapping.find((s) => s.room && sameRoom(s.room, room)) : undefined
  if (roomClash) {
    const z = event.time_zone
    return {
      ok: false,
      conflict: true,
      errors: {
        room: `${roomClash.room} already has “${roomClash.title}” from ${clockOf(roomClash.starts_at, z)} to ${clockOf(roomClash.ends_at, z)} on ${dayOf(roomClash.starts_at, z)}.`
      }
    }
  }
  if (talk) {
    const placedThen = overlapping.flatMap((s) => (s.proposal_id === null ? [] : [s]))
    const [mine, theirs] = await Promise.all([
      listSpeakersOf(trx, [talk.id]),
      listSpeakersOf(trx, placedThen.map((s) => s.proposal_id!))
    ])
    for (const speaker of mine) {
      const clash = theirs.find((t) => t.member_id === speaker.member_id)
      if (clash) {
        const other = placedThen.find((s) => s.proposal_id === clash.proposal_id)!
        return { ok: false, conflict: true, errors: { proposal_id: `${speaker.full_name} already speaks in “${other.title}” at that time.` } }
      }
    }
  }
  return {
    ok: true,
    row: { proposal_id: talk?.id ?? null, title, why_this_matters: whyThisMatters, starts_at: times.startsAt, ends_at: times.endsAt, room, track: trimmed.track }
  }
}

async function lockEvent (trx: Db, eventId: number): Promise<AgendaEvent> {
  const event = await lockAgendaEvent(trx, eventId)
  if (!event) throw new Error(`event ${eventId} not found`)
  return event
}

/** Adds a session to the event's agenda (unpublished). Call it in a transaction. */
export async function createSession (trx: Db, eventId: number, input: SessionInput): Promise<SessionResult> {
  const event = await lockEvent(trx, eventId)
  const decided = await decide(trx, eventId, event, input, null)
  if (!decided.ok) return decided
  return { ok: true, session: await insertSession(trx, eventId, decided.row) }
}

/**
 * Saves a session. When a published session's time or room changes, its SEQUENCE goes up and the calendars of
 * those who picked it are told. Returns null when the event has no such session. Call it in a transaction.
 */
export async function updateSession (trx: Db, eventId: number, sessionId: number, input: SessionInput): Promise<SessionResult | null> {
  const event = await lockEvent(trx, eventId)
  const before = await findSession(trx, eventId, sessionId)
  if (!before) return null
  const decided = await decide(trx, eventId, event, input, sessionId)
  if (!decided.ok) return decided
  const row = decided.row
  const reasons: SessionChangeReason[] = []
  if (before.starts_at.getTime() !== row.starts_at.getTime() || before.ends_at.getTime() !== row.ends_at.getTime()) reasons.push('time')
  if (before.room !== row.room) reasons.push('place')
  const tell = before.published && reasons.length > 0
  const session = await updateSessionRow(trx, eventId, sessionId, row, tell)
  if (tell) await queueSessionChange(trx, sessionId, reasons)
  return { ok: true, session }
}

/**
 * Deletes a session. A published one first has its SEQUENCE raised and its cancellation queued for those who
 * picked it (their picks go with the row, so the queue must keep what it needs). False when there is none.
 */
export async function deleteSession (trx: Db, eventId: number, sessionId: number): Promise<boolean> {
  await lockEvent(trx, eventId)
  const session = await findSession(trx, eventId, sessionId)
  if (!session) return false
  if (session.published) {
    await raiseSessionSequence(trx, eventId, sessionId)
    await queueSessionChange(trx, sessionId, ['cancelled'])
  }
  return deleteSessionRow(trx, eventId, sessionId)
}

/**
 * The event is cancelled (in the caller's transaction): each published session someone picked is cancelled in
 * their calendars — a CANCEL each, one past the session's SEQUENCE, sent by the one calendar reconciler — and the
 * picks are forgotten, so that a later edit of the cancelled event's agenda mails nobody. The sessions stay, as
 * the record of what was planned.
 */
export async function cancelPickedSessions (trx: Db, eventId: number): Promise<void> {
  for (const id of await pickedPublishedSessionIds(trx, eventId)) {
    await raiseSessionSequence(trx, eventId, id)
    await queueSessionChange(trx, id, ['cancelled'])
  }
  await removeEventPicks(trx, eventId)
}

/** Publishes every unpublished session of the event; returns how many. */
export async function publishAgenda (trx: Db, eventId: number): Promise<number> {
  await lockEvent(trx, eventId)
  return (await setSessionsPublished(trx, eventId, null, true, false)).length
}

/**
 * Publishes or unpublishes one session; unpublishing a published one raises its SEQUENCE and cancels it in the
 * calendars of those who picked it. Returns null when the event has no such session, else whether it changed.
 */
export async function setSessionPublished (trx: Db, eventId: number, sessionId: number, published: boolean): Promise<boolean | null> {
  await lockEvent(trx, eventId)
  const session = await findSession(trx, eventId, sessionId)
  if (!session) return null
  const changed = await setSessionsPublished(trx, eventId, sessionId, published, !published)
  if (changed.length && !published) await queueSessionChange(trx, sessionId, ['cancelled'])
  return changed.length > 0
}
