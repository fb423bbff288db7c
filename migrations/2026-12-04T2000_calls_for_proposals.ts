import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

/*
 * Speakers: calls for proposals on an event or a series, the talk templates a proposal is written in, proposals
 * and their co-speakers, invitations to propose, reviews, coaching notes, and the agenda's sessions.
 * Template fields, formats and the rubric are JSON documents (checked by the app's schemas on the way in):
 * they are edited as a whole and read with their call or template, never queried field by field.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('talk_templates')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('community_id', 'integer', (c) => c.notNull().references('communities.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // [{ key, label, guidance, example, min, max, multiline, identifying, whyThisMatters }]
    .addColumn('fields', 'jsonb', (c) => c.notNull())
    .addColumn('archived', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('talk_templates_community_name', ['community_id', 'name'])
    .execute()

  await db.schema.createTable('calls')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('community_id', 'integer', (c) => c.notNull().references('communities.id').onDelete('cascade'))
    .addColumn('event_id', 'integer', (c) => c.references('events.id').onDelete('cascade'))
    .addColumn('series_id', 'integer', (c) => c.references('series.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('looking_for', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('opens_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closes_at', 'timestamptz', (c) => c.notNull())
    // The zone its dates were given in (the event's or the series'): pages show them there.
    .addColumn('time_zone', 'text', (c) => c.notNull())
    // [{ key, label, minutes }]
    .addColumn('formats', 'jsonb', (c) => c.notNull())
    // Names of the community's shared requirements a proposal may pick as its topic.
    .addColumn('topics', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('template_ids', sql`integer[]`, (c) => c.notNull())
    .addColumn('max_proposals_per_person', 'integer', (c) => c.notNull().defaultTo(3).check(sql`max_proposals_per_person between 1 and 20`))
    .addColumn('blind_review', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('same_agency_conflict', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('reviewers_per_proposal', 'integer', (c) => c.notNull().defaultTo(3).check(sql`reviewers_per_proposal between 1 and 10`))
    // [{ key, label, weight }]
    .addColumn('rubric', 'jsonb', (c) => c.notNull())
    // { accepted: { subject, body }, rejected: …, backup: … }: the decision mails, with placeholders.
    .addColumn('decision_mails', 'jsonb', (c) => c.notNull())
    .addColumn('confirm_reminder_days', 'integer', (c) => c.notNull().defaultTo(5).check(sql`confirm_reminder_days between 1 and 60`))
    .addColumn('decisions_released_at', 'timestamptz')
    .addColumn('created_by', 'integer', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('calls_on_one_thing', sql`(event_id is null) <> (series_id is null)`)
    .addCheckConstraint('calls_open_before_close', sql`opens_at < closes_at`)
    .execute()
  await db.schema.createIndex('calls_community_idx').on('calls').columns(['community_id', 'closes_at']).execute()
  await db.schema.createIndex('calls_event_idx').on('calls').column('event_id').execute()
  await db.schema.createIndex('calls_series_idx').on('calls').column('series_id').execute()
  // Event pages (read cache) link to the call of their event or series: a changed call drops them all (calls
  // change seldom; one coarse notice, as migration cache_notify_per_statement sends for large changes).
  await sql.raw(`
    create function convene_cache_calls() returns trigger language plpgsql as $$
    begin
      perform pg_notify('convene_cache', 'event:*');
      return null;
    end $$`).execute(db)
  for (const op of ['insert', 'update', 'delete', 'truncate']) {
    await sql.raw(`create trigger convene_cache_${op} after ${op} on calls for each statement execute function convene_cache_calls()`).execute(db)
  }

  // Members given the reviewer role for one call (organizers review every call of their community).
  await db.schema.createTable('call_reviewers')
    .addColumn('call_id', 'integer', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('added_by', 'integer', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('call_reviewers_pk', ['call_id', 'member_id'])
    .execute()

  // Story mining: an organizer asks a member to propose; the draft starts from the note.
  await db.schema.createTable('proposal_invitations')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('call_id', 'integer', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('invited_by', 'integer', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema.createTable('proposals')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('call_id', 'integer', (c) => c.notNull().references('calls.id').onDelete('cascade'))
    .addColumn('submitter_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('template_id', 'integer', (c) => c.notNull().references('talk_templates.id'))
    .addColumn('invitation_id', 'integer', (c) => c.references('proposal_invitations.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('topic', 'text')
    // { fieldKey: text } for the template's fields.
    .addColumn('answers', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // Phrases the speaker marked as identifying: hidden from reviewers while the review is blind.
    .addColumn('identifying', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('bio', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('affiliation', 'text', (c) => c.notNull().defaultTo('government')
      .check(sql`affiliation in ('government', 'contractor', 'vendor', 'academic', 'other')`))
    .addColumn('affiliation_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('pledged_at', 'timestamptz')
    .addColumn('first_time', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('wants_coaching', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('draft')
      .check(sql`state in ('draft', 'submitted', 'withdrawn')`))
    .addColumn('withdrawn_reason', 'text')
    // Decided by organizers (pending until the call's decisions are released).
    .addColumn('decision', 'text', (c) => c.check(sql`decision in ('accepted', 'rejected', 'backup')`))
    .addColumn('decided_by', 'integer', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision_mailed_at', 'timestamptz')
    .addColumn('note_to_speaker', 'text')
    // The speaker's answer to an acceptance (or a backup's offered slot).
    .addColumn('confirmation', 'text', (c) => c.check(sql`confirmation in ('confirmed', 'declined')`))
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('confirm_reminded_at', 'timestamptz')
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('proposals_call_idx').on('proposals').columns(['call_id', 'state']).execute()
  await db.schema.createIndex('proposals_submitter_idx').on('proposals').column('submitter_id').execute()

  // Co-speakers, invited by address from the proposal form; listed once they accept.
  await db.schema.createTable('proposal_speakers')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('proposal_id', 'integer', (c) => c.notNull().references('proposals.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('member_id', 'integer', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('invited').check(sql`state in ('invited', 'accepted', 'declined')`))
    .addColumn('invited_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('answered_at', 'timestamptz')
    .addUniqueConstraint('proposal_speakers_once', ['proposal_id', 'email'])
    .execute()

  await db.schema.createTable('review_assignments')
    .addColumn('proposal_id', 'integer', (c) => c.notNull().references('proposals.id').onDelete('cascade'))
    .addColumn('reviewer_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('assigned_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('review_assignments_pk', ['proposal_id', 'reviewer_id'])
    .execute()
  await db.schema.createIndex('review_assignments_reviewer_idx').on('review_assignments').column('reviewer_id').execute()

  await db.schema.createTable('reviews')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('proposal_id', 'integer', (c) => c.notNull().references('proposals.id').onDelete('cascade'))
    .addColumn('reviewer_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    // { criterionKey: 1..5 }
    .addColumn('scores', 'jsonb', (c) => c.notNull())
    // The weighted mean of the scores when the review was saved (the rubric's weights then).
    .addColumn('score', 'real', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('note_to_speaker', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('reviews_once', ['proposal_id', 'reviewer_id'])
    .execute()
  await db.schema.createIndex('reviews_reviewer_idx').on('reviews').column('reviewer_id').execute()

  await db.schema.createTable('coaching_notes')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('proposal_id', 'integer', (c) => c.notNull().references('proposals.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('coaching_notes_proposal_idx').on('coaching_notes').column('proposal_id').execute()

  // The agenda of a (multi-day) event: sessions in rooms and tracks; an accepted talk is placed in one.
  await db.schema.createTable('agenda_sessions')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('proposal_id', 'integer', (c) => c.references('proposals.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('why_this_matters', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('room', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('track', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('published', 'boolean', (c) => c.notNull().defaultTo(false))
    // Calendar files of a session: SEQUENCE goes up on every change of time or place.
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('agenda_sessions_order', sql`starts_at < ends_at`)
    .execute()
  await db.schema.createIndex('agenda_sessions_event_idx').on('agenda_sessions').columns(['event_id', 'starts_at']).execute()

  // "My agenda": the sessions a member picked.
  await db.schema.createTable('session_picks')
    .addColumn('session_id', 'integer', (c) => c.notNull().references('agenda_sessions.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('picked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('session_picks_pk', ['session_id', 'member_id'])
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const op of ['insert', 'update', 'delete', 'truncate']) await sql.raw(`drop trigger convene_cache_${op} on calls`).execute(db)
  await sql.raw('drop function convene_cache_calls()').execute(db)
  for (const table of ['session_picks', 'agenda_sessions', 'coaching_notes', 'reviews', 'review_assignments',
    'proposal_speakers', 'proposals', 'proposal_invitations', 'call_reviewers', 'calls', 'talk_templates']) {
    await db.schema.dropTable(table).execute()
  }
}
