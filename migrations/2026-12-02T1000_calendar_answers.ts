import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

export async function up (db: Kysely<any>): Promise<void> {
  // Answers whose calendar mail the worker has yet to send (an outbox, written in the answer's transaction).
  // One row per answer; the worker compares the member's answer now with what their calendar holds.
  await db.schema.createTable('calendar_answers')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('answered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // The answer (PARTSTAT) the held invite carries, so answering the same again sends nothing. Null: unknown
  // (invites sent before this column, or an organizer's invitation before any answer).
  await db.schema.alterTable('calendar_invites')
    .addColumn('rsvp_status', 'text', (c) => c.check(sql`rsvp_status in ('going', 'maybe', 'declined', 'waitlisted')`))
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('calendar_invites').dropColumn('rsvp_status').execute()
  await db.schema.dropTable('calendar_answers').execute()
}
