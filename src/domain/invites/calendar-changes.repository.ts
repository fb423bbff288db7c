import type { CalendarChangeReason, Db } from '../../db/database.js'

/*
 * The queue of calendar changes (`calendar_changes`): what changed for whose calendar, written in the change's
 * own transaction (so a row exists exactly when its change committed) and turned into mail by the worker
 * (`sendCalendarChanges`, invites.service.ts). Writers need only this file: no mail, no configuration.
 */

export type MemberReason = Extract<CalendarChangeReason, 'answer' | 'promoted' | 'invited'>
export type EventReason = Extract<CalendarChangeReason, 'time' | 'place' | 'cancelled'>

/** One member's own change: their answer, their promotion from the waitlist, an organizer's invitation. */
export async function queueMemberChanges (trx: Db, eventId: number, memberIds: number[], reason: MemberReason): Promise<void> {
  if (!memberIds.length) return
  await trx.insertInto('calendar_changes').values(memberIds.map((member_id) => ({ event_id: eventId, member_id, reason }))).execute()
}

/** A change of the event itself, for everyone it concerns (who answered, who holds its invite): worked out by the worker. */
export async function queueEventChanges (trx: Db, eventId: number, reasons: EventReason[]): Promise<void> {
  if (!reasons.length) return
  await trx.insertInto('calendar_changes').values(reasons.map((reason) => ({ event_id: eventId, member_id: null, reason }))).execute()
}

export async function hasQueuedChanges (db: Db): Promise<boolean> {
  return Boolean(await db.selectFrom('calendar_changes').select('id').limit(1).executeTakeFirst())
}

export interface QueuedChange {
  id: number
  event_id: number
  member_id: number | null
  reason: CalendarChangeReason
}

/**
 * Takes up to `limit` of the oldest queued changes off the queue (rows another worker holds are skipped),
 * oldest first. Call inside the transaction that sends their mail: if it fails, the changes are back on the queue.
 */
export async function takeChanges (trx: Db, limit: number): Promise<QueuedChange[]> {
  const rows = await trx.deleteFrom('calendar_changes')
    .where('id', 'in', (eb) => eb.selectFrom('calendar_changes').select('id').orderBy('id').limit(limit).forUpdate().skipLocked())
    .returning(['id', 'event_id', 'member_id', 'reason'])
    .execute()
  return rows.map((r) => ({ ...r, id: Number(r.id) })).sort((a, b) => a.id - b.id)
}
