import fp from 'fastify-plugin'
import { registerMailSite } from '../../domain/invites/site.js'
import { REMINDERS_CRON, REMINDERS_JOB, sendDueReminders } from '../../domain/reminders/reminders.service.js'

/**
 * Calendar mail: registers what invites need (public URL, MAIL_FROM, secret) for the domain code, and the
 * reminders job (every minute, in the worker process; `stately`, so passes never overlap).
 */
export default fp(async (app) => {
  const site = () => ({ publicUrl: app.config.PUBLIC_URL, mailFrom: app.config.MAIL_FROM, secret: app.secret })
  registerMailSite(site)
  void app.queue.work(REMINDERS_JOB, async () => {
    const queued = await sendDueReminders(app.db, site())
    if (queued) app.log.info({ queued }, 'reminders queued')
  }, { policy: 'stately', retryLimit: 0, pollingIntervalSeconds: 30 })
  void app.queue.schedule(REMINDERS_JOB, REMINDERS_CRON)
}, { name: 'calendar-mail', dependencies: ['queue', 'db', 'secret'] })
