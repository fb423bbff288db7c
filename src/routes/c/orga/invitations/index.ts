import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { inviteByEmail } from '../../../../domain/memberships/join.service.js'
import { listInvitations } from '../../../../domain/memberships/memberships.repository.js'
import { check, lines, normaliseEmail, str } from '../../../../lib/forms.js'

/** Invitations to join the community, sent by email to a list of addresses. */
export default async function invitationRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/invitations', showInvitations)
  app.post('/c/:slug/orga/invitations', invite)

  async function invitationsPage (request: FastifyRequest) {
    return {
      title: `Invite people to ${request.community.name}`,
      community: request.community,
      section: 'invitations',
      invitations: await listInvitations(app.db, request.community.id)
    }
  }

  async function showInvitations (request: FastifyRequest, reply: FastifyReply) {
    return reply.page('c/orga/invitations/index', { ...await invitationsPage(request), values: { emails: '' } })
  }

  async function invite (request: FastifyRequest, reply: FastifyReply) {
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
    if (Object.keys(errors).length) return reply.page('c/orga/invitations/index', { ...await invitationsPage(request), values, errors }, 400)
    const result = await app.db.transaction().execute((trx) => inviteByEmail(trx, app.mailer, request.community, emails, request.member!))
    const parts = [`Sent ${result.invited.length} invitation${result.invited.length === 1 ? '' : 's'}.`]
    if (result.alreadyMembers.length) parts.push(`Already members, not invited: ${result.alreadyMembers.join(', ')}.`)
    return reply.flash(parts.join(' ')).redirect(`/c/${request.community.slug}/orga/invitations`, 303)
  }
}
