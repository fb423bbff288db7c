import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { slugTaken } from '../../domain/communities/communities.repository.js'
import { recordAudit } from '../../domain/audit/audit.service.js'
import { createCommunity, DEFAULT_NORMS, DEFAULT_PUBLIC_RECORDS_NOTICE } from '../../domain/communities/communities.service.js'
import { NewCommunityForm, readCommunityForm } from '../../forms/community-form.js'
import { HttpError } from '../../lib/errors.js'
import { idParam } from '../../lib/http.js'
import { buttonForm, IdParams, NoQuery } from '../../lib/schema.js'
import { archiveCommunity, restoreCommunity } from '../../domain/site/site.service.js'
import { paths } from '../../lib/paths.js'

/** Site admins create communities (the folder's guard: everyone else gets 404); the admin becomes the first organizer. */
export default async function communityRoutes (app: FastifyInstance) {
  app.get('/admin/communities/new', { schema: { querystring: NoQuery } }, newCommunity)
  // The form is re-shown with its errors and the input kept (config.form).
  app.post('/admin/communities/new', { schema: { querystring: NoQuery, body: NewCommunityForm }, config: { form: true } }, createTheCommunity)

  /** Archiving and restoring: the change, logged in the same transaction, then back to /admin with what it did. */
  const archiving = (change: typeof archiveCommunity, action: 'community.archived' | 'community.restored', done: string) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const id = idParam(request)
      const result = await app.db.transaction().execute(async (trx) => {
        const r = await change(trx, id)
        if (r.ok) await recordAudit(trx, { actorId: request.member!.id, action, communityId: id, target: r.name })
        return r
      })
      if (!result.ok) throw new HttpError(result.status, result.message)
      return reply.flash(`${result.name} ${done}`).redirect(paths.admin(), 303)
    }
  const archive = archiving(archiveCommunity, 'community.archived', 'is archived: it is off the home page and read-only.')
  const restore = archiving(restoreCommunity, 'community.restored', 'is restored: it is on the home page again and open to changes and answers.')

  app.post('/admin/communities/:id/archive', { schema: { params: IdParams, querystring: NoQuery, body: buttonForm } }, archive)
  app.post('/admin/communities/:id/restore', { schema: { params: IdParams, querystring: NoQuery, body: buttonForm } }, restore)

  async function newCommunity (_request: FastifyRequest, reply: FastifyReply) {
    const values = {
      slug: '', name: '', about: '', requirements: '', norms: DEFAULT_NORMS.join('\n'),
      public_records_notice: DEFAULT_PUBLIC_RECORDS_NOTICE, allowed_domains: '', requires_approval: true, invitation_only: false
    }
    return reply.page('admin/community-new', { title: 'New community', values })
  }

  async function createTheCommunity (request: FastifyRequest, reply: FastifyReply) {
    const { values, errors, input } = readCommunityForm(request.body, true)
    const slug = values.slug ?? ''
    if (!errors.slug && await slugTaken(app.db, slug)) errors.slug = `The address /c/${slug} is taken by another community. Choose another.`
    if (!input || Object.keys(errors).length) return reply.page('admin/community-new', { title: 'New community', values, errors }, 400)
    let community
    try {
      community = await app.db.transaction().execute(async (trx) => {
        const created = await createCommunity(trx, input, request.member!.id)
        await recordAudit(trx, { actorId: request.member!.id, action: 'community.created', communityId: created.id, target: created.name })
        return created
      })
    } catch (err) {
      // Two admins racing for the same address: the unique index decides.
      if ((err as { code?: string }).code !== '23505') throw err
      errors.slug = `The address /c/${input.slug} is taken by another community. Choose another.`
      return reply.page('admin/community-new', { title: 'New community', values, errors }, 400)
    }
    return reply.flash(`${community.name} is created, and you are its first organizer.`).redirect(paths.community(community.slug), 303)
  }
}
