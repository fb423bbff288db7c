import type { Kysely } from 'kysely'
import type { Community, Database, Db, Event, RsvpStatus } from '../../db/database.js'
import { dateTime } from '../../lib/format.js'
import { normaliseEmail } from '../../lib/forms.js'
import { accessLinksText, buildCalendar, eventLocation, eventUrl, toCalendarEntry } from '../calendar/ics.js'
import { findCommunityById } from '../communities/communities.repository.js'
import { queueMail } from '../mail/mail.service.js'
import { findMemberById } from '../members/members.repository.js'
import { findEventById } from '../events/events.repository.js'
import { rsvpLinkUrls } from '../rsvps/rsvp-links.js'
import { findRsvp } from '../rsvps/rsvps.repository.js'
import { allMembers, answersAndInvites, findInvite, listRecipients, membersByEmail, recordInvite, takeAnswers } from './invites.repository.js'
import { mailSite, type MailSite } from './site.js'

/*
 * Calendar invites by email (iTIP over iMIP). Each member gets their own message — never a shared To: list —
 * with a text/calendar part: REQUEST when they answer going or maybe (or an organizer invites them), a REQUEST
 * with the same UID and the event's new SEQUENCE when its time, place or status changes, and CANCEL
 * (STATUS:CANCELLED) when it is cancelled. `calendar_invites` records who holds an invite and at which
 * SEQUENCE, so changes reach exactly the holders. Everything is queued in the caller's transaction; the mail
 * an answer brings is sent by the worker (`respond()` queues it, `sendAnswerMail` sends it).
 */

export type CommunityRef = Pick<Community, 'slug' | 'name'>
export type Person = { id: number, email: string, full_name: string }

async function communityOf (db: Db, event: Event): Promise<CommunityRef> {
  const community = await findCommunityById(db, event.community_id)
  if (!community) throw new Error(`community ${event.community_id} of event ${event.id} not found`)
  return community
}

/** "Thu, Dec 3 …": when, where, join, captions — the lines every invite, notice and reminder carries. */
export function eventDetailsText (event: Event, url: string): string {
  const lines = [
    event.title,
    `When: ${dateTime(event.starts_at, event.time_zone)} to ${dateTime(event.ends_at, event.time_zone)}`,
    `Where: ${eventLocation(event)}`
  ]
  const links = accessLinksText(event)
  if (links) lines.push(links)
  lines.push(`Event page: ${url}`)
  return lines.join('\n')
}

const ANSWER: Record<RsvpStatus, string> = {
  going: 'Your answer: going.',
  maybe: 'Your answer: maybe.',
  waitlisted: 'You are on the waitlist.',
  declined: 'Your answer: can’t go.'
}

interface CalendarMail {
  kind: string
  subject: string
  /** The opening paragraph (after "Hello <name>,"). */
  intro: string
  method: 'REQUEST' | 'CANCEL'
  now: Date
}

/**
 * Queues one member's calendar message for an event and records what they now hold. The text part says the
 * same as the calendar part: details, RSVP links (not for a cancellation) and the event page.
 */
export async function queueCalendarMail (trx: Db, site: MailSite, event: Event, community: CommunityRef, member: Person, rsvp: RsvpStatus | null, mail: CalendarMail): Promise<void> {
  const url = eventUrl(site.publicUrl, community.slug, event.id)
  const links = mail.method === 'REQUEST' ? await rsvpLinkUrls(trx, site.secret, site.publicUrl, event.id, member.id) : undefined
  const entry = toCalendarEntry(event, community, {
    publicUrl: site.publicUrl,
    mailFrom: site.mailFrom,
    stamp: mail.now,
    now: mail.now,
    attendee: { name: member.full_name, email: member.email, rsvpStatus: rsvp },
    rsvpLinks: links,
    note: rsvp && mail.method === 'REQUEST' ? ANSWER[rsvp] : undefined
  })
  const parts = [`Hello ${member.full_name},`, mail.intro, eventDetailsText(event, url)]
  if (links) parts.push(`Going: ${links.going}\nCan’t go: ${links.declined}`)
  parts.push(mail.method === 'REQUEST'
    ? 'The calendar invitation in this message adds the event to your calendar, or updates it there.'
    : 'The calendar part of this message removes the event from your calendar.')
  await queueMail(trx, {
    kind: mail.kind,
    to: member.email,
    memberId: member.id,
    subject: mail.subject,
    text: parts.join('\n\n') + '\n',
    ical: buildCalendar({ method: mail.method, entries: [entry] }),
    icalMethod: mail.method
  })
  await recordInvite(trx, { eventId: event.id, memberId: member.id, sequence: event.sequence, method: mail.method, rsvp, sentAt: mail.now })
}

/** Calendar mail is for published events that have not ended (and only when the app registered its site). */
function invitable (event: Event, now: Date): boolean {
  return event.status === 'published' && event.ends_at > now && event.ends_at > new Date()
}

/**
 * Whether an answer brings calendar mail, which `respond()` then queues in its transaction (calendar_answers)
 * for the worker to send (`sendAnswerMail`), so building the invite is no part of answering. Not for a
 * waitlisted answer (a promotion brings the invite) or an event that takes no calendar mail.
 */
export function answerBringsMail (event: Event, status: RsvpStatus, now: Date): boolean {
  return status !== 'waitlisted' && calendarMailOn() && invitable(event, now)
}

/** Whether calendar mail is sent at all (the app registered its site; code without an app sends none). */
export function calendarMailOn (): boolean {
  return mailSite() !== null
}

/** The worker's job that sends queued answers' calendar mail, and how often the worker looks for them. */
export const ANSWER_MAIL_JOB = 'calendar.answers'
export const ANSWER_MAIL_POLL_MS = 1_000
/** Answers taken off the queue per transaction. */
const ANSWER_BATCH = 100

/**
 * Sends the calendar mail of queued answers: what the member holds is brought in line with their answer now
 * (not the one they gave then, so answering twice before this runs mails once). Going or maybe → a REQUEST
 * with their PARTSTAT, unless they hold this very invite with the same answer; "can't go" while holding an
 * invite → a CANCEL to them alone, so the event leaves their calendar. Runs in the worker (one at a time:
 * the job is `stately`). Returns how many answers it looked at.
 */
export async function sendAnswerMail (db: Kysely<Database>, now = new Date()): Promise<number> {
  let total = 0
  for (;;) {
    const { taken, answers } = await db.transaction().execute((trx) => sendSomeAnswerMail(trx, ANSWER_BATCH, now))
    total += answers
    if (taken < ANSWER_BATCH) return total
  }
}

/**
 * One batch of `sendAnswerMail`, in the caller's transaction (the demo seed sends its answers' mail in its own):
 * how many queued rows it took, and how many answers (one per event and member) it looked at.
 */
export async function sendSomeAnswerMail (trx: Db, limit: number, now = new Date()): Promise<{ taken: number, answers: number }> {
  const site = mailSite()
  const { taken, answers } = await takeAnswers(trx, limit)
  if (site) {
    // A rush of answers is to one event: read it (and its community) once per batch.
    const events = new Map<number, Event | undefined>()
    const communities = new Map<number, CommunityRef>()
    for (const a of answers) {
      if (!events.has(a.event_id)) events.set(a.event_id, await findEventById(trx, a.event_id))
      const event = events.get(a.event_id)
      if (!event) continue
      if (!communities.has(event.community_id)) communities.set(event.community_id, await communityOf(trx, event))
      await answerMail(trx, site, event, communities.get(event.community_id)!, a.member_id, now)
    }
  }
  return { taken, answers: answers.length }
}

async function answerMail (trx: Db, site: MailSite, event: Event, community: CommunityRef, memberId: number, now: Date): Promise<void> {
  if (!invitable(event, now)) return
  const [rsvp, held] = [await findRsvp(trx, event.id, memberId), await findInvite(trx, event.id, memberId)]
  const status = rsvp?.status
  const holds = held?.method === 'REQUEST'
  let mail: Omit<CalendarMail, 'now'>
  if (status === 'going' || status === 'maybe') {
    if (holds && held.sequence === event.sequence && held.rsvp_status === status) return
    mail = {
      kind: 'calendar-invite',
      subject: `${status === 'going' ? 'You’re going' : 'Maybe'}: ${event.title}`,
      intro: status === 'going'
        ? `You said you are going to "${event.title}". Here it is for your calendar.`
        : `You said you might go to "${event.title}". Here it is for your calendar, marked tentative.`,
      method: 'REQUEST'
    }
  } else if (status === 'declined' && holds) {
    mail = {
      kind: 'calendar-removed',
      subject: `Removed from your calendar: ${event.title}`,
      intro: `You said you can’t go to "${event.title}", so this message takes it off your calendar. ` +
        'If your plans change, answer again on the event page.',
      method: 'CANCEL'
    }
  } else {
    return
  }
  const member = await findMemberById(trx, memberId)
  if (member) await queueCalendarMail(trx, site, event, community, member, status, { ...mail, now })
}

/** The invite that comes with a waitlist promotion (one message: the notice is its text). */
export async function promotionMail (trx: Db, event: Event, member: Person, publicUrl: string, now = new Date()): Promise<void> {
  const community = await communityOf(trx, event)
  const intro = `A place opened up at "${event.title}" and you were next on the waitlist, so you are now going. ` +
    'If you can no longer come, please answer "can’t go" so the next person can have the place.'
  const site = mailSite()
  if (site && invitable(event, now)) {
    await queueCalendarMail(trx, site, event, community, member, 'going', {
      kind: 'rsvp-promoted', subject: `A place opened up: you’re going to ${event.title}`, intro, method: 'REQUEST', now
    })
    return
  }
  await queueMail(trx, {
    kind: 'rsvp-promoted',
    to: member.email,
    memberId: member.id,
    subject: `A place opened up: you’re going to ${event.title}`,
    text: `Hello ${member.full_name},\n\n${intro}\n\n${eventDetailsText(event, eventUrl(publicUrl, community.slug, event.id))}\n`
  })
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

function changeSentence (event: Event, changes: EventChanges): string {
  const what = [
    ...(changes.time ? [`now starts ${dateTime(event.starts_at, event.time_zone)}`] : []),
    ...(changes.place ? [`is now at: ${eventLocation(event)}${event.online_url ? ` (join link: ${event.online_url})` : ''}`] : [])
  ]
  return what.join(', and ')
}

/**
 * Tells each person once about a change of time or place of a published event: holders of the invite get the
 * update as a REQUEST (same UID, the event's new SEQUENCE) with the notice as its text; others who answered
 * (waitlisted, or answered before invites existed) get the plain notice. Nothing when nothing relevant changed.
 */
export async function notifyEventChanged (trx: Db, event: Event, publicUrl: string, changes: EventChanges, now = new Date()): Promise<number> {
  if (event.status !== 'published' || (!changes.time && !changes.place)) return 0
  const community = await communityOf(trx, event)
  const site = mailSite()
  const calendar = site !== null && invitable(event, now)
  const subject = `${changes.time ? 'New time' : 'New place'}: ${event.title}`
  const intro = `"${event.title}" (${community.name}) ${changeSentence(event, changes)}. ` +
    'Your answer is kept; change it on the event page if this no longer suits you.'
  const recipients = await listRecipients(trx, event.id)
  for (const r of recipients) {
    if (calendar && r.holdsInvite) {
      await queueCalendarMail(trx, site, event, community, r, r.rsvp, { kind: 'event-updated', subject, intro, method: 'REQUEST', now })
    } else {
      await queueMail(trx, {
        kind: 'event-changed',
        to: r.email,
        memberId: r.id,
        subject,
        text: `Hello ${r.full_name},\n\n${intro}\n\n${eventDetailsText(event, eventUrl(publicUrl, community.slug, event.id))}\n`
      })
    }
  }
  return recipients.length
}

/**
 * Tells each person once that an event (or one occurrence of a series) was cancelled: holders of the invite
 * get a CANCEL (STATUS:CANCELLED, the raised SEQUENCE) so it leaves their calendar; others the plain notice.
 * `event` is the row after cancelling.
 */
export async function notifyEventCancelled (trx: Db, event: Event, publicUrl: string, now = new Date()): Promise<number> {
  const community = await communityOf(trx, event)
  const site = mailSite()
  const calendar = site !== null && event.ends_at > now && event.ends_at > new Date()
  const intro = `"${event.title}" on ${dateTime(event.starts_at, event.time_zone)} has been cancelled by the organizers of ${community.name}.`
  const recipients = await listRecipients(trx, event.id)
  for (const r of recipients) {
    if (calendar && r.holdsInvite) {
      await queueCalendarMail(trx, site, event, community, r, r.rsvp, { kind: 'event-cancelled', subject: `Cancelled: ${event.title}`, intro, method: 'CANCEL', now })
    } else {
      await queueMail(trx, {
        kind: 'event-cancelled',
        to: r.email,
        memberId: r.id,
        subject: `Cancelled: ${event.title}`,
        text: `Hello ${r.full_name},\n\n${intro}\n\nOther events of ${community.name}: ${publicUrl}/c/${community.slug}/events\n`
      })
    }
  }
  return recipients.length
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
 * Sends each chosen member of the community their own REQUEST invite (PARTSTAT from their answer, or
 * NEEDS-ACTION) with their RSVP links. Those already holding this invite and those who said they can't go are
 * skipped; addresses of non-members are returned, never mailed. Call inside a transaction.
 */
export async function inviteList (trx: Db, site: MailSite, event: Event, input: InviteListInput, now = new Date()): Promise<InviteListResult> {
  let members: Person[]
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
  const community = await communityOf(trx, event)
  const state = await answersAndInvites(trx, event.id, members.map((m) => m.id))
  let invited = 0
  let skipped = 0
  for (const m of members) {
    const s = state.get(m.id)!
    if (s.rsvp === 'declined' || (s.invite?.method === 'REQUEST' && s.invite.sequence === event.sequence)) {
      skipped++
      continue
    }
    await queueCalendarMail(trx, site, event, community, m, s.rsvp, {
      kind: 'calendar-invite',
      subject: `Invitation: ${event.title}`,
      intro: `The organizers of ${community.name} invite you to "${event.title}".\n\nWhy this matters: ${event.why_it_matters}\n\n` +
        'Answer with the links below, on the event page, or with your calendar’s Yes / No / Maybe.',
      method: 'REQUEST',
      now
    })
    invited++
  }
  return { invited, skipped, notMembers }
}

/** Why an organizer can't send invites for this event now (null when they can). */
export function inviteProblem (event: Event, now = new Date()): string | null {
  if (event.status === 'draft') return 'Publish this event before inviting members.'
  if (event.status === 'cancelled') return 'This event was cancelled, so it takes no invitations.'
  if (event.ends_at <= now) return 'This event has ended.'
  return null
}
