import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

// "People you haven't met yet" (issue 13), the other way round: members whose "I'm looking for" holds words of
// what the viewer "can help with" or is asked about. Like the other sources, an index over opted-in members only
// and only what they show to members (here, "I'm looking for").
export async function up (db: Kysely<any>): Promise<void> {
  await sql`
    create function convene_suggest_wants(visibility jsonb, looking_for text) returns tsvector
    language sql immutable parallel safe as $$
      select to_tsvector('simple'::regconfig,
        case when public.convene_member_field_shown(visibility, 'looking_for') then coalesce(looking_for, '') else '' end)
    $$
  `.execute(db)
  await sql`create index members_suggest_wants_idx on members using gin (convene_suggest_wants(visibility, looking_for)) where suggestions_opt_in`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop index members_suggest_wants_idx`.execute(db)
  await sql`drop function convene_suggest_wants(jsonb, text)`.execute(db)
}
