import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

// Who may see each profile field: 'members' (members who share a community), 'connections' (only people the
// member is connected with; until connections exist, nobody but the member), 'hidden' (only the member).
const DEFAULT_VISIBILITY = {
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
  email: 'connections'
}

export async function up (db: Kysely<any>): Promise<void> {
  // Trigram similarity for names ("Jon Smyth" finds "John Smith") and substring search on agencies.
  // The embedded database loads the extension's files when it starts (src/db/connect.ts).
  await sql`create extension if not exists pg_trgm`.execute(db)

  await db.schema.alterTable('members')
    .addColumn('can_help_with', 'text')
    .addColumn('looking_for', 'text')
    .addColumn('visibility', 'jsonb', (c) => c.notNull().defaultTo(sql.lit(JSON.stringify(DEFAULT_VISIBILITY))))
    .addColumn('search_doc', sql`tsvector`, (c) => c.notNull().defaultTo(sql`''::tsvector`))
    .execute()
  await db.schema.alterTable('members')
    .addCheckConstraint('members_visibility_object', sql`jsonb_typeof(visibility) = 'object'`)
    .execute()

  // True when members who share a community may see the field. A missing or unknown value counts as not shown.
  await sql`
    create function convene_member_field_shown(visibility jsonb, field text) returns boolean
    language sql immutable parallel safe as $$ select coalesce(visibility ->> field = 'members', false) $$
  `.execute(db)

  // The search document holds only what every member who shares a community may see: a hidden field cannot be
  // found by searching for it. 'simple' configuration (no stemming): the same words on PostgreSQL 15 and the
  // embedded 18, whose stemmers differ between versions. A trigger, not a generated column: array_to_string
  // is not immutable. Weights: A name; B agency, job title, expertise; C "ask me about" and "can help with"
  // (the directory's "ask me about / can help with" filter matches weight C only); D region, "looking for", bio.
  await sql`
    create function convene_members_search_doc() returns trigger language plpgsql as $$
    declare
      v jsonb := new.visibility;
    begin
      new.search_doc :=
        setweight(to_tsvector('simple', coalesce(new.full_name, '')), 'A') ||
        setweight(to_tsvector('simple',
          case when convene_member_field_shown(v, 'agency') then coalesce(new.agency, '') else '' end || ' ' ||
          case when convene_member_field_shown(v, 'job_title') then coalesce(new.job_title, '') else '' end || ' ' ||
          case when convene_member_field_shown(v, 'expertise') then coalesce(array_to_string(new.expertise, ' '), '') else '' end), 'B') ||
        setweight(to_tsvector('simple',
          case when convene_member_field_shown(v, 'ask_me_about') then coalesce(new.ask_me_about, '') else '' end || ' ' ||
          case when convene_member_field_shown(v, 'can_help_with') then coalesce(new.can_help_with, '') else '' end), 'C') ||
        setweight(to_tsvector('simple',
          case when convene_member_field_shown(v, 'region') then coalesce(new.region, '') else '' end || ' ' ||
          case when convene_member_field_shown(v, 'looking_for') then coalesce(new.looking_for, '') else '' end || ' ' ||
          case when convene_member_field_shown(v, 'bio') then coalesce(new.bio, '') else '' end), 'D');
      return new;
    end $$
  `.execute(db)
  await sql`
    create trigger convene_members_search_doc before insert or update of
      full_name, agency, job_title, region, expertise, ask_me_about, can_help_with, looking_for, bio, visibility
    on members for each row execute function convene_members_search_doc()
  `.execute(db)
  await sql`update members set visibility = visibility`.execute(db)

  await sql`create index members_search_doc_idx on members using gin (search_doc)`.execute(db)
  await sql`create index members_name_trgm_idx on members using gin (lower(full_name) gin_trgm_ops)`.execute(db)
  await sql`create index members_agency_trgm_idx on members using gin (lower(agency) gin_trgm_ops)`.execute(db)
  // The directory without a search lists by name in byte order: a page of it walks this index.
  await sql`create index members_name_order_idx on members ((lower(full_name) collate "C"), id)`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop trigger convene_members_search_doc on members`.execute(db)
  await sql`drop function convene_members_search_doc()`.execute(db)
  await sql`drop index members_search_doc_idx`.execute(db)
  await sql`drop index members_name_trgm_idx`.execute(db)
  await sql`drop index members_agency_trgm_idx`.execute(db)
  await sql`drop index members_name_order_idx`.execute(db)
  await db.schema.alterTable('members').dropConstraint('members_visibility_object').execute()
  await db.schema.alterTable('members')
    .dropColumn('can_help_with').dropColumn('looking_for').dropColumn('visibility').dropColumn('search_doc')
    .execute()
  await sql`drop function convene_member_field_shown(jsonb, text)`.execute(db)
}
