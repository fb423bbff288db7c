import { Kysely } from 'kysely'

// Frozen in time: this file must never import app code.

export async function up (db: Kysely<any>): Promise<void> {
  // Where replies to the community's mail go (optional): an organizers' shared mailbox, say. Mail itself is
  // always sent from MAIL_FROM's address (SPF, DKIM, DMARC): only the display name and Reply-To speak for the community.
  await db.schema.alterTable('communities').addColumn('contact_email', 'text').execute()
  // Who a message is from, as the code that queued it decided: the From display name (the address is always
  // MAIL_FROM's) and a Reply-To. Null: MAIL_FROM as it is, no Reply-To (the rows queued before this).
  await db.schema.alterTable('mail_messages')
    .addColumn('from_name', 'text')
    .addColumn('reply_to', 'text')
    .addColumn('reply_to_name', 'text')
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mail_messages').dropColumn('from_name').dropColumn('reply_to').dropColumn('reply_to_name').execute()
  await db.schema.alterTable('communities').dropColumn('contact_email').execute()
}
