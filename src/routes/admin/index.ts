import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { recordAudit } from '../../domain/audit/audit.service.js'
import { adminOverview, makeAdmin, removeAdmin } from '../../domain/site/site.service.js'
import { idParam } from '../../lib/http.js'
import { AddAdminForm, readAddAdminForm } from '../../forms/site-admin-form.js'
import { buttonForm, IdParams, NoQuery } from '../../lib/schema.js'
import communityRoutes from './communities.js'
import adminAuditRoutes from './audit/index.js'
import adminMemberRoutes from './members/index.js'
import { paths } from '../../lib/paths.js'

/** The site admin's pages under /admin: communities, and who the site admins are. Everyone else gets 404. */
export default async function adminRoutes (app: FastifyInstance) {
  app.addHook('preHandler', app.requireAdmin)

  app.get('/admin', { schema: { querystring: NoQuery } }, showAdmin)
  app.post('/admin/admins', { schema: { querystring: NoQuery, body: AddAdminForm }, config: { form: true } }, addAdmin)
  app.post('/admin/admins/:id/remove', { schema: { params: IdParams, querystring: NoQuery, body: buttonForm } }, removeTheAdmin)

  await app.register(communityRoutes)
  await app.register(adminAuditRoutes)
  await app.register(adminMemberRoutes)

  async function showAdmin (_request: FastifyRequest, reply: FastifyReply) {
    return reply.page('admin/index', { title: 'Site admin', ...await adminOverview(app.db) })
  }

  async function addAdmin (request: FastifyRequest, reply: FastifyReply) {
    const { values, errors } = readAddAdminForm(request.body)
    const result = errors.email ? { error: errors.email } : await app.db.transaction().execute(async (trx) => {
      const made = await makeAdmin(trx, values.email)
      if ('name' in made) await recordAudit(trx, { actorId: request.member!.id, action: 'admin.added', communityId: null, target: made.name })
      return made
    })
    if ('error' in result) {
      return reply.page('admin/index', {
        title: 'Site admin', ...await adminOverview(app.db), values, errors: { email: result.error }
      }, 400)
    }
    return reply.flash(`${result.name} is now a site admin.`).redirect(paths.admin(), 303)
  }

  async function removeTheAdmin (request: FastifyRequest, reply: FastifyReply) {
    const memberId = idParam(request)
    const result = await app.db.transaction().execute(async (trx) => {
      const removed = await removeAdmin(trx, memberId)
      if ('name' in removed) await recordAudit(trx, { actorId: request.member!.id, action: 'admin.removed', communityId: null, target: removed.name })
      return removed
    })
    if ('error' in result) {
      return reply.page('admin/index', { title: 'Site admin', ...await adminOverview(app.db), removeError: result.error }, 400)
    }
    const self = memberId === request.member!.id
    return reply.flash(self ? 'You are no longer a site admin.' : `${result.name} is no longer a site admin.`)
      .redirect(self ? '/' : '/admin', 303)
  }
}
