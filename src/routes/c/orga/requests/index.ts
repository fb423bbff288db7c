import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { approveRequest, declineRequest } from '../../../../domain/memberships/join.service.js'
import { listPendingRequests } from '../../../../domain/memberships/memberships.repository.js'
import { HttpError } from '../../../../lib/errors.js'
import { idParam } from '../../../../lib/http.js'
import { str } from '../../../../lib/forms.js'

/** Requests to join the community, waiting for an organizer's decision. */
export default async function requestRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/requests', listRequests)
  app.post('/c/:slug/orga/requests/:id/approve', approve)
  app.post('/c/:slug/orga/requests/:id/decline', decline)

  async function listRequests (request: FastifyRequest, reply: FastifyReply) {
    const requests = await listPendingRequests(app.db, request.community.id)
    return reply.page('c/orga/requests/index', { title: `Requests to join ${request.community.name}`, community: request.community, requests, section: 'requests' })
  }

  async function approve (request: FastifyRequest, reply: FastifyReply) {
    const id = idParam(request)
    const result = await app.db.transaction().execute((trx) => approveRequest(trx, app.mailer, request.community, id, request.member!.id))
    if (!result.ok) throw new HttpError(409, 'That request is no longer waiting for a decision: another organizer may have decided it. Reload the list of requests.')
    return reply.flash(`Approved ${result.name}. They have been emailed a link to accept the norms and join.`).redirect(`/c/${request.community.slug}/orga/requests`, 303)
  }

  async function decline (request: FastifyRequest, reply: FastifyReply) {
    const id = idParam(request)
    const note = str(request.body, 'decision_note', 2000)
    const result = await app.db.transaction().execute((trx) => declineRequest(trx, app.mailer, request.community, id, request.member!.id, note))
    if (!result.ok) throw new HttpError(409, 'That request is no longer waiting for a decision: another organizer may have decided it. Reload the list of requests.')
    return reply.flash(`Declined the request from ${result.name}.`).redirect(`/c/${request.community.slug}/orga/requests`, 303)
  }
}
