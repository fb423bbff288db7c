import { Kysely } from 'kysely'

// Frozen in time: this file must never import app code.

export async function up (db: Kysely<any>): Promise<void> {
  // Who speaks at an event (free text: often a guest from outside the community). A coming occurrence of a
  // series without one is flagged to the organizers.
  await db.schema.alterTable('events').addColumn('speaker_name', 'text').execute()
  // The member's own IANA zone: event pages then also show the time there. Null = no preference.
  await db.schema.alterTable('members').addColumn('time_zone', 'text').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('members').dropColumn('time_zone').execute()
  await db.schema.alterTable('events').dropColumn('speaker_name').execute()
}
