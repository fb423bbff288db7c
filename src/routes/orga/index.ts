import type { FastifyInstance, FastifyRequest } from 'fastify'
import { listRequirements, listTerms, today } from '../../domain/communities/communities.repository.js'
import { updateCommunitySettings } from '../../domain/communities/communities.service.js'
import { addOrganizer, endTerm, organizerTermsView } from '../../domain/communities/organizers.service.js'
import { communityToForm, validateCommunityForm, type CommunityForm } from '../../domain/communities/settings.js'
import { approveRequest, declineRequest, inviteByEmail } from '../../domain/memberships/join.service.js'
import { listInvitations, listPendingRequests } from '../../domain/memberships/memberships.repository.js'
import { HttpError, notFound } from '../../lib/errors.js'
import { idParam } from '../../lib/http.js'
import { bool, check, lines, normaliseEmail, str } from '../../lib/forms.js'

/** The community settings form as typed (shared with the new-community page). */
export function readCommunityForm (body: unknown, withSlug = false): CommunityForm {
  return {
    ...(withSlug ? { slug: str(body, 'slug', 200) } : {}),
    name: str(body, 'name', 400),
    about: str(body, 'about', 4000),
    requirements: str(body, 'requirements', 20000),
    norms: str(body, 'norms', 20000),
    public_records_notice: str(body, 'public_records_notice', 4000),
    allowed_domains: str(body, 'allowed_domains', 20000),
    requires_approval: bool(body, 'requires_approval'),
    invitation_only: bool(body, 'invitation_only')
  }
}

/** The organizers' back office of one community: requests, settings, organizers, invitations. */
export default async function orgaRoutes (app: FastifyInstance) {
  // Organizers of the community (and site admins); members get 403, everyone else 404.
  app.addHook('preHandler', app.requireOrganizer)

  const base = (request: FastifyRequest) => `/c/${request.community.slug}/orga`

  // ---- Requests to join
  app.get('/c/:slug/orga/requests', async (request, reply) => {
    const requests = await listPendingRequests(app.db, request.community.id)
    return reply.page('orga/requests', { title: `Requests to join ${request.community.name}`, community: request.community, requests, section: 'requests' })
  })

  app.post('/c/:slug/orga/requests/:id/approve', async (request, reply) => {
    const id = idParam(request)
    const result = await app.db.transaction().execute((trx) => approveRequest(trx, request.community, id, request.member!.id, app.config.PUBLIC_URL))
    if (!result.ok) throw new HttpError(409, 'That request is no longer waiting for a decision: another organizer may have decided it. Reload the list of requests.')
    return reply.flash(`Approved ${result.name}. They have been emailed a link to accept the norms and join.`).redirect(`${base(request)}/requests`, 303)
  })

  app.post('/c/:slug/orga/requests/:id/decline', async (request, reply) => {
    const id = idParam(request)
    const note = str(request.body, 'decision_note', 2000)
    const result = await app.db.transaction().execute((trx) => declineRequest(trx, request.community, id, request.member!.id, note))
    if (!result.ok) throw new HttpError(409, 'That request is no longer waiting for a decision: another organizer may have decided it. Reload the list of requests.')
    return reply.flash(`Declined the request from ${result.name}.`).redirect(`${base(request)}/requests`, 303)
  })

  // ---- Settings
  app.get('/c/:slug/orga/settings', async (request, reply) => {
    const requirements = await listRequirements(app.db, request.community.id)
    const values = communityToForm(request.community, requirements.map((r) => r.name))
    return reply.page('orga/settings', { title: `Settings of ${request.community.name}`, community: request.community, values, section: 'settings' })
  })

  app.post('/c/:slug/orga/settings', async (request, reply) => {
    const values = readCommunityForm(request.body)
    const { input, errors } = validateCommunityForm(values)
    if (Object.keys(errors).length) {
      return reply.page('orga/settings', { title: `Settings of ${request.community.name}`, community: request.community, values, errors, section: 'settings' }, 400)
    }
    await app.db.transaction().execute((trx) => updateCommunitySettings(trx, request.community.id, input))
    return reply.flash('Settings saved.').redirect(`${base(request)}/settings`, 303)
  })

  // ---- Organizers (coordinator terms)
  async function organizersPage (request: FastifyRequest) {
    const [terms, now] = await Promise.all([listTerms(app.db, request.community.id), today(app.db)])
    return {
      title: `Organizers of ${request.community.name}`,
      community: request.community,
      section: 'organizers',
      ...organizerTermsView(terms, now)
    }
  }

  app.get('/c/:slug/orga/organizers', async (request, reply) => {
    return reply.page('orga/organizers', { ...await organizersPage(request), values: { email: '', starts_on: '', ends_on: '' } })
  })

  app.post('/c/:slug/orga/organizers', async (request, reply) => {
    const values = { email: str(request.body, 'email', 320), starts_on: str(request.body, 'starts_on', 40), ends_on: str(request.body, 'ends_on', 40) }
    const email = values.email ? normaliseEmail(values.email) : ''
    if (email === null) {
      return reply.page('orga/organizers', { ...await organizersPage(request), values, errors: { email: 'Enter an email address in the format name@agency.gov.' } }, 400)
    }
    const result = await app.db.transaction().execute((trx) => addOrganizer(trx, request.community.id, { ...values, email }, request.member!.id))
    if (!result.ok) return reply.page('orga/organizers', { ...await organizersPage(request), values, errors: result.errors }, 400)
    return reply.flash(result.message).redirect(`${base(request)}/organizers`, 303)
  })

  app.post('/c/:slug/orga/organizers/:termId/end', async (request, reply) => {
    const termId = idParam(request, 'page', 'termId')
    const result = await app.db.transaction().execute((trx) => endTerm(trx, request.community.id, termId))
    if (!result.ok) {
      if (result.status === 404) throw notFound('organizer term')
      return reply.page('orga/organizers', { ...await organizersPage(request), values: { email: '', starts_on: '', ends_on: '' }, problem: result.message }, result.status)
    }
    return reply.flash('The organizer term has ended.').redirect(`${base(request)}/organizers`, 303)
  })

  // ---- Invitations
  async function invitationsPage (request: FastifyRequest) {
    return {
      title: `Invite people to ${request.community.name}`,
      community: request.community,
      section: 'invitations',
      invitations: await listInvitations(app.db, request.community.id)
    }
  }

  app.get('/c/:slug/orga/invitations', async (request, reply) => {
    return reply.page('orga/invitations', { ...await invitationsPage(request), values: { emails: '' } })
  })

  app.post('/c/:slug/orga/invitations', async (request, reply) => {
    const values = { emails: str(request.body, 'emails', 50_000) }
    const raw = lines(values.emails, true)
    const errors: Record<string, string> = {}
    const emails: string[] = []
    const bad: string[] = []
    for (const line of raw) {
      const e = normaliseEmail(line)
      if (e) { if (!emails.includes(e)) emails.push(e) } else bad.push(line)
    }
    check(errors, 'emails', raw.length ? 'x' : '', 'at least one email address, one per line', { required: true })
    if (bad.length) errors.emails = `${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''} ${bad.length === 1 ? 'is not an email address' : 'are not email addresses'}. Write one address per line, like name@agency.gov.`
    else if (emails.length > 200) errors.emails = 'Invite at most 200 people at a time.'
    if (Object.keys(errors).length) return reply.page('orga/invitations', { ...await invitationsPage(request), values, errors }, 400)
    const result = await app.db.transaction().execute((trx) => inviteByEmail(trx, request.community, emails, request.member!, app.config.PUBLIC_URL))
    const parts = [`Sent ${result.invited.length} invitation${result.invited.length === 1 ? '' : 's'}.`]
    if (result.alreadyMembers.length) parts.push(`Already members, not invited: ${result.alreadyMembers.join(', ')}.`)
    return reply.flash(parts.join(' ')).redirect(`${base(request)}/invitations`, 303)
  })
}
