import type { Db } from '../../db/database.js'
import type { JobQueue } from '../../infra/jobs/queue.js'
import type { MailSender } from '../../infra/mail/transport.js'
import { deliverAllDueMail, hasDueMail } from './mail.delivery.js'

export const MAIL_JOB = 'mail.deliver'
/** How often the worker looks at the outbox for due messages. */
export const MAIL_POLL_MS = 2_000

interface Logger {
  info (obj: unknown, msg?: string): void
  warn (obj: unknown, msg?: string): void
}

/**
 * Mail goes out from a sweep in each worker process: every MAIL_POLL_MS it checks the outbox (one indexed query)
 * and, when a message is due — new, or a retry whose time has come — delivers everything due. Several processes
 * may sweep at once: each message is claimed for one of them (mail.delivery.ts). The outbox row is the record of
 * the message, and no job stands for the sweep: a process killed mid-send leaves only the few messages it had
 * claimed, retried when their claim lapses; a restarted process sends the rest within a poll.
 */
export function registerMailDelivery (queue: JobQueue, db: Db, sender: MailSender, log: Logger): void {
  queue.sweep({
    name: MAIL_JOB,
    intervalMs: MAIL_POLL_MS,
    due: () => hasDueMail(db, new Date()),
    run: async () => {
      const r = await deliverAllDueMail(db, sender)
      if (r.sent) log.info({ sent: r.sent }, sender.mode === 'mailbox' ? 'mail kept in the dev mailbox (/dev/mailbox)' : 'mail sent')
      if (r.retrying || r.failed) log.warn({ retrying: r.retrying, failed: r.failed }, 'mail delivery failed; see /dev/mailbox or the mail_messages table')
    }
  })
}
