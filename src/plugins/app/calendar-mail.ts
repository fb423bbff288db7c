import fp from 'fastify-plugin'
import { hasQueuedAnswers } from '../../domain/invites/invites.repository.js'
import { ANSWER_MAIL_JOB, ANSWER_MAIL_POLL_MS, sendAnswerMail } from '../../domain/invites/invites.service.js'
import { registerMailSite } from '../../domain/invites/site.js'
import { REMINDERS_CRON, REMINDERS_JOB, sendDueReminders } from '../../domain/reminders/reminders.service.js'

/**
 * Calendar mail: registers what invites need (public URL, MAIL_FROM, secret) for the domain code; the job that
 * sends the calendar mail of answers (the worker looks for queued answers every second); and the reminders
 * job (every minute). Both run in the worker process and are `stately`, so passes never overlap.
 */
export default fp(async (app) => {
  const site = () => ({ publicUrl: app.config.PUBLIC_URL, mailFrom: app.config.MAIL_FROM, secret: app.secret })
  registerMailSite(site)
  void app.queue.work(REMINDERS_JOB, async () => {
    const queued = await sendDueReminders(app.db, site())
    if (queued) app.log.info({ queued }, 'reminders queued')
  }, { policy: 'stately', retryLimit: 0, pollingIntervalSeconds: 30 })
  void app.queue.schedule(REMINDERS_JOB, REMINDERS_CRON)
  void app.queue.work(ANSWER_MAIL_JOB, async () => {
    const answers = await sendAnswerMail(app.db)
    if (answers) app.log.info({ answers }, 'calendar mail of answers queued')
  }, { policy: 'stately', retryLimit: 0, pollingIntervalSeconds: 30 })
  app.queue.poll({ name: ANSWER_MAIL_JOB, intervalMs: ANSWER_MAIL_POLL_MS, due: () => hasQueuedAnswers(app.db) })
}, { name: 'calendar-mail', dependencies: ['queue', 'db', 'secret'] })
