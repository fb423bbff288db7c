import fp from 'fastify-plugin'
import { createBoss } from '../../infra/jobs/boss.js'
import { JobQueue } from '../../infra/jobs/queue.js'
import { createMailSender, type MailSender } from '../../infra/mail/transport.js'
import { registerMailDelivery } from '../../domain/mail/mail.worker.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Background jobs (pg-boss): `send` from anywhere; register `work`/`schedule` while the app is built. */
    queue: JobQueue
    /** How mail leaves: SMTP (SMTP_URL) or the dev mailbox. */
    mailSender: MailSender
  }
}

/**
 * The job queue and mail delivery. The worker (handlers, cron schedules, the outbox poll) runs in this process
 * only when WORKER is true; it starts once every plugin has registered its handlers and stops on app.close().
 */
export default fp(async (app) => {
  const queue = new JobQueue(createBoss(app.dbConnection, { worker: app.config.WORKER }), app.log)
  const mailSender = createMailSender(app.config.SMTP_URL, app.config.MAIL_FROM)
  registerMailDelivery(queue, app.db, mailSender, app.log)
  app.decorate('queue', queue)
  app.decorate('mailSender', mailSender)
  if (app.config.WORKER) {
    app.addHook('onReady', async () => { await queue.startWorker() })
  }
  app.addHook('onClose', async () => {
    await queue.stop()
    mailSender.transport.close?.()
  })
}, { name: 'queue', dependencies: ['db', 'secret'] })
