import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Event } from '../../../../db/database.js'
import { inviteList, inviteProblem, parseEmailList } from '../../../../domain/invites/invites.service.js'
import { str } from '../../../../lib/forms.js'

const MAX_ADDRESSES = 500

/** Organizers send calendar invites for an event: to every member, or to members whose addresses they paste. */
export default async function inviteRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/events/:id/invite', showInviteForm)
  app.post('/c/:slug/orga/events/:id/invite', sendInvites)

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
    const who = str(request.body, 'who') === 'everyone' ? 'everyone' : 'list'
    const emailsText = str(request.body, 'emails', 50_000)
    const values = { who, emails: emailsText }
    const emails = parseEmailList(emailsText)
    const errors: Record<string, string> = {}
    if (who === 'list' && !emails.length) errors.emails = 'Paste the email addresses of the members to invite, or choose everyone in the community.'
    else if (emails.length > MAX_ADDRESSES) errors.emails = `Paste at most ${MAX_ADDRESSES} addresses at a time.`
    if (Object.keys(errors).length) return reply.page('c/orga/invites/new', page(request, event, { values, errors }), 400)
    const result = await app.db.transaction().execute((trx) => inviteList(trx, event, { everyone: who === 'everyone', emails }))
    return reply.page('c/orga/invites/sent', { title: `Invitations sent: ${event.title}`, community: request.community, event, result })
  }
}
