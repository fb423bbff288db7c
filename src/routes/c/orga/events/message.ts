import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Event } from '../../../../db/database.js'
import { recordAudit } from '../../../../domain/audit/audit.service.js'
import { messageAnswerers, MESSAGE_AUDIENCES, type MessageAudience } from '../../../../domain/rsvps/event-message.service.js'
import { countByStatus } from '../../../../domain/rsvps/rsvps.repository.js'
import { EventMessageForm, MESSAGE_BODY_MAX, MESSAGE_SUBJECT_MAX, readEventMessageForm } from '../../../../forms/event-message-form.js'
import { NoQuery, SlugIdParams } from '../../../../lib/schema.js'
import { paths } from '../../../../lib/paths.js'

/** An organizer writes to those going to an event, its waitlist, or both (one mail each, through the outbox). */
export default async function eventMessageRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/events/:id/message', { schema: { params: SlugIdParams, querystring: NoQuery } }, newMessage)
  // The form is re-shown with its errors and the input kept (config.form).
  app.post('/c/:slug/orga/events/:id/message', { schema: { params: SlugIdParams, querystring: NoQuery, body: EventMessageForm }, config: { form: true } }, sendMessage)

  async function messagePage (request: FastifyRequest, reply: FastifyReply, event: Event, values: Record<string, string>, errors: Record<string, string> = {}) {
    const counts = await countByStatus(app.db, event.id)
    const audiences = Object.entries(MESSAGE_AUDIENCES).map(([value, a]) => ({
      value, label: `${a.label} (${a.statuses.reduce((n, s) => n + (counts[s] ?? 0), 0)})`
    }))
    return reply.page('c/orga/events/message', {
      title: `Message attendees · ${event.title}`, community: request.community, event, audiences, values, errors,
      limits: { subject: MESSAGE_SUBJECT_MAX, body: MESSAGE_BODY_MAX }
    }, Object.keys(errors).length ? 400 : 200)
  }

  async function newMessage (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    return messagePage(request, reply, event, { audience: 'going', subject: '', body: '' })
  }

  async function sendMessage (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const { values, errors } = readEventMessageForm(request.body)
    if (!errors.subject && !values.subject.trim()) errors.subject = 'Enter the subject.'
    if (!errors.body && !values.body.trim()) errors.body = 'Enter the message.'
    if (event.status !== 'published') errors.audience = 'Only a published event’s attendees can be messaged.'
    if (Object.keys(errors).length) return messagePage(request, reply, event, values, errors)
    const audience = values.audience as MessageAudience
    const sent = await app.db.transaction().execute(async (trx) => {
      const n = await messageAnswerers(trx, app.mailer, request.community, event, { audience, subject: values.subject.trim(), body: values.body.trim() }, request.member!)
      if (n) {
        await recordAudit(trx, {
          actorId: request.member!.id, action: 'event.messaged', communityId: request.community.id, target: event.title,
          reason: `${MESSAGE_AUDIENCES[audience].label} (${n}): ${values.subject.trim()}`
        })
      }
      return n
    })
    if (!sent) return messagePage(request, reply, event, values, { audience: `Nobody is in that group (${MESSAGE_AUDIENCES[audience].label.toLowerCase()}): nothing was sent.` })
    return reply.flash(`Your message is on its way to ${sent === 1 ? '1 person' : `${sent} people`}.`)
      .redirect(paths.orgaEvent(request.community.slug, event.id, 'attendees'), 303)
  }
}
