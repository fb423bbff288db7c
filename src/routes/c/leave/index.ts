import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { leaveCommunity, leavePreview } from '../../../domain/memberships/leave.service.js'
import { notFound } from '../../../lib/errors.js'
import { plural } from '../../../lib/format.js'
import { paths } from '../../../lib/paths.js'
import { buttonForm, NoQuery, SlugParams } from '../../../lib/schema.js'

/**
 * Leaving a community: a page that says what happens (answers withdrawn, an organizer term ended) and asks to
 * confirm, then the POST. Members only (the community guard); a site admin who is not a member has nothing to leave.
 */
export default async function leaveRoutes (app: FastifyInstance) {
  app.get('/c/:slug/leave', { schema: { params: SlugParams, querystring: NoQuery } }, showLeave)
  app.post('/c/:slug/leave', { schema: { params: SlugParams, querystring: NoQuery, body: buttonForm } }, leave)

  async function page (request: FastifyRequest, reply: FastifyReply, problem: string | null, status = 200) {
    if (!request.standing.isMember) throw notFound()
    const preview = await leavePreview(app.db, request.community.id, request.community.name, request.member!.id)
    return reply.page('c/leave/confirm', {
      title: `Leave ${request.community.name}`, community: request.community, preview, problem: problem ?? preview.refusal
    }, status)
  }

  async function showLeave (request: FastifyRequest, reply: FastifyReply) {
    return page(request, reply, null)
  }

  async function leave (request: FastifyRequest, reply: FastifyReply) {
    if (!request.standing.isMember) throw notFound()
    const outcome = await leaveCommunity(app.db, request.community, request.member!.id)
    if (!outcome.ok) return page(request, reply, outcome.message, 409)
    const withdrawn = outcome.withdrawn ? ` Your ${plural(outcome.withdrawn, 'answer')} to its upcoming events ${outcome.withdrawn === 1 ? 'was' : 'were'} withdrawn.` : ''
    return reply.flash(`You left ${request.community.name}.${withdrawn}`).redirect(paths.home(), 303)
  }
}
