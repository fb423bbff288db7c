import { Kysely } from 'kysely'

// Frozen in time: this file must never import app code.

export async function up (db: Kysely<any>): Promise<void> {
  // A member's calendar-feed URL is signed over (member id, feed_version): "regenerate" bumps the version, and
  // every earlier feed URL stops working.
  await db.schema.alterTable('members')
    .addColumn('feed_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('members').dropColumn('feed_version').execute()
}
