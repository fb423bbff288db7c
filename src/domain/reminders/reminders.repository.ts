import { sql } from 'kysely'
import type { Db, Event } from '../../db/database.js'

/**
 * Published events that have not started and have at least one reminder offset whose time has come, in
 * communities that are not archived (an archived community is read-only and sends nothing).
 */
export async function listEventsWithDueReminders (db: Db, now: Date): Promise<Array<{ id: number }>> {
  return db.selectFrom('events').select('id')
    .where('status', '=', 'published')
    .where('starts_at', '>', now)
    .where(({ exists, selectFrom }) => exists(selectFrom('communities').select('communities.id')
      .whereRef('communities.id', '=', 'events.community_id').where('communities.archived_at', 'is', null)))
    .where(sql<boolean>`exists (select 1 from unnest(events.reminder_offsets_minutes) as o(m) where events.starts_at - make_interval(mins => o.m) <= ${now})`)
    .orderBy('starts_at').execute()
}

/**
 * Members of the event's community going to it, who want reminders (`members.mail_reminders`) and have had no
 * reminder `offset` minutes before its current start.
 */
export async function listGoingNotReminded (db: Db, event: Pick<Event, 'id' | 'community_id' | 'starts_at'>, offset: number) {
  return db.selectFrom('rsvps').innerJoin('members', 'members.id', 'rsvps.member_id')
    .innerJoin('memberships', (j) => j.onRef('memberships.member_id', '=', 'members.id').on('memberships.community_id', '=', event.community_id))
    .select(['members.id', 'members.email', 'members.full_name'])
    .where('rsvps.event_id', '=', event.id).where('rsvps.status', '=', 'going')
    .where('members.mail_reminders', '=', true)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('reminders_sent').select('reminders_sent.member_id')
      .whereRef('reminders_sent.member_id', '=', 'members.id').where('reminders_sent.event_id', '=', event.id)
      .where('reminders_sent.offset_minutes', '=', offset).where('reminders_sent.for_starts_at', '=', event.starts_at))))
    .orderBy('members.id').execute()
}

/**
 * Records the reminders at these offsets as sent to the member for the event's current start; returns the
 * offsets that were new (a row already there — another worker, an earlier pass — is left alone).
 */
export async function recordReminders (db: Db, event: Pick<Event, 'id' | 'starts_at'>, memberId: number, offsets: number[]): Promise<number[]> {
  const rows = await db.insertInto('reminders_sent')
    .values(offsets.map((offset) => ({ event_id: event.id, member_id: memberId, offset_minutes: offset, for_starts_at: event.starts_at })))
    .onConflict((oc) => oc.columns(['event_id', 'member_id', 'offset_minutes', 'for_starts_at']).doNothing())
    .returning('offset_minutes').execute()
  return rows.map((r) => r.offset_minutes)
}
