import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

export async function up (db: Kysely<any>): Promise<void> {
  // What organizers and site admins did: who, what, in which community, to what, why, when. Written in the
  // transaction of the action itself, so an entry exists exactly when the action committed. The actor's and the
  // target's names are kept as text: the log still reads after a member or an event is gone.
  await db.schema.createTable('audit_entries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_id', 'integer', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('community_id', 'integer', (c) => c.references('communities.id').onDelete('cascade'))
    .addColumn('target', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('reason', 'text')
    .execute()
  await db.schema.createIndex('audit_entries_community').on('audit_entries').columns(['community_id', 'id']).execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_entries').execute()
}
