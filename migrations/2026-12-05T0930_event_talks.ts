import type { Kysely } from 'kysely'

// Frozen in time: this file must never import app code.

/*
 * Accepted talks placed on a series' meetings, and reviewers' notes sent with a decision.
 * - events.proposal_id: the talk a meeting of a series holds (its title and link on the event page). One talk per
 *   meeting (the column), one meeting per talk (the partial unique index). A deleted proposal leaves the meeting.
 * - proposals.send_review_notes: the organizers chose to send the reviewers' notes (anonymously) with a rejected
 *   or backup decision.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('events')
    .addColumn('proposal_id', 'integer', (c) => c.references('proposals.id').onDelete('set null'))
    .execute()
  await db.schema.createIndex('events_proposal_once').on('events').column('proposal_id').unique()
    .where('proposal_id', 'is not', null).execute()
  await db.schema.alterTable('proposals')
    .addColumn('send_review_notes', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('proposals').dropColumn('send_review_notes').execute()
  await db.schema.dropIndex('events_proposal_once').execute()
  await db.schema.alterTable('events').dropColumn('proposal_id').execute()
}
