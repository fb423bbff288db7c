import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { listTerms, today } from '../../../../domain/communities/communities.repository.js'
import { addOrganizer, endTerm, organizerTermsView } from '../../../../domain/communities/organizers.service.js'
import { notFound } from '../../../../lib/errors.js'
import { idParam } from '../../../../lib/http.js'
import { normaliseEmail, str } from '../../../../lib/forms.js'

/** The community's organizers: current, upcoming and past coordinator terms; adding one, ending one. */
export default async function organizerRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/organizers', showOrganizers)
  app.post('/c/:slug/orga/organizers', addTerm)
  app.post('/c/:slug/orga/organizers/:termId/end', endTheTerm)

  async function organizersPage (request: FastifyRequest) {
    const [terms, now] = await Promise.all([listTerms(app.db, request.community.id), today(app.db)])
    return {
      title: `Organizers of ${request.community.name}`,
      community: request.community,
      section: 'organizers',
      ...organizerTermsView(terms, now)
    }
  }

  async function showOrganizers (request: FastifyRequest, reply: FastifyReply) {
    return reply.page('c/orga/organizers/index', { ...await organizersPage(request), values: { email: '', starts_on: '', ends_on: '' } })
  }

  async function addTerm (request: FastifyRequest, reply: FastifyReply) {
    const values = { email: str(request.body, 'email', 320), starts_on: str(request.body, 'starts_on', 40), ends_on: str(request.body, 'ends_on', 40) }
    const email = values.email ? normaliseEmail(values.email) : ''
    if (email === null) {
      return reply.page('c/orga/organizers/index', { ...await organizersPage(request), values, errors: { email: 'Enter an email address in the format name@agency.gov.' } }, 400)
    }
    const result = await app.db.transaction().execute((trx) => addOrganizer(trx, request.community.id, { ...values, email }, request.member!.id))
    if (!result.ok) return reply.page('c/orga/organizers/index', { ...await organizersPage(request), values, errors: result.errors }, 400)
    return reply.flash(result.message).redirect(`/c/${request.community.slug}/orga/organizers`, 303)
  }

  async function endTheTerm (request: FastifyRequest, reply: FastifyReply) {
    const termId = idParam(request, 'page', 'termId')
    const result = await app.db.transaction().execute((trx) => endTerm(trx, request.community.id, termId))
    if (!result.ok) {
      if (result.status === 404) throw notFound('organizer term')
      return reply.page('c/orga/organizers/index', { ...await organizersPage(request), values: { email: '', starts_on: '', ends_on: '' }, problem: result.message }, result.status)
    }
    return reply.flash('The organizer term has ended.').redirect(`/c/${request.community.slug}/orga/organizers`, 303)
  }
}
