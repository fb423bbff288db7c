import type { Kysely } from 'kysely'
import type { Database } from '../../db/database.js'
import { findCommunityById } from '../communities/communities.repository.js'
import { lockEvent } from '../events/events.repository.js'
import { eventMailData } from '../mail/event-data.js'
import { queueTemplatedMail, type Mailer } from '../mail/mailer.js'
import { communitySender } from '../mail/sender.js'
import { checkedInAttendees, eventsDueMetPrompt, markMetPromptSent } from './met.repository.js'
import { IN_PERSON_KINDS } from './met-code.repository.js'

/** Hourly: "Who did you meet at …?" to those checked in at an in-person event that has ended, once per event. */
export const MET_PROMPT_JOB = 'connections.met-prompt'
export const MET_PROMPT_CRON = '25 * * * *'

/** How long after its end an event still gets the mail (a worker down for a while catches up; older events do not). */
const WINDOW_MS = 7 * 86_400_000

/**
 * One pass: for each published in-person event that ended within the last 7 days, in a community that is not
 * archived, whose mail has not gone (`events.met_prompt_sent_at`), and where at least two members checked in,
 * queues one mail per member checked in who wants it (members.mail_met) and marks the event — in one
 * transaction, with the event row locked, so two workers never send it twice. An event with fewer than two checked in is left for a later pass (an
 * organizer may still check people in from the paper list). Returns the number of mails queued.
 */
export async function sendMetPrompts (db: Kysely<Database>, mailer: Mailer, now = new Date()): Promise<number> {
  const events = await eventsDueMetPrompt(db, IN_PERSON_KINDS, new Date(now.getTime() - WINDOW_MS), now)
  let queued = 0
  for (const { id } of events) {
    queued += await db.transaction().execute(async (trx) => {
      const event = await lockEvent(trx, id)
      if (!event || event.status !== 'published' || event.met_prompt_sent_at !== null || event.ends_at > now) return 0
      const community = await findCommunityById(trx, event.community_id)
      if (!community || community.archived_at) return 0
      const attendees = await checkedInAttendees(trx, event.id, event.community_id)
      if (attendees.length < 2) return 0
      const details = eventMailData(event, community, now)
      const from = communitySender(mailer.site.mailFrom, community)
      // Each of them can be chosen; only those who want the mail get it (members.mail_met).
      const mailed = attendees.filter((a) => a.mail_met)
      for (const m of mailed) {
        await queueTemplatedMail(trx, mailer, {
          template: 'met-prompt',
          kind: 'met-prompt',
          to: m.email,
          memberId: m.id,
          data: { name: m.full_name, ...details, others: attendees.length - 1 },
          from
        })
      }
      await markMetPromptSent(trx, event.id, now)
      return mailed.length
    })
  }
  return queued
}
