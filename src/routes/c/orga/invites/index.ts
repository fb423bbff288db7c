import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Event } from '../../../../db/database.js'
import { inviteList, inviteProblem } from '../../../../domain/invites/invites.service.js'
import { InviteListForm, readInviteListForm } from '../../../../forms/email-list-form.js'
import { NoQuery, SlugIdParams } from '../../../../lib/schema.js'

/** Organizers send calendar invites for an event: to every member, or to members whose addresses they paste. */
export default async function inviteRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/events/:id/invite', { schema: { params: SlugIdParams, querystring: NoQuery } }, showInviteForm)
  // The form is re-shown with its errors and the input kept (config.form).
  app.post('/c/:slug/orga/events/:id/invite', { schema: { params: SlugIdParams, querystring: NoQuery, body: InviteListForm }, config: { form: true } }, sendInvites)

  function page (request: FastifyRequest, event: Event, extra: Record<string, unknown> = {}) {
    return {
      title: `Invite members: ${event.title}`,
      community: request.community,
      event,
      problem: inviteProblem(event),
      values: { who: 'list', emails: '' },
      errors: {},
      ...extra
    }
  }

  async function showInviteForm (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    return reply.page('c/orga/invites/new', page(request, event))
  }

  async function sendInvites (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const problem = inviteProblem(event)
    if (problem) return reply.page('c/orga/invites/new', page(request, event), 409)
    const { values, errors, input } = readInviteListForm(request.body)
    if (!input) return reply.page('c/orga/invites/new', page(request, event, { values, errors }), 400)
    const result = await app.db.transaction().execute((trx) => inviteList(trx, event, { everyone: input.everyone, emails: input.emails }))
    return reply.page('c/orga/invites/sent', { title: `Invitations sent: ${event.title}`, community: request.community, event, result, invalid: input.invalid })
  }
}
