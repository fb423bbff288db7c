import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import { directoryPage } from '../../../domain/members/members.service.js'
import { queryText, SlugParams } from '../../../lib/schema.js'

/** The directory's search and page (an over-long search is a 400 page naming the field, never cut). */
const DirectoryQuery = Type.Object({ q: queryText('the search', 100), page: queryText('the page number', 6) }, { additionalProperties: false })

/** The community's directory of members (members only, by the community guard). */
export default async function directoryRoutes (app: FastifyInstance) {
  app.get('/c/:slug/members', { schema: { params: SlugParams, querystring: DirectoryQuery } }, showDirectory)

  async function showDirectory (request: FastifyRequest, reply: FastifyReply) {
    const query = request.query as Static<typeof DirectoryQuery>
    const q = query.q ?? ''
    const page = query.page && /^\d{1,6}$/.test(query.page) ? Number(query.page) : 1
    const result = await directoryPage(app.db, request.community.id, q, page)
    return reply.page('c/members/directory', {
      title: `Members · ${request.community.name}`, community: request.community, q, ...result
    })
  }
}
