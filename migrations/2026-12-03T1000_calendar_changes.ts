import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

export async function up (db: Kysely<any>): Promise<void> {
  // Changes whose calendar mail the worker has yet to send (an outbox, written in the change's transaction).
  // It replaces calendar_answers: an answer is one reason among others. member_id null: every member the event
  // concerns (a change of time or place, a cancellation). The worker brings each member's calendar in line with
  // the state then, so several changes before it runs give one message.
  await db.schema.createTable('calendar_changes')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.references('members.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull()
      .check(sql`reason in ('answer', 'promoted', 'invited', 'time', 'place', 'cancelled')`))
    .addColumn('queued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('calendar_changes_member_reason',
      sql`(member_id is null) = (reason in ('time', 'place', 'cancelled'))`)
    .execute()
  await sql`insert into calendar_changes (event_id, member_id, reason, queued_at)
    select event_id, member_id, 'answer', answered_at from calendar_answers order by id`.execute(db)
  await db.schema.dropTable('calendar_answers').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('calendar_answers')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('answered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // Only answers fit the old table; the other changes' mail is lost on the way down.
  await sql`insert into calendar_answers (event_id, member_id, answered_at)
    select event_id, member_id, queued_at from calendar_changes where reason = 'answer' order by id`.execute(db)
  await db.schema.dropTable('calendar_changes').execute()
}
