import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { listRequirements } from '../../../../domain/communities/communities.repository.js'
import { recordAudit } from '../../../../domain/audit/audit.service.js'
import { updateCommunitySettings } from '../../../../domain/communities/communities.service.js'
import { communityFormValues, CommunitySettingsForm, readCommunityForm } from '../../../../forms/community-form.js'
import { NoQuery, SlugParams } from '../../../../lib/schema.js'
import { paths } from '../../../../lib/paths.js'

/** The community's settings: what it is about, its norms, and who may join. */
export default async function settingsRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/settings', { schema: { params: SlugParams, querystring: NoQuery } }, showSettings)
  // The form is re-shown with its errors and the input kept (config.form).
  app.post('/c/:slug/orga/settings', { schema: { params: SlugParams, querystring: NoQuery, body: CommunitySettingsForm }, config: { form: true } }, saveSettings)

  async function showSettings (request: FastifyRequest, reply: FastifyReply) {
    const requirements = await listRequirements(app.db, request.community.id)
    const values = communityFormValues(request.community, requirements.map((r) => r.name))
    return reply.page('c/orga/settings/index', { title: `Settings of ${request.community.name}`, community: request.community, values, section: 'settings' })
  }

  async function saveSettings (request: FastifyRequest, reply: FastifyReply) {
    const { values, errors, input } = readCommunityForm(request.body)
    if (!input) {
      return reply.page('c/orga/settings/index', { title: `Settings of ${request.community.name}`, community: request.community, values, errors, section: 'settings' }, 400)
    }
    await app.db.transaction().execute(async (trx) => {
      await updateCommunitySettings(trx, request.community.id, input)
      await recordAudit(trx, { actorId: request.member!.id, action: 'settings.changed', communityId: request.community.id, target: request.community.name })
    })
    return reply.flash('Settings saved.').redirect(paths.orgaSettings(request.community.slug), 303)
  }
}
