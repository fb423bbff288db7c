import type { Db, MailMessage } from '../../db/database.js'
import { countMail, findMail, insertMail, listMail, type OutgoingMail } from './mail.repository.js'

export type { OutgoingMail }

/**
 * Queues a message already written in the outbox (tests and tools). The domain's mail is written from its
 * template and queued by `queueTemplatedMail` (mailer.ts), in the transaction of the change it is about.
 */
export async function queueMail (db: Db, mail: OutgoingMail): Promise<MailMessage> {
  return insertMail(db, mail)
}

export const MAILBOX_PAGE_SIZE = 50

/** One page of the dev mailbox, newest first. */
export async function mailboxPage (db: Db, page: number) {
  const total = await countMail(db)
  const pages = Math.max(1, Math.ceil(total / MAILBOX_PAGE_SIZE))
  const messages = page <= pages ? await listMail(db, MAILBOX_PAGE_SIZE, (page - 1) * MAILBOX_PAGE_SIZE) : []
  return { messages, total, page, pages }
}

export async function mailboxMessage (db: Db, id: number): Promise<MailMessage | undefined> {
  return findMail(db, id)
}
