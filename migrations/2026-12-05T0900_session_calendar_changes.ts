import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

/*
 * The agenda's calendar mail, and the event page's link to the agenda.
 *
 * session_calendar_changes: a sibling of calendar_changes, drained by the same job (`calendar.changes`) in the
 * same pass. One row per member who picked a published session whose time or place changed, or that was
 * cancelled (deleted): the worker sends each member one REQUEST (the session's latest SEQUENCE) or CANCEL,
 * however many rows piled up. No foreign key to agenda_sessions: a cancellation is queued just before the
 * session row is deleted, so the row carries a snapshot of the session as it was.
 *
 * agenda_sessions now tells the read cache of event pages (`event:<id>`) when it changes, so the event page's
 * "Agenda" link (shown once a session is published) appears and goes without a query per view.
 */
const OPS = ['insert', 'update', 'delete'] as const

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('session_calendar_changes')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('session_id', 'integer', (c) => c.notNull())
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('time', 'place', 'cancelled')`))
    // { title, why_this_matters, starts_at, ends_at, room, sequence } of a cancelled session.
    .addColumn('snapshot', 'jsonb')
    .addColumn('queued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('session_calendar_changes_snapshot', sql`(reason = 'cancelled') = (snapshot is not null)`)
    .execute()
  await db.schema.createIndex('session_calendar_changes_session_idx').on('session_calendar_changes').column('session_id').execute()

  for (const op of OPS) {
    const rows = op === 'insert' ? 'new_rows' : op === 'delete' ? 'old_rows' : '(select * from old_rows union all select * from new_rows)'
    const referencing = op === 'insert' ? 'new table as new_rows' : op === 'delete' ? 'old table as old_rows' : 'old table as old_rows new table as new_rows'
    await sql.raw(`
      create function agenda_cache_sessions_${op}() returns trigger language plpgsql as $$
      begin
        perform convene_cache_send(array(select distinct 'event:' || r.event_id from ${rows} r order by 1));
        return null;
      end $$`).execute(db)
    await sql.raw(`create trigger convene_cache_${op} after ${op} on agenda_sessions
      referencing ${referencing} for each statement execute function agenda_cache_sessions_${op}()`).execute(db)
  }
  await sql.raw(`
    create function agenda_cache_sessions_truncate() returns trigger language plpgsql as $$
    begin
      perform pg_notify('convene_cache', 'event:*');
      return null;
    end $$`).execute(db)
  await sql.raw(`create trigger convene_cache_truncate after truncate on agenda_sessions
    for each statement execute function agenda_cache_sessions_truncate()`).execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const op of [...OPS, 'truncate']) {
    await sql.raw(`drop trigger convene_cache_${op} on agenda_sessions`).execute(db)
    await sql.raw(`drop function agenda_cache_sessions_${op}()`).execute(db)
  }
  await db.schema.dropTable('session_calendar_changes').execute()
}
