import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

// "Who did you meet?" after in-person events (issue 13) is mail a member may turn off on their profile, like
// reminders and calendar invitations. On by default; the question stays on the event page either way.
export async function up (db: Kysely<any>): Promise<void> {
  await sql`alter table members add column mail_met boolean not null default true`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`alter table members drop column mail_met`.execute(db)
}
