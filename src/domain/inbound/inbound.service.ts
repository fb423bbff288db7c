import type { Kysely } from 'kysely'
import type { Database, Db, RsvpStatus } from '../../db/database.js'
import { findCommunityById, findCommunityMemberByEmail } from '../communities/communities.repository.js'
import { lockEvent } from '../events/events.repository.js'
import { queueTemplatedMail, type Mailer } from '../mail/mailer.js'
import { communitySender } from '../mail/sender.js'
import { findMemberByEmail } from '../members/members.repository.js'
import { findRsvp } from '../rsvps/rsvps.repository.js'
import { answerInTransaction, type RsvpChoice } from '../rsvps/rsvps.service.js'
import { eventIdFromUid, parseMessage, readCalendar, type ReplyEvent } from './calendar-reply.js'

/*
 * iTIP REPLYs from members' calendars (Yes / No / Maybe pressed in Outlook, Google Calendar, Apple Calendar…),
 * mailed to the community mailbox that organised the invite. See src/domain/README.md, "Calendar replies".
 *
 * Trust: the message arrives through a mail provider's inbound webhook or the site's own mail server, which
 * are expected to have checked SPF / DKIM / DMARC and dropped what fails. On top of that, a reply changes an
 * RSVP only when its ATTENDEE is a member of the event's community AND is one of the message's From:
 * addresses — neither header alone is trusted.
 */

export type IgnoredReason =
  | 'empty-message' | 'no-calendar-part' | 'not-a-reply' | 'unparseable-calendar' | 'no-event'
  | 'unknown-uid' | 'no-attendee' | 'sender-mismatch' | 'unknown-attendee' | 'not-a-member'
  | 'event-not-published' | 'event-cancelled' | 'event-ended' | 'stale-sequence' | 'no-answer' | 'rsvp-refused'
  | 'community-archived'

export type ProcessedReason = RsvpStatus

export interface ReplyOutcome {
  status: 'processed' | 'ignored'
  reason: IgnoredReason | ProcessedReason
  /** For the log: what happened, in words. */
  message: string
  uid: string | null
  attendee: string | null
  eventId?: number
  memberId?: number
}

export interface IngestResult {
  /** processed: at least one RSVP was recorded. ignored: nothing changed (`reason` says why). */
  status: 'processed' | 'ignored'
  reason: IgnoredReason | ProcessedReason
  message: string
  messageId: string | null
  /** One per VEVENT read (empty when the message held no usable calendar). */
  replies: ReplyOutcome[]
}

export interface InboundLog {
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
}

export interface InboundDeps {
  /** Writes the waitlist notice; its site's public URL is the host a reply's UID must name. */
  mailer: Mailer
  log?: InboundLog
  now?: Date
}

const PARTSTAT_CHOICES: Record<string, RsvpChoice> = { ACCEPTED: 'going', TENTATIVE: 'maybe', DECLINED: 'declined' }

/** Reasons worth a warning: someone may be trying to answer for another person. */
const SUSPICIOUS = new Set<string>(['sender-mismatch', 'unknown-attendee', 'not-a-member'])

const silent: InboundLog = { info () {}, warn () {} }

/**
 * Reads one raw MIME message and records the RSVP each VEVENT of its iTIP REPLY stands for: ACCEPTED → going
 * (waitlisted when the event is full, with a mail saying so), TENTATIVE → maybe, DECLINED → declined. Each
 * answer is one transaction through `answerInTransaction()`. Anything that does not match — unknown UID or attendee, a
 * reply to an older SEQUENCE, a cancelled or past event — is ignored and logged; the result says why.
 * Throws only on internal errors (the database), so callers can ask the sender to retry.
 */
export async function ingestCalendarReply (db: Kysely<Database>, deps: InboundDeps, rawMime: Buffer | string): Promise<IngestResult> {
  const log = deps.log ?? silent
  const now = deps.now ?? new Date()
  const finish = (result: IngestResult, from: string[]): IngestResult => {
    const context = { messageId: result.messageId, from, replies: result.replies.map(({ message: _m, ...r }) => r) }
    if (result.status === 'processed') log.info(context, `Calendar reply processed: ${result.message}`)
    else if (result.replies.some((r) => SUSPICIOUS.has(r.reason))) log.warn(context, `Calendar reply ignored: ${result.message}`)
    else log.info(context, `Calendar reply ignored: ${result.message}`)
    return result
  }
  const ignoreMessage = (reason: IgnoredReason, message: string, messageId: string | null, from: string[]) =>
    finish({ status: 'ignored', reason, message, messageId, replies: [] }, from)

  if (!rawMime.length || !String(rawMime).trim()) return ignoreMessage('empty-message', 'The message is empty.', null, [])
  const parsed = await parseMessage(rawMime)
  if (!parsed.calendars.length) return ignoreMessage('no-calendar-part', 'The message has no calendar part (text/calendar or .ics).', parsed.messageId, parsed.from)

  let events: ReplyEvent[] | null = null
  let notReply: string | null = null
  for (const part of parsed.calendars) {
    const reading = readCalendar(part.text, part.methodParam)
    if (reading.kind === 'reply') { events = reading.events; break }
    notReply ??= reading.kind === 'not-a-reply' ? `The calendar's METHOD is ${reading.method ?? 'missing'}, not REPLY.` : `The calendar could not be read: ${reading.error}.`
  }
  if (!events) {
    const unreadable = notReply?.startsWith('The calendar could not') ?? false
    return ignoreMessage(unreadable ? 'unparseable-calendar' : 'not-a-reply', notReply ?? 'No REPLY found.', parsed.messageId, parsed.from)
  }
  if (!events.length) return ignoreMessage('no-event', 'The REPLY holds no VEVENT.', parsed.messageId, parsed.from)

  const replies: ReplyOutcome[] = []
  for (const event of events) replies.push(await answerOne(db, deps, event, parsed.from, now))
  const done = replies.find((r) => r.status === 'processed')
  const summary = done ?? replies[0]
  return finish({
    status: done ? 'processed' : 'ignored',
    reason: summary.reason,
    message: replies.map((r) => r.message).join(' '),
    messageId: parsed.messageId,
    replies
  }, parsed.from)
}

async function answerOne (db: Kysely<Database>, deps: InboundDeps, reply: ReplyEvent, from: string[], now: Date): Promise<ReplyOutcome> {
  const base = { uid: reply.uid, attendee: null as string | null }
  const ignored = (reason: IgnoredReason, message: string, extra: Partial<ReplyOutcome> = {}): ReplyOutcome =>
    ({ ...base, ...extra, status: 'ignored', reason, message })

  const eventId = reply.uid ? eventIdFromUid(reply.uid, deps.mailer.site.publicUrl) : null
  if (eventId === null) return ignored('unknown-uid', `UID ${reply.uid ?? '(none)'} is not a Convene event of this site.`)
  if (!reply.attendees.length) return ignored('no-attendee', `The reply to ${reply.uid} names no ATTENDEE.`, { eventId })
  // A calendar sends a reply from its owner's one address. From: with several addresses proves nothing about
  // any of them (a forger lists the member beside their own), so it answers for nobody.
  if (from.length !== 1) {
    return ignored('sender-mismatch', `A reply must come from exactly one address; From: has ${from.length || 'none'}.`,
      { eventId, attendee: reply.attendees[0].email })
  }
  // A REPLY names the attendee who answers; when it names several, the one who sent the message answers.
  const attendee = reply.attendees.find((a) => a.email === from[0])
  if (!attendee) {
    return ignored('sender-mismatch', `The ATTENDEE (${reply.attendees.map((a) => a.email).join(', ')}) is not the sender (${from.join(', ') || 'no From:'}).`,
      { eventId, attendee: reply.attendees[0].email })
  }
  base.attendee = attendee.email

  return db.transaction().execute(async (trx): Promise<ReplyOutcome> => {
    // The row lock first: a concurrent change of the event (and its SEQUENCE) waits for this answer, or this
    // answer sees the change.
    const event = await lockEvent(trx, eventId)
    if (!event) return ignored('unknown-uid', `No event ${eventId} (UID ${reply.uid}).`)
    const member = await findMemberByEmail(trx, attendee.email)
    if (!member) return ignored('unknown-attendee', `No member has the address ${attendee.email}.`, { eventId })
    if (!await findCommunityMemberByEmail(trx, event.community_id, attendee.email)) {
      return ignored('not-a-member', `${attendee.email} is not a member of the community of event ${eventId}.`, { eventId, memberId: member.id })
    }
    const ids = { eventId, memberId: member.id }
    if (event.status === 'cancelled') return ignored('event-cancelled', `Event ${eventId} was cancelled.`, ids)
    // An archived community is read-only: its events take no answers, by calendar reply as by any other way.
    if ((await findCommunityById(trx, event.community_id))?.archived_at) {
      return ignored('community-archived', `The community of event ${eventId} is archived, so its events take no more answers.`, ids)
    }
    if (event.status !== 'published') return ignored('event-not-published', `Event ${eventId} is not published.`, ids)
    if (now >= event.ends_at) return ignored('event-ended', `Event ${eventId} has ended.`, ids)
    if (reply.sequence < event.sequence) {
      return ignored('stale-sequence', `The reply answers SEQUENCE ${reply.sequence} of event ${eventId}, which is now at ${event.sequence}.`, ids)
    }
    const choice = attendee.partstat ? PARTSTAT_CHOICES[attendee.partstat] : undefined
    if (!choice) return ignored('no-answer', `PARTSTAT ${attendee.partstat ?? '(none)'} is not an answer.`, ids)

    const earlier = await findRsvp(trx, eventId, member.id)
    const outcome = await answerInTransaction(trx, { eventId, memberId: member.id, choice, listed: earlier?.listed ?? true }, now)
    if (!outcome.ok) return ignored('rsvp-refused', `Event ${eventId} refused the answer: ${outcome.message}`, ids)
    if (outcome.status === 'waitlisted' && outcome.previous !== 'waitlisted') {
      await tellWaitlisted(trx, deps, event, member)
    }
    return {
      ...base, ...ids,
      status: 'processed',
      reason: outcome.status,
      message: `${attendee.email} is now ${outcome.status} for event ${eventId}${outcome.previous ? ` (was ${outcome.previous})` : ''}.`
    }
  })
}

async function tellWaitlisted (trx: Db, deps: InboundDeps, event: { id: number, title: string, starts_at: Date, time_zone: string, community_id: number },
  member: { id: number, email: string, full_name: string }): Promise<void> {
  const community = await findCommunityById(trx, event.community_id)
  await queueTemplatedMail(trx, deps.mailer, {
    template: 'rsvp-waitlisted',
    kind: 'rsvp-waitlisted',
    to: member.email,
    memberId: member.id,
    data: {
      name: member.full_name,
      event: { id: event.id, title: event.title, starts_at: event.starts_at, time_zone: event.time_zone },
      communitySlug: community?.slug ?? ''
    },
    from: community ? communitySender(deps.mailer.site.mailFrom, community) : null
  })
}
