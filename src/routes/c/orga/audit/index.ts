import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { auditPage } from '../../../../domain/audit/audit.service.js'
import { pageNumber, PageQuery } from '../../../../lib/paging.js'
import { SlugParams } from '../../../../lib/schema.js'

/** The community's audit log: what its organizers (and site admins) did here. */
export default async function orgaAuditRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/audit', { schema: { params: SlugParams, querystring: PageQuery } }, showAudit)

  async function showAudit (request: FastifyRequest, reply: FastifyReply) {
    const log = await auditPage(app.db, request.community.id, pageNumber(request.query))
    return reply.page('c/orga/audit/index', { title: `Audit log of ${request.community.name}`, community: request.community, section: 'audit', ...log })
  }
}
