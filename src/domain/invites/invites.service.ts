import type { Kysely } from 'kysely'
import type { Community, Database, Db, Event, RsvpStatus } from '../../db/database.js'
import { normaliseEmail } from '../../lib/forms.js'
import { absoluteUrl, paths } from '../../lib/paths.js'
import { buildCalendar, eventLocation, toCalendarEntry } from '../calendar/ics.js'
import { findCommunityById } from '../communities/communities.repository.js'
import { eventMailData } from '../mail/event-data.js'
import { queueTemplatedMail, type Mailer } from '../mail/mailer.js'
import { communitySender } from '../mail/sender.js'
import { findEventById } from '../events/events.repository.js'
import { currentLinkVersion } from '../rsvps/rsvps.repository.js'
import { rsvpTokenPair } from '../rsvps/rsvp-tokens.js'
import { sendSessionChanges } from '../agenda/session-calendar.service.js'
import { queueEventChanges, queueMemberChanges, takeChanges, type QueuedChange } from './calendar-changes.repository.js'
import { allMembers, answersAndInvites, calendarStates, membersByEmail, recordInvite, type CalendarState } from './invites.repository.js'

/*
 * Calendar invites by email (iTIP over iMIP). Each member gets their own message — never a shared To: list —
 * with a text/calendar part: REQUEST when they answer going or maybe (or an organizer invites them), a REQUEST
 * with the same UID and the event's new SEQUENCE when its time or place changes, and CANCEL (STATUS:CANCELLED)
 * when it is cancelled; a plain notice for those who hold no invite (waitlisted, or answered before invites).
 * `calendar_invites` records who holds an invite, at which SEQUENCE and with which answer.
 *
 * Two halves. Whatever changes a calendar (an answer, a promotion, an edit, a cancellation, an organizer's
 * invitation) writes a row on the calendar_changes queue in its own transaction — no mail, no configuration.
 * The worker (`sendCalendarChanges`, given the Mailer: its site has the public URL, MAIL_FROM and secret) takes
 * the rows and brings each member's calendar in line with the state then: one message per member, however many
 * changes piled up. What each message says is its template's (views/emails/): this file decides who gets which.
 */

export type CommunityRef = Pick<Community, 'slug' | 'name' | 'contact_email'>
export type Person = { id: number, email: string, full_name: string }

async function communityOf (db: Db, event: Event): Promise<CommunityRef> {
  const community = await findCommunityById(db, event.community_id)
  if (!community) throw new Error(`community ${event.community_id} of event ${event.id} not found`)
  return community
}

const ANSWER: Record<RsvpStatus, string> = {
  going: 'Your answer: going.',
  maybe: 'Your answer: maybe.',
  waitlisted: 'You are on the waitlist.',
  declined: 'Your answer: can’t go.'
}

/** Which mail a member gets (a folder of views/emails/), as what kind, and what its template needs beyond the event. */
interface MailChoice {
  template: string
  kind: string
  data?: Record<string, unknown>
}

interface CalendarMail extends MailChoice {
  method: 'REQUEST' | 'CANCEL'
  now: Date
}

/**
 * Queues one member's calendar message for an event and records what they now hold. The text part says the
 * same as the calendar part: details, RSVP links (not for a cancellation) and the event page.
 */
export async function queueCalendarMail (trx: Db, mailer: Mailer, event: Event, community: CommunityRef, member: Person, rsvp: RsvpStatus | null, mail: CalendarMail): Promise<void> {
  const site = mailer.site
  const tokens = mail.method === 'REQUEST'
    ? rsvpTokenPair(site.secret, event.id, member.id, await currentLinkVersion(trx, event.id, member.id))
    : undefined
  const links = tokens
    ? { going: absoluteUrl(site.publicUrl, paths.rsvpLink(tokens.going)), declined: absoluteUrl(site.publicUrl, paths.rsvpLink(tokens.declined)) }
    : undefined
  const entry = toCalendarEntry(event, community, {
    site,
    stamp: mail.now,
    now: mail.now,
    attendee: { name: member.full_name, email: member.email, rsvpStatus: rsvp },
    rsvpLinks: links,
    note: rsvp && mail.method === 'REQUEST' ? ANSWER[rsvp] : undefined
  })
  await queueTemplatedMail(trx, mailer, {
    template: mail.template,
    kind: mail.kind,
    to: member.email,
    memberId: member.id,
    data: { name: member.full_name, ...eventMailData(event, community), method: mail.method, rsvp: tokens, footer: 'details', ...mail.data },
    ical: buildCalendar({ method: mail.method, entries: [entry] }),
    icalMethod: mail.method,
    // "<Community> via Convene", and no Reply-To: a calendar answers the ORGANIZER (the community's mailbox in
    // the calendar part); a Reply-To elsewhere could draw a client's answer away from it.
    from: communitySender(site.mailFrom, community, { replyTo: 'none' })
  })
  await recordInvite(trx, { eventId: event.id, memberId: member.id, sequence: event.sequence, method: mail.method, rsvp, sentAt: mail.now })
}

/** Calendar mail is for published events that have not ended. */
function invitable (event: Event, now: Date): boolean {
  return event.status === 'published' && event.ends_at > now && event.ends_at > new Date()
}

export interface EventChanges {
  time?: boolean
  place?: boolean
}

/** What changed between two versions of an event that attendees must hear about (time, place). */
export function eventChanges (before: Event, after: Event): EventChanges {
  return {
    time: before.starts_at.getTime() !== after.starts_at.getTime() || before.ends_at.getTime() !== after.ends_at.getTime() ||
      before.time_zone !== after.time_zone,
    place: eventLocation(before) !== eventLocation(after) || before.online_url !== after.online_url
  }
}

/**
 * Queues a change of time or place of a published event for everyone it concerns (the worker tells each once:
 * an invite update for holders, a plain notice for others). Nothing when nothing relevant changed.
 */
export async function notifyEventChanged (trx: Db, event: Event, changes: EventChanges): Promise<void> {
  if (event.status !== 'published') return
  await queueEventChanges(trx, event.id, [...(changes.time ? ['time' as const] : []), ...(changes.place ? ['place' as const] : [])])
}

/** Queues the cancellation of an event (or one occurrence of a series) for everyone it concerns. */
export async function notifyEventCancelled (trx: Db, event: Event): Promise<void> {
  await queueEventChanges(trx, event.id, ['cancelled'])
}

// ---- The worker: queued changes → mail

/** The worker's job that sends the mail of queued calendar changes, and how often the worker looks for them. */
export const CALENDAR_CHANGES_JOB = 'calendar.changes'
export const CALENDAR_CHANGES_POLL_MS = 1_000
/** Changes taken off the queue per transaction. */
const CHANGES_BATCH = 100

/**
 * Sends the mail of every queued calendar change: each member's calendar is brought in line with the state now
 * (their answer now, the event now), so several changes before this runs give one message per member. Runs in
 * the worker (one at a time: the job is `stately`; a second worker at once takes other rows). Returns how many
 * queued changes it took.
 */
export async function sendCalendarChanges (db: Kysely<Database>, mailer: Mailer, now = new Date()): Promise<number> {
  let total = 0
  for (;;) {
    const taken = await db.transaction().execute((trx) => sendSomeCalendarChanges(trx, mailer, CHANGES_BATCH, now))
    total += taken
    if (taken < CHANGES_BATCH) return total
  }
}

/**
 * One batch of `sendCalendarChanges`, in the caller's transaction: how many queued changes it took — of events
 * (calendar_changes) and, in the same pass, of agenda sessions (session_calendar_changes: the members who picked
 * a session that moved or was cancelled; agenda/session-calendar.service.ts).
 */
export async function sendSomeCalendarChanges (trx: Db, mailer: Mailer, limit: number, now = new Date()): Promise<number> {
  return await sendEventChanges(trx, mailer, limit, now) + await sendSessionChanges(trx, mailer, limit, now)
}

async function sendEventChanges (trx: Db, mailer: Mailer, limit: number, now: Date): Promise<number> {
  const changes = await takeChanges(trx, limit)
  const byEvent = new Map<number, QueuedChange[]>()
  for (const c of changes) byEvent.set(c.event_id, [...(byEvent.get(c.event_id) ?? []), c])
  // A rush of answers is to one event: read it (and its community) once per batch.
  const communities = new Map<number, CommunityRef>()
  for (const [eventId, rows] of byEvent) {
    const event = await findEventById(trx, eventId)
    if (!event) continue
    if (!communities.has(event.community_id)) communities.set(event.community_id, await communityOf(trx, event))
    await reconcileEvent(trx, mailer, event, communities.get(event.community_id)!, rows, now)
  }
  return changes.length
}

/** What one member gets: a calendar message, a plain notice, or nothing. */
type Message =
  | { calendar: true, rsvp: RsvpStatus | null, mail: Omit<CalendarMail, 'now'> }
  | ({ calendar: false, footer: 'details' | 'other-events' } & MailChoice)

async function reconcileEvent (trx: Db, mailer: Mailer, event: Event, community: CommunityRef, rows: QueuedChange[], now: Date): Promise<void> {
  const eventRows = rows.filter((r) => r.member_id === null)
  const own = new Map<number, QueuedChange[]>()
  for (const r of rows) if (r.member_id !== null) own.set(r.member_id, [...(own.get(r.member_id) ?? []), r])
  // Those with a change of their own, and — for a change of the event — everyone it concerns.
  const states = await calendarStates(trx, event.id, [...own.keys()], eventRows.length > 0)
  for (const s of states) {
    const message = messageFor(event, s, own.get(s.id) ?? [], eventRows, now)
    if (!message) continue
    if (message.calendar) {
      await queueCalendarMail(trx, mailer, event, community, s, message.rsvp, { ...message.mail, now })
      continue
    }
    await queueTemplatedMail(trx, mailer, {
      template: message.template,
      kind: message.kind,
      to: s.email,
      memberId: s.id,
      data: { name: s.full_name, ...eventMailData(event, community), method: null, footer: message.footer, ...message.data },
      from: communitySender(mailer.site.mailFrom, community)
    })
  }
}

/**
 * The one message that brings a member's calendar in line with the state now, given the changes queued for
 * them (`own`: their answers, promotion, invitation) and for the event (`changed`: time, place, cancelled).
 * Holders of the invite get calendar mail (an update, a CANCEL); others who answered a plain notice; someone
 * whose queued answer would have brought the invite is treated as holding it, so the change reaches them as it
 * would have had the worker run at once. Nothing when what they hold already says it.
 */
export function messageFor (event: Event, s: CalendarState, own: QueuedChange[], changed: QueuedChange[], now: Date): Message | null {
  const status = s.rsvp
  const holds = s.method === 'REQUEST'
  const has = (reason: QueuedChange['reason']) => own.some((r) => r.reason === reason)
  const concerned = status === 'going' || status === 'maybe' || status === 'waitlisted' || holds
  const answering = status === 'going' || status === 'maybe'

  if (event.status === 'cancelled') {
    if (!changed.some((r) => r.reason === 'cancelled')) return null
    const cancelled = { template: 'event-cancelled', kind: 'event-cancelled' }
    const owed = holds || (s.mail_calendar && answering && (has('answer') || has('promoted')))
    if (owed && event.ends_at > now && event.ends_at > new Date()) {
      return { calendar: true, rsvp: status, mail: { ...cancelled, method: 'CANCEL' } }
    }
    return concerned ? { calendar: false, ...cancelled, footer: 'other-events' } : null
  }
  if (event.status !== 'published') return null

  const moved = changed.filter((r) => r.reason === 'time' || r.reason === 'place')
  const promoted = has('promoted') && status === 'going'
  if (!s.mail_calendar && !holds) {
    // They turned calendar invitations off (profile): no invite for an answer or an organizer's invitation; a
    // place from the waitlist and a change of time or place still reach them, as plain notices. An invite they
    // already hold keeps getting its updates below, so their calendar never shows a stale time.
    if (promoted) return { calendar: false, footer: 'details', ...PROMOTION }
    return moved.length && concerned ? { calendar: false, footer: 'details', ...changeNotice(moved, 'event-changed') } : null
  }
  if (!invitable(event, now)) {
    if (promoted) return { calendar: false, footer: 'details', ...PROMOTION }
    return moved.length && concerned ? { calendar: false, footer: 'details', ...changeNotice(moved, 'event-changed') } : null
  }
  if (status === 'declined') {
    // Answered "can't go" while holding the invite: a CANCEL to them alone, so the event leaves their calendar.
    return holds
      ? {
          calendar: true,
          rsvp: status,
          mail: { template: 'calendar-removed', kind: 'calendar-removed', method: 'CANCEL' }
        }
      : null
  }
  // The invite that comes with a waitlist promotion (one message: the notice is its text).
  if (promoted) return { calendar: true, rsvp: 'going', mail: { ...PROMOTION, method: 'REQUEST' } }

  const answers = own.filter((r) => r.reason === 'answer')
  const invitation: Message = {
    calendar: true,
    rsvp: status,
    mail: { template: 'calendar-invitation', kind: 'calendar-invite', method: 'REQUEST' }
  }
  if (holds) {
    if (s.sequence === event.sequence && s.invite_rsvp === status) return null
    if (moved.length) return { calendar: true, rsvp: status, mail: { ...changeNotice(moved, 'event-updated'), method: 'REQUEST' } }
    if (answers.length && answering) return answerInvite(status)
    return has('invited') && s.sequence !== event.sequence ? invitation : null
  }
  if (answering && answers.length) {
    // They answered on the page: a change made after they answered is news to them, one made before is not.
    const lastAnswer = Math.max(...answers.map((r) => r.id))
    const unseen = moved.filter((r) => r.id > lastAnswer)
    return unseen.length
      ? { calendar: true, rsvp: status, mail: { ...changeNotice(unseen, 'event-updated'), method: 'REQUEST' } }
      : answerInvite(status)
  }
  if ((answering || status === null) && has('invited')) return invitation
  // Answered before invites existed, or waitlisted: no invite to update, so a plain notice.
  return moved.length && concerned ? { calendar: false, footer: 'details', ...changeNotice(moved, 'event-changed') } : null
}

function answerInvite (status: 'going' | 'maybe'): Message {
  return { calendar: true, rsvp: status, mail: { template: 'calendar-answer', kind: 'calendar-invite', method: 'REQUEST', data: { status } } }
}

const PROMOTION: MailChoice = { template: 'rsvp-promoted', kind: 'rsvp-promoted' }

/** A change of time or place: an update to an invite (`event-updated`) or a plain notice (`event-changed`). */
function changeNotice (moved: QueuedChange[], kind: string): MailChoice {
  const changes: EventChanges = { time: moved.some((r) => r.reason === 'time'), place: moved.some((r) => r.reason === 'place') }
  return { template: 'event-changed', kind, data: { changes } }
}

// ---- Organizers invite a list

export interface InviteListInput {
  everyone: boolean
  /** Pasted addresses (any separators). */
  emails: string[]
}

export interface InviteListResult {
  invited: number
  /** Already held this invite, or had said they can't go: not mailed again. */
  skipped: number
  /** Turned calendar invitations off on their profile: not mailed. */
  optedOut: number
  /** Addresses that are not members of the community (or not addresses at all): not mailed. */
  notMembers: string[]
}

/**
 * Splits a pasted list into addresses, in order and without repeats: entries are separated by commas,
 * semicolons or new lines; an entry in the form `"Name" <a@b>` or `Name <a@b>` gives the address in brackets,
 * any other entry each of its words (so a list separated by spaces works too).
 */
export function parseEmailList (text: string): string[] {
  const out: string[] = []
  for (const entry of text.split(/[,;\r\n]+/)) {
    const bracketed = /<([^<>]*)>/.exec(entry)
    const words = bracketed ? [bracketed[1]] : entry.split(/\s+/)
    for (const word of words) {
      const s = word.replace(/^["'(]+|["')]+$/g, '').trim().toLowerCase()
      if (s && !out.includes(s)) out.push(s)
    }
  }
  return out
}

/**
 * Invites each chosen member of the community: a row on the calendar queue each, and the worker sends them
 * their own REQUEST invite (PARTSTAT from their answer, or NEEDS-ACTION) with their RSVP links. Those already
 * holding this invite (or with one on its way) and those who said they can't go are skipped, those who turned
 * calendar invitations off (profile) are counted apart and not mailed; addresses of
 * non-members are returned, never mailed. Call inside a transaction.
 */
export async function inviteList (trx: Db, event: Event, input: InviteListInput): Promise<InviteListResult> {
  let members: Array<Person & { mail_calendar: boolean }>
  const notMembers: string[] = []
  if (input.everyone) {
    members = await allMembers(trx, event.community_id)
  } else {
    const asked = input.emails.map((raw) => ({ raw, email: normaliseEmail(raw) }))
    members = await membersByEmail(trx, event.community_id, asked.flatMap((a) => a.email ? [a.email] : []))
    const found = new Set(members.map((m) => m.email))
    // In the order they were pasted, so the organizer finds them in their list.
    for (const a of asked) if (!a.email || !found.has(a.email)) notMembers.push(a.raw)
  }
  const state = await answersAndInvites(trx, event.id, members.map((m) => m.id))
  const invited: number[] = []
  let skipped = 0
  let optedOut = 0
  for (const m of members) {
    const s = state.get(m.id)!
    if (!m.mail_calendar) optedOut++
    else if (s.rsvp === 'declined' || s.invitationQueued || (s.invite?.method === 'REQUEST' && s.invite.sequence === event.sequence)) skipped++
    else invited.push(m.id)
  }
  await queueMemberChanges(trx, event.id, invited, 'invited')
  return { invited: invited.length, skipped, optedOut, notMembers }
}

/** Why an organizer can't send invites for this event now (null when they can). */
export function inviteProblem (event: Event, now = new Date()): string | null {
  if (event.status === 'draft') return 'Publish this event before inviting members.'
  if (event.status === 'cancelled') return 'This event was cancelled, so it takes no invitations.'
  if (event.ends_at <= now) return 'This event has ended.'
  return null
}
