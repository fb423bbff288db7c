import { sql } from 'kysely'
import type { Db, MailMessage } from '../../db/database.js'
import type { MailFrom } from './sender.js'

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
  /** The From display name and Reply-To (sender.ts); null: MAIL_FROM as configured. */
  from?: MailFrom | null
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
    ical_method: mail.icalMethod ?? null,
    from_name: mail.from?.name ?? null,
    reply_to: mail.from?.replyTo?.address ?? null,
    reply_to_name: mail.from?.replyTo?.name ?? null
  }).returningAll().executeTakeFirstOrThrow()
}

/**
 * Claims up to `limit` due messages for this process: rows locked by another process are skipped, and each
 * claimed row's next attempt moves to `leaseUntil`, so no other worker takes it while it is being sent (and a
 * worker that dies mid-send leaves it to be retried after the lease).
 */
export async function claimDueMail (db: Db, now: Date, leaseUntil: Date, limit: number): Promise<MailMessage[]> {
  return db.updateTable('mail_messages')
    .set({ next_attempt_at: leaseUntil })
    .where('id', 'in', (eb) => eb.selectFrom('mail_messages').select('id')
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at').orderBy('id')
      .limit(limit)
      .forUpdate().skipLocked())
    .returningAll()
    .execute()
}

export async function hasDueMail (db: Db, now: Date): Promise<boolean> {
  const row = await db.selectFrom('mail_messages').select('id')
    .where('status', '=', 'queued').where('next_attempt_at', '<=', now)
    .limit(1).executeTakeFirst()
  return Boolean(row)
}

export async function markMailSent (db: Db, id: number, at: Date): Promise<void> {
  await db.updateTable('mail_messages')
    .set((eb) => ({ status: 'sent', sent_at: at, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id).execute()
}

/** Records a failed attempt: retried at `nextAttemptAt`, or given up ('failed') when that is null. */
export async function markMailAttemptFailed (db: Db, id: number, error: string, nextAttemptAt: Date | null): Promise<void> {
  await db.updateTable('mail_messages')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: error,
      ...(nextAttemptAt ? { next_attempt_at: nextAttemptAt } : { status: 'failed' as const })
    }))
    .where('id', '=', id).execute()
}

export type MailSummary = Pick<MailMessage, 'id' | 'kind' | 'to_address' | 'subject' | 'status' | 'attempts' | 'created_at' | 'sent_at' | 'from_name' | 'reply_to' | 'reply_to_name'> & { has_ical: boolean }

/** The newest messages first. */
export async function listMail (db: Db, limit: number, offset: number): Promise<MailSummary[]> {
  return db.selectFrom('mail_messages')
    .select(['id', 'kind', 'to_address', 'subject', 'status', 'attempts', 'created_at', 'sent_at', 'from_name', 'reply_to', 'reply_to_name'])
    .select((eb) => eb('ical', 'is not', null).$castTo<boolean>().as('has_ical'))
    .orderBy('id', 'desc').limit(limit).offset(offset)
    .execute()
}

export async function countMail (db: Db): Promise<number> {
  const row = await db.selectFrom('mail_messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function findMail (db: Db, id: number): Promise<MailMessage | undefined> {
  return db.selectFrom('mail_messages').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function databaseNow (db: Db): Promise<Date> {
  const row = await db.selectNoFrom(sql<Date>`clock_timestamp()`.as('now')).executeTakeFirstOrThrow()
  return row.now
}

/** Deletes every message to the member (sent or not): their copy in the outbox and the dev mailbox. */
export async function deleteMailOf (db: Db, memberId: number, email: string): Promise<void> {
  await db.deleteFrom('mail_messages')
    .where((w) => w.or([w('member_id', '=', memberId), w(w.fn('lower', ['to_address']), '=', email.toLowerCase())])).execute()
}
