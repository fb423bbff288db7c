import fp from 'fastify-plugin'
import { hasQueuedChanges } from '../../domain/invites/calendar-changes.repository.js'
import { CALENDAR_CHANGES_JOB, CALENDAR_CHANGES_POLL_MS, sendCalendarChanges } from '../../domain/invites/invites.service.js'
import { REMINDERS_CRON, REMINDERS_JOB, sendDueReminders } from '../../domain/reminders/reminders.service.js'

/**
 * Calendar mail, in the worker: the sweep that turns the queue of calendar changes (answers, promotions, edits,
 * cancellations, invitations — written by the domain in each change's transaction) into mail, looked for every
 * second in each worker process (batches are taken with FOR UPDATE SKIP LOCKED, so processes never send the
 * same change twice, and a process that dies mid-batch rolls back and leaves it to the next sweep); and the
 * reminders job (cron, every minute, `stately`). This app's mailer (its site: public URL, MAIL_FROM, secret)
 * reaches them as an argument: the domain keeps no configuration.
 */
export default fp(async (app) => {
  void app.queue.work(REMINDERS_JOB, async () => {
    const queued = await sendDueReminders(app.db, app.mailer)
    if (queued) app.log.info({ queued }, 'reminders queued')
  }, { policy: 'stately', retryLimit: 0, pollingIntervalSeconds: 30 })
  void app.queue.schedule(REMINDERS_JOB, REMINDERS_CRON)
  app.queue.sweep({
    name: CALENDAR_CHANGES_JOB,
    intervalMs: CALENDAR_CHANGES_POLL_MS,
    due: () => hasQueuedChanges(app.db),
    run: async () => {
      const changes = await sendCalendarChanges(app.db, app.mailer)
      if (changes) app.log.info({ changes }, 'calendar mail of queued changes written')
    }
  })
}, { name: 'calendar-mail', dependencies: ['queue', 'db', 'mailer'] })
