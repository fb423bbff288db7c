import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { mailboxMessage, mailboxPage } from '../../domain/mail/mail.service.js'
import { Type, type Static } from 'typebox'
import { notFound } from '../../lib/errors.js'
import { idParam } from '../../lib/http.js'
import { IdParams, NoQuery } from '../../lib/schema.js'

const MailboxQuery = Type.Object({
  page: Type.Optional(Type.String({ title: 'the page number', pattern: '^[1-9][0-9]{0,5}$', errorMessage: 'The page number must be a whole number from 1.' }))
}, { additionalProperties: false })
const message = { schema: { params: IdParams, querystring: NoQuery } }

/**
 * The dev mailbox: with no SMTP_URL, mail is kept in the outbox table and the site admin reads it here.
 * With SMTP configured, or for anyone but a site admin, these pages do not exist (404).
 */
export default async function devRoutes (app: FastifyInstance) {
  app.addHook('preHandler', async (request, reply) => {
    if (app.config.SMTP_URL) throw notFound()
    await app.requireAdmin(request, reply)
  })

  app.get('/dev/mailbox', { schema: { querystring: MailboxQuery } }, showMailbox)
  app.get('/dev/mailbox/:id', message, showMessage)
  app.get('/dev/mailbox/:id/invite.ics', message, messageInvite)

  async function showMailbox (request: FastifyRequest, reply: FastifyReply) {
    const box = await mailboxPage(app.db, Number((request.query as Static<typeof MailboxQuery>).page ?? '1'), app.config.MAIL_FROM)
    return reply.page('dev/mailbox', { title: 'Dev mailbox', ...box })
  }

  async function showMessage (request: FastifyRequest, reply: FastifyReply) {
    const message = await mailboxMessage(app.db, idParam(request, 'message'), app.config.MAIL_FROM)
    if (!message) throw notFound('message')
    return reply.page('dev/message', { title: `${message.subject} (to ${message.to_address})`, message })
  }

  async function messageInvite (request: FastifyRequest, reply: FastifyReply) {
    const message = await mailboxMessage(app.db, idParam(request, 'message'), app.config.MAIL_FROM)
    if (!message?.ical) throw notFound('calendar invitation')
    const method = /^[A-Z-]{1,20}$/.test(message.ical_method ?? '') ? `; method=${message.ical_method}` : ''
    return reply
      .header('Content-Type', `text/calendar; charset=utf-8${method}`)
      .header('Content-Disposition', `attachment; filename="invite-${message.id}.ics"`)
      .send(message.ical)
  }
}
