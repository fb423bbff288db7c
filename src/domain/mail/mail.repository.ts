import type { Db, MailMessage } from '../../db/database.js'

export interface OutgoingMail {
  kind: string
  to: string
  memberId?: number | null
  subject: string
  text: string
  html?: string | null
  /** An iCalendar object and its METHOD (REQUEST, CANCEL, PUBLISH), sent as a text/calendar part. */
  ical?: string | null
  icalMethod?: string | null
}

export async function insertMail (db: Db, mail: OutgoingMail): Promise<MailMessage> {
  return db.insertInto('mail_messages').values({
    kind: mail.kind,
    to_address: mail.to,
    member_id: mail.memberId ?? null,
    subject: mail.subject,
    text_body: mail.text,
    html_body: mail.html ?? null,
    ical: mail.ical ?? null,
    ical_method: mail.icalMethod ?? null
  }).returningAll().executeTakeFirstOrThrow()
}
