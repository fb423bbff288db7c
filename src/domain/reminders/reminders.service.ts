import type { Kysely } from 'kysely'
import type { Database } from '../../db/database.js'
import { findCommunityById } from '../communities/communities.repository.js'
import { lockEvent } from '../events/events.repository.js'
import { eventMailData } from '../mail/event-data.js'
import { queueTemplatedMail, type Mailer } from '../mail/mailer.js'
import { communitySender } from '../mail/sender.js'
import { currentLinkVersion } from '../rsvps/rsvps.repository.js'
import { rsvpTokenPair } from '../rsvps/rsvp-tokens.js'
import { formatOffsets } from './offsets.js'
import { listEventsWithDueReminders, listGoingNotReminded, recordReminders } from './reminders.repository.js'

/*
 * Reminders before each event to those going (offsets per event, default a day and an hour). A scheduled job
 * runs `sendDueReminders` every minute. `reminders_sent` (event, member, offset, start) is unique, and the mail
 * is queued only when that row was inserted, in the same transaction: a reminder is never sent twice, even with
 * several workers — but an event moved to a new start is reminded again for it. Cancelled (and draft) events get none; an event that has started gets none.
 */

export const REMINDERS_JOB = 'reminders.send'
export const REMINDERS_CRON = '* * * * *'

/**
 * How long until the start, as a reminder's subject says it ("in 1 day", "in 1 hour", "in 25 minutes"): the
 * offset when the reminder goes on time, the time actually left when it goes late (the member answered late,
 * or the worker was down).
 */
export function timeLeftInWords (offsetMinutes: number, minutesLeft: number): string {
  if (minutesLeft >= offsetMinutes - 5) return `in ${formatOffsets([offsetMinutes])}`
  const rounded = minutesLeft >= 2880 ? Math.round(minutesLeft / 1440) * 1440
    : minutesLeft >= 120 ? Math.round(minutesLeft / 60) * 60
      : Math.max(5, Math.round(minutesLeft / 5) * 5)
  return `in ${formatOffsets([rounded])}`
}

/**
 * One pass: for every published event that has not started and has an offset whose time has come, queues one
 * reminder per member going who has not had one for that offset. When several offsets are due at once (the
 * member answered late, or the worker was down), only the nearest one is mailed and the others are recorded
 * as done — one mail, not a burst. One transaction per event. Returns the number of mails queued.
 */
export async function sendDueReminders (db: Kysely<Database>, mailer: Mailer, now = new Date()): Promise<number> {
  const events = await listEventsWithDueReminders(db, now)
  let queued = 0
  for (const { id } of events) {
    queued += await db.transaction().execute(async (trx) => {
      // The row lock orders this pass with a cancellation in progress: a cancelled event gets nothing.
      const event = await lockEvent(trx, id)
      if (!event || event.status !== 'published' || event.starts_at <= now) return 0
      const due = event.reminder_offsets_minutes.filter((m) => event.starts_at.getTime() - m * 60_000 <= now.getTime())
      if (!due.length) return 0
      const nearest = Math.min(...due)
      const going = await listGoingNotReminded(trx, event, nearest)
      if (!going.length) return 0
      const community = (await findCommunityById(trx, event.community_id))!
      // Archived since the list was read: nothing (the list leaves archived communities out).
      if (community.archived_at) return 0
      const details = eventMailData(event, community)
      const from = communitySender(mailer.site.mailFrom, community)
      const timeLeft = timeLeftInWords(nearest, (event.starts_at.getTime() - now.getTime()) / 60_000)
      let n = 0
      for (const m of going) {
        const inserted = await recordReminders(trx, event, m.id, due)
        // Mail only when the nearest due offset is new for this member (a larger one alone is stale).
        if (!inserted.includes(nearest)) continue
        const tokens = rsvpTokenPair(mailer.site.secret, event.id, m.id, await currentLinkVersion(trx, event.id, m.id))
        await queueTemplatedMail(trx, mailer, {
          template: 'event-reminder',
          kind: 'event-reminder',
          to: m.email,
          memberId: m.id,
          data: { name: m.full_name, ...details, timeLeft, declineToken: tokens.declined },
          from
        })
        n++
      }
      return n
    })
  }
  return queued
}
