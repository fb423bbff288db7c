import type { FastifyInstance } from 'fastify'
import { slugTaken } from '../../domain/communities/communities.repository.js'
import { createCommunity, DEFAULT_NORMS, DEFAULT_PUBLIC_RECORDS_NOTICE } from '../../domain/communities/communities.service.js'
import { validateCommunityForm } from '../../domain/communities/settings.js'
import { readCommunityForm } from '../c/orga/index.js'

/** Site admins create communities; the admin becomes the first organizer. Everyone else: 404. */
export default async function adminCommunityRoutes (app: FastifyInstance) {
  app.addHook('preHandler', app.requireAdmin)

  app.get('/admin/communities/new', async (_request, reply) => {
    const values = {
      slug: '', name: '', about: '', requirements: '', norms: DEFAULT_NORMS.join('\n'),
      public_records_notice: DEFAULT_PUBLIC_RECORDS_NOTICE, allowed_domains: '', requires_approval: true, invitation_only: false
    }
    return reply.page('admin/community-new', { title: 'New community', values })
  })

  app.post('/admin/communities/new', async (request, reply) => {
    const values = readCommunityForm(request.body, true)
    const { input, errors } = validateCommunityForm(values)
    if (!errors.slug && await slugTaken(app.db, input.slug)) errors.slug = `The address /c/${input.slug} is taken by another community. Choose another.`
    if (Object.keys(errors).length) return reply.page('admin/community-new', { title: 'New community', values, errors }, 400)
    let community
    try {
      community = await app.db.transaction().execute((trx) => createCommunity(trx, input, request.member!.id))
    } catch (err) {
      // Two admins racing for the same address: the unique index decides.
      if ((err as { code?: string }).code !== '23505') throw err
      errors.slug = `The address /c/${input.slug} is taken by another community. Choose another.`
      return reply.page('admin/community-new', { title: 'New community', values, errors }, 400)
    }
    return reply.flash(`${community.name} is created, and you are its first organizer.`).redirect(`/c/${community.slug}`, 303)
  })
}
