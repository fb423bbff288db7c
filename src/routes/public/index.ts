import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { listCommunitiesFor } from '../../domain/communities/communities.service.js'
import { needsSetup } from '../../domain/site/site.service.js'
import { NoQuery } from '../../lib/schema.js'

/** The home page: the communities, the viewer's own first (and, before setup, the way to it). */
export default async function publicRoutes (app: FastifyInstance) {
  app.get('/', { schema: { querystring: NoQuery } }, showHome)

  async function showHome (request: FastifyRequest, reply: FastifyReply) {
    const communities = await listCommunitiesFor(app.db, request.member?.id ?? null)
    const setupNeeded = !request.member && await needsSetup(app.db)
    return reply.page('public/home', { title: 'Communities', communities, setupNeeded })
  }
}
