import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { recordAudit } from '../../../../domain/audit/audit.service.js'
import { inviteByEmail } from '../../../../domain/memberships/join.service.js'
import { listInvitations } from '../../../../domain/memberships/memberships.repository.js'
import { InvitationsForm, readInvitationsForm } from '../../../../forms/email-list-form.js'
import { NoQuery, SlugParams } from '../../../../lib/schema.js'
import { paths } from '../../../../lib/paths.js'

/** Invitations to join the community, sent by email to a list of addresses. */
export default async function invitationRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/invitations', { schema: { params: SlugParams, querystring: NoQuery } }, showInvitations)
  // The form is re-shown with its errors and the input kept (config.form).
  app.post('/c/:slug/orga/invitations', { schema: { params: SlugParams, querystring: NoQuery, body: InvitationsForm }, config: { form: true } }, invite)

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
    const { values, errors, emails } = readInvitationsForm(request.body)
    if (!emails) return reply.page('c/orga/invitations/index', { ...await invitationsPage(request), values, errors }, 400)
    const result = await app.db.transaction().execute(async (trx) => {
      const sent = await inviteByEmail(trx, app.mailer, request.community, emails, request.member!)
      if (sent.invited.length) {
        await recordAudit(trx, { actorId: request.member!.id, action: 'invitations.sent', communityId: request.community.id, target: sent.invited.join(', ') })
      }
      return sent
    })
    const parts = [`Sent ${result.invited.length} invitation${result.invited.length === 1 ? '' : 's'}.`]
    if (result.alreadyMembers.length) parts.push(`Already members, not invited: ${result.alreadyMembers.join(', ')}.`)
    return reply.flash(parts.join(' ')).redirect(paths.orgaInvitations(request.community.slug), 303)
  }
}
