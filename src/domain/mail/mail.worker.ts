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
 * Mail goes out through the job queue: the worker checks the outbox every MAIL_POLL_MS (one indexed query) and,
 * when a message is due — new, or a retry whose time has come — sends a `mail.deliver` job and wakes its
 * handler, which delivers everything due. The queue's 'stately' policy keeps at most one such job waiting and
 * one running across all worker processes. The outbox row, not the job, is the record of the message: a lost or
 * failed job loses nothing, the next poll finds the message again.
 */
export function registerMailDelivery (queue: JobQueue, db: Db, sender: MailSender, log: Logger): void {
  queue.work(MAIL_JOB, async () => {
    const r = await deliverAllDueMail(db, sender)
    if (r.sent) log.info({ sent: r.sent }, sender.mode === 'mailbox' ? 'mail kept in the dev mailbox (/dev/mailbox)' : 'mail sent')
    if (r.retrying || r.failed) log.warn({ retrying: r.retrying, failed: r.failed }, 'mail delivery failed; see /dev/mailbox or the mail_messages table')
  }, { policy: 'stately', retryLimit: 0, pollingIntervalSeconds: 30 })
  queue.poll({ name: MAIL_JOB, intervalMs: MAIL_POLL_MS, due: () => hasDueMail(db, new Date()) })
}
