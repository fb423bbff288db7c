import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { mailboxMessage, mailboxPage } from '../../domain/mail/mail.service.js'
import { badRequest, notFound } from '../../lib/errors.js'

/**
 * The dev mailbox: with no SMTP_URL, mail is kept in the outbox table and the site admin reads it here.
 * With SMTP configured, or for anyone but a site admin, these pages do not exist (404).
 */
export default async function devRoutes (app: FastifyInstance) {
  app.addHook('preHandler', async (request, reply) => {
    if (app.config.SMTP_URL) throw notFound()
    await app.requireAdmin(request, reply)
  })

  app.get('/dev/mailbox', showMailbox)
  app.get('/dev/mailbox/:id', showMessage)
  app.get('/dev/mailbox/:id/invite.ics', messageInvite)

  function messageId (params: unknown): number {
    const raw = (params as { id?: string }).id ?? ''
    if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) throw notFound('message')
    return Number(raw)
  }

  async function showMailbox (request: FastifyRequest, reply: FastifyReply) {
    const raw = (request.query as { page?: string }).page ?? '1'
    if (!/^[1-9]\d{0,5}$/.test(raw)) throw badRequest('The page number must be a whole number from 1.')
    const box = await mailboxPage(app.db, Number(raw))
    return reply.page('dev/mailbox', { title: 'Dev mailbox', ...box })
  }

  async function showMessage (request: FastifyRequest, reply: FastifyReply) {
    const message = await mailboxMessage(app.db, messageId(request.params))
    if (!message) throw notFound('message')
    return reply.page('dev/message', { title: `${message.subject} (to ${message.to_address})`, message })
  }

  async function messageInvite (request: FastifyRequest, reply: FastifyReply) {
    const message = await mailboxMessage(app.db, messageId(request.params))
    if (!message?.ical) throw notFound('calendar invitation')
    const method = /^[A-Z-]{1,20}$/.test(message.ical_method ?? '') ? `; method=${message.ical_method}` : ''
    return reply
      .header('Content-Type', `text/calendar; charset=utf-8${method}`)
      .header('Content-Disposition', `attachment; filename="invite-${message.id}.ics"`)
      .send(message.ical)
  }
}
