import type { Db, MailMessage } from '../../db/database.js'
import { insertMail } from './mail.repository.js'
import type { MailFrom } from './sender.js'

/**
 * What mail needs beyond the database: the public URL (links, calendar UIDs), MAIL_FROM (the ORGANIZER
 * mailbox) and the site secret (signed RSVP links). The app passes it from its configuration.
 */
export interface MailSite {
  publicUrl: string
  mailFrom: string
  secret: string
}

/**
 * A mail subject on one line, whatever it was made from: every run of control characters (line breaks — CR,
 * LF, NEL —, tabs, the rest of C0 and C1, DEL) or line and paragraph separators, with the spaces around it,
 * becomes one space. Titles and names are typed
 * on one line (src/lib/schema.ts refuses line breaks), but a row from before that rule, or a template's own line
 * breaks, must never reach a header.
 */
export function subjectLine (subject: string): string {
  return subject.replace(/\s*[\p{Cc}\u2028\u2029]+\s*/gu, ' ').trim()
}

/** A mail's three parts, as its template says them. */
export interface ComposedMail {
  subject: string
  text: string
  html: string
}

/**
 * The port through which the domain has mail written: the domain decides who gets which mail and with what
 * data; the template (views/emails/<template>/) says it. Implemented outside the domain
 * (src/plugins/app/mailer.ts, with eta), so the domain renders no text of its own and imports no template engine.
 */
export interface Mailer {
  /** This app's site, read when asked (a test may change the public URL after the app is built). */
  readonly site: MailSite
  /** Renders views/emails/<template>/ (subject, text, html) with `data`. */
  compose (template: string, data: Record<string, unknown>): ComposedMail
}

export interface TemplatedMail {
  /** The folder under views/emails/. */
  template: string
  /** What the outbox and the X-Convene-Kind header call it (several templates may share a kind and the other way). */
  kind: string
  to: string
  memberId?: number | null
  data: Record<string, unknown>
  /** An iCalendar object and its METHOD, sent as a text/calendar part. */
  ical?: string | null
  icalMethod?: string | null
  /**
   * Who it is from, for mail on behalf of one community (`communitySender` in sender.ts): the From display name
   * and Reply-To. Left out: MAIL_FROM as configured, no Reply-To (sign-in links and other mail of the site).
   */
  from?: MailFrom | null
}

/**
 * Writes a mail from its template and queues it in the outbox. Call it with the transaction that makes the
 * change the mail is about: the mail exists if and only if the change committed.
 */
export async function queueTemplatedMail (db: Db, mailer: Mailer, mail: TemplatedMail): Promise<MailMessage> {
  const { subject, text, html } = mailer.compose(mail.template, mail.data)
  return insertMail(db, {
    kind: mail.kind,
    to: mail.to,
    memberId: mail.memberId,
    subject,
    text,
    html,
    ical: mail.ical,
    icalMethod: mail.icalMethod,
    from: mail.from
  })
}
