import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { listTerms, today } from '../../../../domain/communities/communities.repository.js'
import { recordAudit } from '../../../../domain/audit/audit.service.js'
import { memberOptions } from '../../../../domain/events/hosts.service.js'
import { addOrganizer, endTerm, organizerTermsView } from '../../../../domain/communities/organizers.service.js'
import { OrganizerTermForm, readOrganizerTermForm } from '../../../../forms/organizer-form.js'
import { notFound } from '../../../../lib/errors.js'
import { idParam } from '../../../../lib/http.js'
import { buttonForm, NoQuery, rowId, slug, SlugParams } from '../../../../lib/schema.js'
import { paths } from '../../../../lib/paths.js'

const TermParams = Type.Object({ slug, termId: rowId })

/** The community's organizers: current, upcoming and past coordinator terms; adding one, ending one. */
export default async function organizerRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/organizers', { schema: { params: SlugParams, querystring: NoQuery } }, showOrganizers)
  // The form is re-shown with its errors and the input kept (config.form).
  app.post('/c/:slug/orga/organizers', { schema: { params: SlugParams, querystring: NoQuery, body: OrganizerTermForm }, config: { form: true } }, addTerm)
  app.post('/c/:slug/orga/organizers/:termId/end', { schema: { params: TermParams, querystring: NoQuery, body: buttonForm } }, endTheTerm)

  async function organizersPage (request: FastifyRequest) {
    const [terms, now] = await Promise.all([listTerms(app.db, request.community.id), today(app.db)])
    return {
      title: `Organizers of ${request.community.name}`,
      community: request.community,
      section: 'organizers',
      memberOptions: await memberOptions(app.db, request.community.id, '- Choose a member -'),
      ...organizerTermsView(terms, now)
    }
  }

  async function showOrganizers (request: FastifyRequest, reply: FastifyReply) {
    return reply.page('c/orga/organizers/index', { ...await organizersPage(request), values: { email: '', starts_on: '', ends_on: '' } })
  }

  async function addTerm (request: FastifyRequest, reply: FastifyReply) {
    const { values, errors, input } = readOrganizerTermForm(request.body)
    if (!input) return reply.page('c/orga/organizers/index', { ...await organizersPage(request), values, errors }, 400)
    const result = await app.db.transaction().execute(async (trx) => {
      const added = await addOrganizer(trx, request.community.id, input, request.member!.id)
      if (added.ok) {
        await recordAudit(trx, { actorId: request.member!.id, action: 'organizer.added', communityId: request.community.id, target: added.name, reason: added.message })
      }
      return added
    })
    if (!result.ok) return reply.page('c/orga/organizers/index', { ...await organizersPage(request), values, errors: result.errors }, 400)
    return reply.flash(result.message).redirect(paths.orgaOrganizers(request.community.slug), 303)
  }

  async function endTheTerm (request: FastifyRequest, reply: FastifyReply) {
    const termId = idParam(request, 'page', 'termId')
    const result = await app.db.transaction().execute(async (trx) => {
      const ended = await endTerm(trx, request.community.id, termId)
      if (ended.ok) await recordAudit(trx, { actorId: request.member!.id, action: 'organizer.ended', communityId: request.community.id, target: ended.name })
      return ended
    })
    if (!result.ok) {
      if (result.status === 404) throw notFound('organizer term')
      return reply.page('c/orga/organizers/index', { ...await organizersPage(request), values: { email: '', starts_on: '', ends_on: '' }, problem: result.message }, result.status)
    }
    return reply.flash('The organizer term has ended.').redirect(paths.orgaOrganizers(request.community.slug), 303)
  }
}
