import type { Community, Db, Event, SessionChangeReason as Reason } from '../../db/database.js'
import { findCommunityById } from '../communities/communities.repository.js'
import { findEventById } from '../events/events.repository.js'
import { queueSessionChanges, takeSessionChanges, type QueuedSessionChange } from '../invites/calendar-changes.repository.js'
import { eventMailData } from '../mail/event-data.js'
import { queueTemplatedMail, type Mailer } from '../mail/mailer.js'
import { findSessionById } from './agenda-view.repository.js'
import { currentPickers, recipientsByIds, type Recipient } from './picks.repository.js'
import { sessionLocation, sessionsCalendar, toSessionEntry, type CalendarSession } from './session-ics.js'

/*
 * Calendar mail for the agenda: when a published session moves (time, place) or is cancelled, each member who
 * picked it gets one message — a REQUEST with the session's new time and SEQUENCE, or a CANCEL — sent by the one
 * calendar reconciler (invites.service `sendSomeCalendarChanges`, job `calendar.changes`) in the same pass as the
 * events' changes. The editor only queues (`queueSessionChange`, in its transaction); the worker
 * (`sendSessionChanges`) takes the rows and brings each picker's calendar in line with the session as it is
 * then, so several moves before it runs give one message with the latest SEQUENCE.
 */

/** Why a published session's calendar entry changes for the members who picked it. */
export type SessionChangeReason = Reason

/**
 * Queues a calendar update for every member who picked the session, for the one calendar reconciler to send
 * (called in the transaction that changed the session, after its `sequence` was raised).
 */
export async function queueSessionChange (trx: Db, sessionId: number, reasons: SessionChangeReason[]): Promise<void> {
  await queueSessionChanges(trx, sessionId, reasons)
}

/**
 * Sends the mail of up to `limit` queued session changes, in the caller's transaction (the reconciler's):
 * returns how many rows it took.
 */
export async function sendSessionChanges (trx: Db, mailer: Mailer, limit: number, now = new Date()): Promise<number> {
  const rows = await takeSessionChanges(trx, limit)
  const bySession = new Map<number, QueuedSessionChange[]>()
  for (const r of rows) bySession.set(r.session_id, [...(bySession.get(r.session_id) ?? []), r])
  const events = new Map<number, { event: Event, community: Community } | null>()
  for (const [sessionId, changes] of bySession) {
    const eventId = changes[0].event_id
    if (!events.has(eventId)) events.set(eventId, await eventAndCommunity(trx, eventId))
    const found = events.get(eventId)
    if (found) await reconcileSession(trx, mailer, sessionId, changes, found.event, found.community, now)
  }
  return rows.length
}

async function eventAndCommunity (trx: Db, eventId: number): Promise<{ event: Event, community: Community } | null> {
  const event = await findEventById(trx, eventId)
  const community = event ? await findCommunityById(trx, event.community_id) : undefined
  return event && community ? { event, community } : null
}

interface SessionMail {
  method: 'REQUEST' | 'CANCEL'
  session: CalendarSession
  speakers: string[]
  recipients: Recipient[]
  changes: { time: boolean, place: boolean }
}

/** What one session's queued rows come to: a CANCEL to those who picked it, an update to those who still do, or nothing. */
async function sessionMail (trx: Db, sessionId: number, changes: QueuedSessionChange[], event: Event, now: Date): Promise<SessionMail | null> {
  const memberIds = [...new Set(changes.map((c) => c.member_id))]
  const cancelled = changes.filter((c) => c.reason === 'cancelled' && c.snapshot).at(-1)
  const session = cancelled ? undefined : await findSessionById(trx, sessionId)
  if (cancelled?.snapshot) {
    const s = cancelled.snapshot
    const startsAt = new Date(s.starts_at)
    const endsAt = new Date(s.ends_at)
    // A session that has ended leaves calendars alone.
    if (endsAt <= now) return null
    return {
      method: 'CANCEL',
      // Deleting a session is a change of its status: one past its last SEQUENCE.
      session: { id: sessionId, title: s.title, why_this_matters: s.why_this_matters, starts_at: startsAt, ends_at: endsAt, room: s.room, sequence: s.sequence + 1, updated_at: now },
      speakers: [],
      recipients: await recipientsByIds(trx, memberIds),
      changes: { time: false, place: false }
    }
  }
  if (!session || !session.published || event.status !== 'published' || session.ends_at <= now) return null
  return {
    method: 'REQUEST',
    session,
    speakers: session.speakers.map((p) => p.full_name),
    recipients: await currentPickers(trx, sessionId, memberIds),
    changes: { time: changes.some((c) => c.reason === 'time'), place: changes.some((c) => c.reason === 'place') }
  }
}

async function reconcileSession (trx: Db, mailer: Mailer, sessionId: number, changes: QueuedSessionChange[], event: Event, community: Community, now: Date): Promise<void> {
  const mail = await sessionMail(trx, sessionId, changes, event, now)
  if (!mail) return
  const site = mailer.site
  const data = {
    ...eventMailData(event, community, now),
    session: {
      id: sessionId,
      title: mail.session.title,
      starts_at: mail.session.starts_at,
      ends_at: mail.session.ends_at,
      room: mail.session.room
    },
    sessionLocation: sessionLocation(mail.session, event),
    speakers: mail.speakers,
    changes: mail.changes,
    cancelled: mail.method === 'CANCEL',
    method: mail.method
  }
  for (const member of mail.recipients) {
    // Calendar invitations turned off (profile): the notice still says what changed, without the calendar part.
    const ical = member.mail_calendar
      ? sessionsCalendar(mail.method, [toSessionEntry(mail.session, event, community, {
        site, stamp: now, now, speakers: mail.speakers, attendee: { name: member.full_name, email: member.email }, cancelled: mail.method === 'CANCEL'
      })])
      : null
    await queueTemplatedMail(trx, mailer, {
      template: 'session-changed',
      kind: mail.method === 'CANCEL' ? 'session-cancelled' : 'session-updated',
      to: member.email,
      memberId: member.id,
      data: { name: member.full_name, ...data, method: ical ? mail.method : null },
      ical,
      icalMethod: ical ? mail.method : null
    })
  }
}
