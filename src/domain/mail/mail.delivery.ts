import type { SendMailOptions } from 'nodemailer'
import type { Db, MailMessage } from '../../db/database.js'
import type { MailSender } from '../../infra/mail/transport.js'
import { subjectLine } from './mailer.js'
import { messageSender } from './sender.js'
import { claimDueMail, databaseNow, hasDueMail, markMailAttemptFailed, markMailSent } from './mail.repository.js'

/**
 * The message as nodemailer sends it: one recipient; an iCalendar part inside multipart/alternative. From is
 * always MAIL_FROM's address (`mailFrom`), with the row's display name when it has one; Reply-To when the row
 * has one. Both go to nodemailer as address objects, so it quotes and encodes names (never glued into a string).
 */
export function composeMail (row: MailMessage, mailFrom: string): SendMailOptions {
  const { from, replyTo } = messageSender(row, mailFrom)
  return {
    from,
    ...(replyTo ? { replyTo } : {}),
    to: row.to_address,
    // Queued before subjects were kept to one line, a row may hold a line break: never into the header.
    subject: subjectLine(row.subject),
    text: row.text_body,
    ...(row.html_body ? { html: row.html_body } : {}),
    ...(row.ical ? { icalEvent: { method: row.ical_method ?? 'PUBLISH', content: row.ical } } : {}),
    headers: { 'X-Convene-Kind': row.kind }
  }
}

export const MAX_ATTEMPTS = 10
const BASE_DELAY_MS = 60_000
const MAX_DELAY_MS = 4 * 60 * 60_000
/**
 * How long a claimed message is reserved for the process sending it: longer than a batch can take with every
 * SMTP timeout reached (CLAIM_BATCH × (10 + 10 + 30 s), src/infra/mail/transport.ts). A process killed mid-send
 * holds back only its batch, this long; the rest of the outbox goes out at once.
 */
const CLAIM_MS = 5 * 60_000
const CLAIM_BATCH = 5

/** The wait before the next attempt after `attempts` failures: 1 min, 2, 4, … at most 4 hours. */
export function retryDelayMs (attempts: number): number {
  return Math.min(BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1), MAX_DELAY_MS)
}

export interface DeliveryOptions {
  /** Defaults to the current time (tests move it forward). */
  now?: Date
  batchSize?: number
  maxAttempts?: number
}

export interface DeliveryResult {
  sent: number
  retrying: number
  failed: number
}

/**
 * Delivers the messages due now, once (one batch): each is sent and marked sent, or its error is recorded and it
 * is retried later with exponential back-off, or marked 'failed' after `maxAttempts`. Never throws for a send
 * failure. Safe to run in several processes at once (rows are claimed with FOR UPDATE SKIP LOCKED).
 */
export async function deliverDueMail (db: Db, sender: MailSender, opts: DeliveryOptions = {}): Promise<DeliveryResult> {
  // The database's clock, not this process's: next_attempt_at defaults to the database's now(), and several
  // app processes may disagree by a few milliseconds.
  const now = opts.now ?? await databaseNow(db)
  const maxAttempts = opts.maxAttempts ?? MAX_ATTEMPTS
  const result: DeliveryResult = { sent: 0, retrying: 0, failed: 0 }
  const claimed = await claimDueMail(db, now, new Date(now.getTime() + CLAIM_MS), opts.batchSize ?? CLAIM_BATCH)
  for (const row of claimed) {
    try {
      await sender.transport.sendMail(composeMail(row, sender.from))
      await markMailSent(db, row.id, new Date())
      result.sent++
    } catch (err) {
      const attempts = row.attempts + 1
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000) || 'Unknown error'
      const next = attempts >= maxAttempts ? null : new Date(now.getTime() + retryDelayMs(attempts))
      await markMailAttemptFailed(db, row.id, message, next)
      if (next) result.retrying++
      else result.failed++
    }
  }
  return result
}

/** Delivers batches until nothing is due (bounded, so one run cannot go on forever). */
export async function deliverAllDueMail (db: Db, sender: MailSender, opts: DeliveryOptions & { maxBatches?: number } = {}): Promise<DeliveryResult> {
  const total: DeliveryResult = { sent: 0, retrying: 0, failed: 0 }
  for (let i = 0; i < (opts.maxBatches ?? 200); i++) {
    const r = await deliverDueMail(db, sender, opts)
    total.sent += r.sent
    total.retrying += r.retrying
    total.failed += r.failed
    if (r.sent + r.retrying + r.failed === 0) break
  }
  return total
}

export { hasDueMail }
