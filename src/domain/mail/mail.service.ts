import type { Db, MailMessage } from '../../db/database.js'
import { countMail, findMail, insertMail, listMail, type OutgoingMail } from './mail.repository.js'
import { mailboxText, messageSender } from './sender.js'

export type { OutgoingMail }

/**
 * Queues a message already written in the outbox (tests and tools). The domain's mail is written from its
 * template and queued by `queueTemplatedMail` (mailer.ts), in the transaction of the change it is about.
 */
export async function queueMail (db: Db, mail: OutgoingMail): Promise<MailMessage> {
  return insertMail(db, mail)
}

export const MAILBOX_PAGE_SIZE = 50

/** One page of the dev mailbox, newest first, each message with its From as it is sent (`mailFrom`: MAIL_FROM). */
export async function mailboxPage (db: Db, page: number, mailFrom: string) {
  const total = await countMail(db)
  const pages = Math.max(1, Math.ceil(total / MAILBOX_PAGE_SIZE))
  const rows = page <= pages ? await listMail(db, MAILBOX_PAGE_SIZE, (page - 1) * MAILBOX_PAGE_SIZE) : []
  const messages = rows.map((m) => ({ ...m, from: mailboxText(messageSender(m, mailFrom).from) }))
  return { messages, total, page, pages }
}

/** One message of the dev mailbox, with its From and Reply-To as they are sent (`mailFrom`: MAIL_FROM). */
export async function mailboxMessage (db: Db, id: number, mailFrom: string): Promise<(MailMessage & { from: string, replyTo: string | null }) | undefined> {
  const row = await findMail(db, id)
  if (!row) return undefined
  const sender = messageSender(row, mailFrom)
  return { ...row, from: mailboxText(sender.from), replyTo: sender.replyTo ? mailboxText(sender.replyTo) : null }
}
