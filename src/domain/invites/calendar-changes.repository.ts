import { sql } from 'kysely'
import type { CalendarChangeReason, Db, SessionChangeReason, SessionSnapshot } from '../../db/database.js'

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

/** Whether either queue (events' changes, agenda sessions' changes) holds a row: the worker's poll, one query. */
export async function hasQueuedChanges (db: Db): Promise<boolean> {
  const row = await db.selectNoFrom((eb) => eb.or([
    eb.exists(eb.selectFrom('calendar_changes').select('id')),
    eb.exists(eb.selectFrom('session_calendar_changes').select('id'))
  ]).as('queued')).executeTakeFirstOrThrow()
  return Boolean(row.queued)
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

// ---- Agenda sessions (session_calendar_changes): one row per member who picked the session

/**
 * Queues a change of a published session for each member who picked it. A cancellation is queued before the
 * session row (and its picks) are deleted: it carries the session as it was.
 */
export async function queueSessionChanges (trx: Db, sessionId: number, reasons: SessionChangeReason[]): Promise<void> {
  for (const reason of new Set(reasons)) {
    await trx.insertInto('session_calendar_changes')
      .columns(['session_id', 'event_id', 'member_id', 'reason', 'snapshot'])
      .expression((eb) => eb.selectFrom('session_picks')
        .innerJoin('agenda_sessions', 'agenda_sessions.id', 'session_picks.session_id')
        .select([
          'agenda_sessions.id',
          'agenda_sessions.event_id',
          'session_picks.member_id',
          sql.lit(reason).as('reason'),
          reason === 'cancelled'
            ? sql<string>`jsonb_build_object('title', agenda_sessions.title, 'why_this_matters', agenda_sessions.why_this_matters,
                'starts_at', agenda_sessions.starts_at, 'ends_at', agenda_sessions.ends_at, 'room', agenda_sessions.room,
                'sequence', agenda_sessions.sequence)`.as('snapshot')
            : sql<string | null>`null::jsonb`.as('snapshot')
        ])
        .where('agenda_sessions.id', '=', sessionId).where('agenda_sessions.published', '=', true))
      .execute()
  }
}

export interface QueuedSessionChange {
  id: number
  session_id: number
  event_id: number
  member_id: number
  reason: SessionChangeReason
  snapshot: SessionSnapshot | null
}

/** Takes up to `limit` of the oldest queued session changes (as `takeChanges`), oldest first. */
export async function takeSessionChanges (trx: Db, limit: number): Promise<QueuedSessionChange[]> {
  const rows = await trx.deleteFrom('session_calendar_changes')
    .where('id', 'in', (eb) => eb.selectFrom('session_calendar_changes').select('id').orderBy('id').limit(limit).forUpdate().skipLocked())
    .returning(['id', 'session_id', 'event_id', 'member_id', 'reason', 'snapshot'])
    .execute()
  return rows.map((r) => ({ ...r, id: Number(r.id) })).sort((a, b) => a.id - b.id)
}
