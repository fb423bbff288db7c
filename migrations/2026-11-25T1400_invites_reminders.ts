import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

export async function up (db: Kysely<any>): Promise<void> {
  // Who holds a calendar invite (iTIP REQUEST) for an event, and at which SEQUENCE; method CANCEL once we
  // took it off their calendar. Updates and cancellations go to the holders.
  await db.schema.createTable('calendar_invites')
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('REQUEST', 'CANCEL')`))
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('calendar_invites_pkey', ['event_id', 'member_id'])
    .execute()
  await db.schema.createIndex('calendar_invites_member_idx').on('calendar_invites').column('member_id').execute()

  // Minutes before the start at which those going get a reminder (default: a day and an hour).
  await db.schema.alterTable('events')
    .addColumn('reminder_offsets_minutes', sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{1440,60}'::integer[]`))
    .execute()

  // One row per reminder sent: the unique key is what makes "never twice" hold, even with several workers.
  // The start it was sent for is part of the key: an event moved to a new time gets its reminders again.
  await db.schema.createTable('reminders_sent')
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('offset_minutes', 'integer', (c) => c.notNull())
    .addColumn('for_starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('reminders_sent_pkey', ['event_id', 'member_id', 'offset_minutes', 'for_starts_at'])
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reminders_sent').execute()
  await db.schema.alterTable('events').dropColumn('reminder_offsets_minutes').execute()
  await db.schema.dropTable('calendar_invites').execute()
}
