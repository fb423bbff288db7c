import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

// Who met whom (issue 13). A member records that they met someone ("met"); when both have, the two are
// connected. Introductions connect two members when both accept. Either side can remove a connection; the pair is
// then remembered so that it is never suggested again.

export async function up (db: Kysely<any>): Promise<void> {
  // One-sided: `member_id` says they met `met_id`, at `event_id` (an in-person event both were checked in at) or
  // by scanning the other's QR code (the latest in-person event both were checked in at, or none).
  await db.schema.createTable('met_marks')
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('met_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('event_id', 'integer', (c) => c.references('events.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('met_marks_pkey', ['member_id', 'met_id'])
    .addCheckConstraint('met_marks_not_self', sql`member_id <> met_id`)
    .execute()
  // "Who says they met me?" (the confirmations waiting for a member).
  await db.schema.createIndex('met_marks_met_idx').on('met_marks').column('met_id').execute()
  await db.schema.createIndex('met_marks_event_idx').on('met_marks').column('event_id').execute()

  await db.schema.createTable('introductions')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('introduced_by', 'integer', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('member_a', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('member_b', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    // The community the introducer shares with both (where the introduction is seen as coming from).
    .addColumn('community_id', 'integer', (c) => c.references('communities.id').onDelete('set null'))
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('a_accepted_at', 'timestamptz')
    .addColumn('b_accepted_at', 'timestamptz')
    .addColumn('declined_at', 'timestamptz')
    .addColumn('declined_by', 'integer', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('introductions_pair_order', sql`member_a < member_b`)
    .execute()
  await db.schema.createIndex('introductions_a_idx').on('introductions').column('member_a').execute()
  await db.schema.createIndex('introductions_b_idx').on('introductions').column('member_b').execute()
  // At most one open introduction of a pair at a time.
  await sql`create unique index introductions_open_pair_key on introductions (member_a, member_b)
    where declined_at is null and (a_accepted_at is null or b_accepted_at is null)`.execute(db)

  // A connection, once per pair (member_a < member_b), kept with how it was made.
  await db.schema.createTable('connections')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('member_a', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('member_b', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    // Where they met (null when that event is gone, or for an introduction).
    .addColumn('event_id', 'integer', (c) => c.references('events.id').onDelete('set null'))
    .addColumn('introduction_id', 'integer', (c) => c.references('introductions.id').onDelete('set null'))
    .addColumn('introduced_by', 'integer', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('connections_pair_order', sql`member_a < member_b`)
    .addUniqueConstraint('connections_pair_key', ['member_a', 'member_b'])
    .execute()
  // A member's connections are those where they are either side: (member_a, …) is the unique key's index.
  await db.schema.createIndex('connections_b_idx').on('connections').columns(['member_b', 'member_a']).execute()
  await db.schema.createIndex('connections_event_idx').on('connections').column('event_id').execute()

  // Pairs whose connection was removed: never suggested to each other again.
  await db.schema.createTable('connection_removals')
    .addColumn('member_a', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('member_b', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('removed_by', 'integer', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('removed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('connection_removals_pair_order', sql`member_a < member_b`)
    .addPrimaryKeyConstraint('connection_removals_pkey', ['member_a', 'member_b'])
    .execute()
  await db.schema.createIndex('connection_removals_b_idx').on('connection_removals').column('member_b').execute()

  await db.schema.alterTable('members')
    // The member's personal QR code holds this (random, regenerable): it identifies, never signs anyone in.
    .addColumn('met_code', 'text')
    // Opted in to "people you haven't met yet" (shown suggestions, and suggested to others).
    .addColumn('suggestions_opt_in', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute()
  await db.schema.createIndex('members_met_code_key').on('members').column('met_code').unique().execute()

  // The "Who did you meet?" mail after an in-person event: sent once per event.
  await db.schema.alterTable('events').addColumn('met_prompt_sent_at', 'timestamptz').execute()

  // Two more fields a member chooses who sees: the talks they gave, and their connections.
  await sql`update members set visibility = jsonb_build_object('talks_given', 'members', 'connections', 'connections') || visibility`.execute(db)
  await sql`alter table members alter column visibility set default ${sql.lit(JSON.stringify({
    agency: 'members',
    job_title: 'members',
    region: 'members',
    expertise: 'members',
    ask_me_about: 'members',
    can_help_with: 'members',
    looking_for: 'members',
    bio: 'members',
    communities: 'members',
    events_attended: 'members',
    talks_given: 'members',
    connections: 'connections',
    email: 'connections'
  }))}::jsonb`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('events').dropColumn('met_prompt_sent_at').execute()
  await db.schema.dropIndex('members_met_code_key').execute()
  await db.schema.alterTable('members').dropColumn('met_code').dropColumn('suggestions_opt_in').execute()
  for (const t of ['connection_removals', 'connections', 'introductions', 'met_marks']) await db.schema.dropTable(t).execute()
  await sql`update members set visibility = visibility - 'talks_given' - 'connections'`.execute(db)
}
