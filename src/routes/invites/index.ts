import type { FastifyInstance, FastifyRequest } from 'fastify'
import { findEvent } from '../../domain/events/events.repository.js'
import { inviteList, inviteProblem, parseEmailList } from '../../domain/invites/invites.service.js'
import { notFound } from '../../lib/errors.js'
import { str } from '../../lib/forms.js'
import { idParam } from '../../lib/http.js'

const MAX_ADDRESSES = 500

/** Organizers send calendar invites for an event: to every member, or to members whose addresses they paste. */
export default async function inviteRoutes (app: FastifyInstance) {
  const organizer = { preHandler: app.requireOrganizer }

  async function loadEvent (request: FastifyRequest) {
    const event = await findEvent(app.db, request.community.id, idParam(request, 'event'))
    if (!event) throw notFound('event')
    return event
  }

  function page (request: FastifyRequest, event: Awaited<ReturnType<typeof loadEvent>>, extra: Record<string, unknown> = {}) {
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

  app.get('/c/:slug/orga/events/:id/invite', organizer, async (request, reply) => {
    const event = await loadEvent(request)
    return reply.page('orga/invites/new', page(request, event))
  })

  app.post('/c/:slug/orga/events/:id/invite', organizer, async (request, reply) => {
    const event = await loadEvent(request)
    const problem = inviteProblem(event)
    if (problem) return reply.page('orga/invites/new', page(request, event), 409)
    const who = str(request.body, 'who') === 'everyone' ? 'everyone' : 'list'
    const emailsText = str(request.body, 'emails', 50_000)
    const values = { who, emails: emailsText }
    const emails = parseEmailList(emailsText)
    const errors: Record<string, string> = {}
    if (who === 'list' && !emails.length) errors.emails = 'Paste the email addresses of the members to invite, or choose everyone in the community.'
    else if (emails.length > MAX_ADDRESSES) errors.emails = `Paste at most ${MAX_ADDRESSES} addresses at a time.`
    if (Object.keys(errors).length) return reply.page('orga/invites/new', page(request, event, { values, errors }), 400)
    const result = await app.db.transaction().execute((trx) => inviteList(trx, event, { everyone: who === 'everyone', emails }))
    return reply.page('orga/invites/sent', { title: `Invitations sent: ${event.title}`, community: request.community, event, result })
  })
}
