import type { Db, MailMessage } from '../../db/database.js'
import { insertMail, type OutgoingMail } from './mail.repository.js'

export type { OutgoingMail }

/**
 * Queues a message in the outbox. Call it with the transaction that makes the change the message is about:
 * the message exists if and only if the change committed. The worker delivers it later, with retries.
 */
export async function queueMail (db: Db, mail: OutgoingMail): Promise<MailMessage> {
  return insertMail(db, mail)
}
