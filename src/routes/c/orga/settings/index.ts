import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { listRequirements } from '../../../../domain/communities/communities.repository.js'
import { updateCommunitySettings } from '../../../../domain/communities/communities.service.js'
import { communityToForm, validateCommunityForm } from '../../../../domain/communities/settings.js'
import { readCommunityForm } from '../../../../lib/community-form.js'

/** The community's settings: what it is about, its norms, and who may join. */
export default async function settingsRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/settings', showSettings)
  app.post('/c/:slug/orga/settings', saveSettings)

  async function showSettings (request: FastifyRequest, reply: FastifyReply) {
    const requirements = await listRequirements(app.db, request.community.id)
    const values = communityToForm(request.community, requirements.map((r) => r.name))
    return reply.page('c/orga/settings/index', { title: `Settings of ${request.community.name}`, community: request.community, values, section: 'settings' })
  }

  async function saveSettings (request: FastifyRequest, reply: FastifyReply) {
    const values = readCommunityForm(request.body)
    const { input, errors } = validateCommunityForm(values)
    if (Object.keys(errors).length) {
      return reply.page('c/orga/settings/index', { title: `Settings of ${request.community.name}`, community: request.community, values, errors, section: 'settings' }, 400)
    }
    await app.db.transaction().execute((trx) => updateCommunitySettings(trx, request.community.id, input))
    return reply.flash('Settings saved.').redirect(`/c/${request.community.slug}/orga/settings`, 303)
  }
}
