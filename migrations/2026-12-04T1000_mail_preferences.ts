import { Kysely } from 'kysely'

// Frozen in time: this file must never import app code.

export async function up (db: Kysely<any>): Promise<void> {
  // What a member lets Convene mail them beyond what it must (sign-in links, cancellations, a waitlist place…):
  // reminders before events they are going to, and calendar invitations for the events they answer.
  await db.schema.alterTable('members')
    .addColumn('mail_reminders', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('mail_calendar', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('members').dropColumn('mail_reminders').dropColumn('mail_calendar').execute()
}
