import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

export async function up (db: Kysely<any>): Promise<void> {
  // Signed RSVP links carry the version current when they were made; bumping it revokes every earlier link of
  // that member for that event. No row means version 0.
  await db.schema.createTable('rsvp_link_versions')
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('rsvp_link_versions_pkey', ['event_id', 'member_id'])
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rsvp_link_versions').execute()
}
