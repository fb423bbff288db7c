import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

// "People you haven't met yet" (issue 13). Suggestions start from small candidate sets found through indexes
// that hold only members who opted in (members.suggestions_opt_in) and only what they show to members: the
// same areas of expertise (lower-cased), words of "ask me about" / "can help with", the same
// state or territory. Members who did not opt in are not in these indexes at all.

// Index expressions are computed with search_path = pg_catalog (PostgreSQL 17 and the embedded database): the
// functions they call name the schema of ours.
export async function up (db: Kysely<any>): Promise<void> {
  // The areas of expertise the member shows to members, lower-cased; none when the field is not shown.
  await sql`
    create function convene_suggest_tags(visibility jsonb, expertise text[]) returns text[]
    language sql immutable parallel safe as $$
      select case when public.convene_member_field_shown(visibility, 'expertise')
        then coalesce(array(select distinct lower(e) from unnest(expertise) e), '{}') else '{}' end
    $$
  `.execute(db)
  // The state or territory of the region the member shows to members ("Richmond, Virginia" → "Virginia"), or null.
  await sql`
    create function convene_suggest_state(visibility jsonb, region text) returns text
    language sql immutable parallel safe as $$
      select case when public.convene_member_field_shown(visibility, 'region') then nullif(regexp_replace(region, '^.*, ', ''), '') end
    $$
  `.execute(db)
  // "Ask me about" and "can help with" as the member shows them to members: what someone's "looking for" is
  // matched against. Its own document (not the directory's weight C), so that the index finds only these words.
  await sql`
    create function convene_suggest_help(visibility jsonb, ask_me_about text, can_help_with text) returns tsvector
    language sql immutable parallel safe as $$
      select to_tsvector('simple'::regconfig,
        case when public.convene_member_field_shown(visibility, 'ask_me_about') then coalesce(ask_me_about, '') else '' end || ' ' ||
        case when public.convene_member_field_shown(visibility, 'can_help_with') then coalesce(can_help_with, '') else '' end)
    $$
  `.execute(db)
  await sql`create index members_suggest_tags_idx on members using gin (convene_suggest_tags(visibility, expertise)) where suggestions_opt_in`.execute(db)
  await sql`create index members_suggest_state_idx on members (convene_suggest_state(visibility, region)) where suggestions_opt_in`.execute(db)
  await sql`create index members_suggest_help_idx on members using gin (convene_suggest_help(visibility, ask_me_about, can_help_with)) where suggestions_opt_in`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop index members_suggest_help_idx`.execute(db)
  await sql`drop index members_suggest_state_idx`.execute(db)
  await sql`drop index members_suggest_tags_idx`.execute(db)
  await sql`drop function convene_suggest_state(jsonb, text)`.execute(db)
  await sql`drop function convene_suggest_help(jsonb, text, text)`.execute(db)
  await sql`drop function convene_suggest_tags(jsonb, text[])`.execute(db)
}
