import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { directoryPage } from '../../../domain/members/members.service.js'

/** The community's directory of members (members only, by the community guard). */
export default async function directoryRoutes (app: FastifyInstance) {
  app.get('/c/:slug/members', showDirectory)

  async function showDirectory (request: FastifyRequest, reply: FastifyReply) {
    const query = request.query as { q?: unknown, page?: unknown }
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 100) : ''
    const page = typeof query.page === 'string' && /^\d{1,6}$/.test(query.page) ? Number(query.page) : 1
    const result = await directoryPage(app.db, request.community.id, q, page)
    return reply.page('c/members/directory', {
      title: `Members · ${request.community.name}`, community: request.community, q, ...result
    })
  }
}
