import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

// Introductions by their introducer (issue 13): the introducer's list on /profile/introductions, and how many
// they made in the last day (at most INTRODUCTIONS_PER_DAY), each one index range.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`create index introductions_by_idx on introductions (introduced_by, created_at)`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop index introductions_by_idx`.execute(db)
}
