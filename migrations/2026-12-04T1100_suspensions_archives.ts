import { Kysely } from 'kysely'

// Frozen in time: this file must never import app code.

export async function up (db: Kysely<any>): Promise<void> {
  // A suspended member keeps their membership row (they cannot simply ask to join again) but counts as a member
  // nowhere: no members-only page, no answer. The reason and who decided are in the audit log as well.
  await db.schema.alterTable('memberships')
    .addColumn('suspended_at', 'timestamptz')
    .addColumn('suspended_reason', 'text')
    .execute()
  // A deactivated account cannot sign in; its rows stay (the record of what it did).
  await db.schema.alterTable('members').addColumn('deactivated_at', 'timestamptz').execute()
  // An archived community leaves the home page's list and takes no new members, answers or changes.
  await db.schema.alterTable('communities').addColumn('archived_at', 'timestamptz').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('communities').dropColumn('archived_at').execute()
  await db.schema.alterTable('members').dropColumn('deactivated_at').execute()
  await db.schema.alterTable('memberships').dropColumn('suspended_at').dropColumn('suspended_reason').execute()
}
