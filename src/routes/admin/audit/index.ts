import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { auditPage } from '../../../domain/audit/audit.service.js'
import { pageNumber, PageQuery } from '../../../lib/paging.js'

/** The site's audit log (site admins: the parent folder's guard). */
export default async function adminAuditRoutes (app: FastifyInstance) {
  app.get('/admin/audit', { schema: { querystring: PageQuery } }, showAudit)

  async function showAudit (request: FastifyRequest, reply: FastifyReply) {
    const log = await auditPage(app.db, null, pageNumber(request.query))
    return reply.page('admin/audit', { title: 'Audit log', ...log })
  }
}
