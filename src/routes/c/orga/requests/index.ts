import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { recordAudit } from '../../../../domain/audit/audit.service.js'
import { approveRequest, declineRequest } from '../../../../domain/memberships/join.service.js'
import { findPendingRequest, listDecidedRequests, listPendingRequests } from '../../../../domain/memberships/memberships.repository.js'
import { DeclineRequestForm, readDeclineForm } from '../../../../forms/decline-form.js'
import { HttpError } from '../../../../lib/errors.js'
import { idParam } from '../../../../lib/http.js'
import { buttonForm, NoQuery, SlugIdParams, SlugParams } from '../../../../lib/schema.js'
import { paths } from '../../../../lib/paths.js'

/** Requests to join the community, waiting for an organizer's decision. */
export default async function requestRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/requests', { schema: { params: SlugParams, querystring: NoQuery } }, listRequests)
  app.post('/c/:slug/orga/requests/:id/approve', { schema: { params: SlugIdParams, querystring: NoQuery, body: buttonForm } }, approve)
  // A note over its limit re-shows the list with the note kept (config.form).
  app.post('/c/:slug/orga/requests/:id/decline', { schema: { params: SlugIdParams, querystring: NoQuery, body: DeclineRequestForm }, config: { form: true } }, decline)

  /** The list of requests; `declined` re-shows one request's decline note with its error. */
  async function requestsPage (request: FastifyRequest, reply: FastifyReply, declined?: { id: number, note: string, error: string }) {
    const [requests, decided] = await Promise.all([listPendingRequests(app.db, request.community.id), listDecidedRequests(app.db, request.community.id)])
    return reply.page('c/orga/requests/index', {
      title: `Requests to join ${request.community.name}`,
      community: request.community,
      requests,
      decided,
      section: 'requests',
      declined,
      errors: declined ? { [`decision_note-${declined.id}`]: declined.error } : {}
    }, declined ? 400 : 200)
  }

  async function listRequests (request: FastifyRequest, reply: FastifyReply) {
    return requestsPage(request, reply)
  }

  async function approve (request: FastifyRequest, reply: FastifyReply) {
    const id = idParam(request)
    const result = await app.db.transaction().execute(async (trx) => {
      const approved = await approveRequest(trx, app.mailer, request.community, id, request.member!.id)
      if (approved.ok) await recordAudit(trx, { actorId: request.member!.id, action: 'request.approved', communityId: request.community.id, target: approved.name })
      return approved
    })
    if (!result.ok) throw new HttpError(409, 'That request is no longer waiting for a decision: another organizer may have decided it. Reload the list of requests.')
    return reply.flash(`Approved ${result.name}. They have been emailed a link to accept the norms and join.`).redirect(paths.orgaRequests(request.community.slug), 303)
  }

  async function decline (request: FastifyRequest, reply: FastifyReply) {
    const id = idParam(request)
    const form = readDeclineForm(request.body)
    if (form.error) return requestsPage(request, reply, { id, note: form.note, error: form.error })
    if (!form.confirmed) {
      // A decline mails the person and cannot be undone: the organizer confirms it on a page of its own.
      const pending = await findPendingRequest(app.db, request.community.id, id)
      if (!pending) throw new HttpError(409, 'That request is no longer waiting for a decision: another organizer may have decided it. Reload the list of requests.')
      return reply.page('c/orga/requests/confirm-decline', {
        title: `Decline the request from ${pending.full_name}?`, community: request.community, section: 'requests', pending, note: form.note
      })
    }
    const result = await app.db.transaction().execute(async (trx) => {
      const declined = await declineRequest(trx, app.mailer, request.community, id, request.member!.id, form.note)
      if (declined.ok) {
        await recordAudit(trx, { actorId: request.member!.id, action: 'request.declined', communityId: request.community.id, target: declined.name, reason: form.note || null })
      }
      return declined
    })
    if (!result.ok) throw new HttpError(409, 'That request is no longer waiting for a decision: another organizer may have decided it. Reload the list of requests.')
    return reply.flash(`Declined the request from ${result.name}.`).redirect(paths.orgaRequests(request.community.slug), 303)
  }
}
