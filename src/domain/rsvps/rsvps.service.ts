import type { Kysely } from 'kysely'
import type { Database, Db, Event, RsvpStatus } from '../../db/database.js'
import { dateTime } from '../../lib/format.js'
import { toCsv } from '../../lib/csv.js'
import { queueMemberChanges } from '../invites/calendar-changes.repository.js'
import { lockEvent } from '../events/events.repository.js'
import { answerWithoutCapacity, openAnswers, countGoing, findRsvpAndCountGoing, markGoing, nextWaitlisted, upsertRsvp } from './rsvps.repository.js'

export type RsvpChoice = 'going' | 'maybe' | 'declined'
export const RSVP_CHOICES: RsvpChoice[] = ['going', 'maybe', 'declined']

export interface RsvpRequest {
  eventId: number
  /** When given, an event of another community counts as not found (the route reads no event before). */
  communityId?: number
  memberId: number
  choice: RsvpChoice
  listed?: boolean
  /** What the member needs, when the event asks. Left out: keep what they said before (e.g. a link says nothing). */
  accessibilityNeeds?: string | null
  dietaryNeeds?: string | null
}

export type RsvpOutcome =
  | { ok: true, status: RsvpStatus, previous: RsvpStatus | null, promoted: number[] }
  | { ok: false, message: string }

/**
 * Why the event takes no new answers at `now` (null when it does). "Can't go" stays possible until it ends.
 * `answerWithoutCapacity` (rsvps.repository.ts) checks the same rules in SQL: change both together.
 */
export function rsvpProblem (event: Event, now: Date, choice: RsvpChoice = 'going'): string | null {
  if (event.status === 'cancelled') return 'This event was cancelled, so it takes no RSVPs.'
  if (event.status !== 'published') return 'This event is not published yet, so it takes no RSVPs.'
  if (now >= event.ends_at) return 'This event has ended.'
  if (choice === 'declined') return null
  if (event.rsvp_opens_at && now < event.rsvp_opens_at) {
    return `RSVPs open on ${dateTime(event.rsvp_opens_at, event.time_zone)}.`
  }
  if (event.rsvp_closes_at && now >= event.rsvp_closes_at) {
    return `RSVPs closed on ${dateTime(event.rsvp_closes_at, event.time_zone)}. You can still tell the organizers you can’t go.`
  }
  return null
}

/** A need the event asks about (accessibility, dietary): left out (undefined) keeps the earlier one; empty clears it. */
function statedNeed (given: string | null | undefined, earlier: string | null | undefined): string | null {
  return given === undefined ? (earlier ?? null) : (given || null)
}

/**
 * Records a member's answer, inside the caller's transaction (the link, calendar-reply and demo callers answer
 * together with other writes). An event without a capacity is answered in one statement; one with seats to count
 * takes the event's row lock first, so seat counting and the insert are one decision: "going" beyond the
 * capacity becomes "waitlisted" in arrival order, and a seat given up goes to the earliest waitlisted member.
 * The calendar mail the answer (or a promotion) brings is a row on the calendar_changes queue, written in the
 * same transaction, that the worker turns into mail. With no transaction open, use `answerOutsideTransaction`.
 */
export async function answerInTransaction (trx: Db, req: RsvpRequest, now = new Date()): Promise<RsvpOutcome> {
  return (await answerInOneStatement(trx, req, now)) ?? answerUnderEventLock(trx, req, now)
}

/**
 * `answerInTransaction()` for a caller with no transaction open (the RSVP form on the event page): the answer to
 * an event without a capacity is then one statement on its own, and only an event with seats to count opens a
 * transaction (for `answerUnderEventLock`).
 */
export async function answerOutsideTransaction (
  db: Kysely<Database>, req: RsvpRequest, now = new Date(), hint: { hasCapacity?: boolean } = {}
): Promise<RsvpOutcome> {
  // `hasCapacity` (from what the caller last saw of the event) skips a try that would find seats to count.
  const quick = hint.hasCapacity ? undefined : await answerInOneStatement(db, req, now)
  return quick ?? db.transaction().execute((trx) => answerUnderEventLock(trx, req, now))
}

/**
 * The fast way: most events have no capacity, so there is nothing to count and the answer is one statement, no
 * lock (see answerWithoutCapacity). Undefined when that does not apply: the caller then takes `answerUnderEventLock`.
 */
async function answerInOneStatement (db: Db, req: RsvpRequest, now: Date): Promise<RsvpOutcome | undefined> {
  const quick = await answerWithoutCapacity(db, {
    eventId: req.eventId,
    communityId: req.communityId,
    memberId: req.memberId,
    choice: req.choice,
    listed: req.listed ?? true,
    accessibilityNeeds: req.accessibilityNeeds,
    dietaryNeeds: req.dietaryNeeds,
    now
  })
  return quick && { ok: true, status: quick.status, previous: quick.previous, promoted: [] }
}

/**
 * The locked way: takes the event's row lock, counts seats when there is a capacity, and says why when the answer
 * can't be taken. Needs a transaction (the lock lasts until it ends).
 */
async function answerUnderEventLock (trx: Db, req: RsvpRequest, now: Date): Promise<RsvpOutcome> {
  const event = await lockEvent(trx, req.eventId)
  if (!event || (req.communityId !== undefined && event.community_id !== req.communityId)) return { ok: false, message: 'We couldn’t find that event.' }
  const problem = rsvpProblem(event, now, req.choice)
  if (problem) return { ok: false, message: problem }

  // One statement after the lock (a statement begun before the lock was granted would count from a stale snapshot).
  const { rsvp: existing, going } = await findRsvpAndCountGoing(trx, event.id, req.memberId)
  const previous = existing?.status ?? null
  let status: RsvpStatus = req.choice
  if (req.choice === 'going' && previous !== 'going' && event.capacity !== null) {
    status = going < event.capacity ? 'going' : 'waitlisted'
  }
  await upsertRsvp(trx, {
    eventId: event.id,
    memberId: req.memberId,
    status,
    listed: req.listed ?? true,
    accessibilityNeeds: event.ask_accessibility ? statedNeed(req.accessibilityNeeds, existing?.accessibility_needs) : null,
    dietaryNeeds: event.ask_dietary ? statedNeed(req.dietaryNeeds, existing?.dietary_needs) : null,
    keepWaitlistPlace: previous === 'waitlisted',
    queueAnswerMail: answerBringsMail(event, status, now)
  })
  const promoted = previous === 'going' && status !== 'going' ? await fillFromWaitlist(trx, event) : []
  return { ok: true, status, previous, promoted }
}

/**
 * Whether an answer goes on the calendar queue for its mail: not a waitlisted one (a promotion brings the
 * invite), nor one to an event that takes no calendar mail (the worker would find nothing to do).
 * `answerWithoutCapacity` decides the same in SQL.
 */
function answerBringsMail (event: Event, status: RsvpStatus, now: Date): boolean {
  return status !== 'waitlisted' && event.status === 'published' && event.ends_at > now && event.ends_at > new Date()
}

/**
 * Gives free seats to the earliest waitlisted members and queues their promotion on the calendar queue (the
 * worker mails the notice, with the invite). The caller holds the event's row lock (`lockEvent`) in the same
 * transaction. Returns the promoted members' ids.
 */
export async function fillFromWaitlist (trx: Db, event: Event): Promise<number[]> {
  if (event.status !== 'published') return []
  const free = event.capacity === null ? 100_000 : event.capacity - await countGoing(trx, event.id)
  if (free <= 0) return []
  const next = await nextWaitlisted(trx, event.id, free)
  if (!next.length) return []
  await markGoing(trx, next.map((r) => r.id))
  const promoted = next.map((r) => r.member_id)
  await queueMemberChanges(trx, event.id, promoted, 'promoted')
  return promoted
}

export interface AttendeeRow {
  full_name: string
  agency: string
  email: string
  status: RsvpStatus
  listed: boolean
  accessibility_needs: string | null
  dietary_needs: string | null
  created_at: Date
  checked_in_at: Date | null
}

/** The organizers' attendee export (CRLF line ends, as RFC 4180 and spreadsheets expect). */
export function attendeesCsv (rows: AttendeeRow[]): string {
  const header = ['Name', 'Agency', 'Email', 'RSVP', 'Listed', 'Accessibility needs', 'Dietary needs', 'Answered at', 'Checked in at']
  const lines = [header, ...rows.map((r) => [r.full_name, r.agency, r.email, r.status, r.listed ? 'yes' : 'no',
    r.accessibility_needs, r.dietary_needs, r.created_at, r.checked_in_at])]
  return toCsv(lines)
}

/**
 * Withdraws a member's answers to the community's events that have not ended ("can't go", through the same
 * rules as their own answer: a freed seat goes to the waitlist, their calendar is told). For a member suspended
 * or removed. Call inside the transaction of that change; returns how many answers were withdrawn.
 */
export async function withdrawUpcomingAnswers (trx: Db, communityId: number, memberId: number, now = new Date()): Promise<number> {
  let withdrawn = 0
  for (const { id } of await openAnswers(trx, memberId, communityId, now)) {
    const outcome = await answerInTransaction(trx, { eventId: id, communityId, memberId, choice: 'declined' }, now)
    if (outcome.ok) withdrawn++
  }
  return withdrawn
}
