import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { recordAudit } from '../../../../domain/audit/audit.service.js'
import { inviteByEmail, resendInvitation, revokeInvitation } from '../../../../domain/memberships/join.service.js'
import { listInvitations } from '../../../../domain/memberships/memberships.repository.js'
import { InvitationsForm, readInvitationsForm } from '../../../../forms/email-list-form.js'
import { HttpError } from '../../../../lib/errors.js'
import { idParam } from '../../../../lib/http.js'
import { buttonForm, NoQuery, SlugIdParams, SlugParams } from '../../../../lib/schema.js'
import { paths } from '../../../../lib/paths.js'

/** Invitations to join the community, sent by email to a list of addresses. */
export default async function invitationRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/invitations', { schema: { params: SlugParams, querystring: NoQuery } }, showInvitations)
  // The form is re-shown with its errors and the input kept (config.form).
  app.post('/c/:slug/orga/invitations', { schema: { params: SlugParams, querystring: NoQuery, body: InvitationsForm }, config: { form: true } }, invite)
  app.post('/c/:slug/orga/invitations/:id/revoke', { schema: { params: SlugIdParams, querystring: NoQuery, body: buttonForm } }, revoke)
  app.post('/c/:slug/orga/invitations/:id/resend', { schema: { params: SlugIdParams, querystring: NoQuery, body: buttonForm } }, resend)

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

  async function revoke (request: FastifyRequest, reply: FastifyReply) {
    const id = idParam(request)
    const result = await app.db.transaction().execute(async (trx) => {
      const r = await revokeInvitation(trx, request.community, id)
      if (r.ok) await recordAudit(trx, { actorId: request.member!.id, action: 'invitation.revoked', communityId: request.community.id, target: r.email })
      return r
    })
    if (!result.ok) throw new HttpError(409, 'That invitation has been accepted or revoked already. Reload the list of invitations.')
    return reply.flash(`The invitation to ${result.email} is revoked: its link no longer works.`).redirect(paths.orgaInvitations(request.community.slug), 303)
  }

  async function resend (request: FastifyRequest, reply: FastifyReply) {
    const id = idParam(request)
    const result = await app.db.transaction().execute(async (trx) => {
      const r = await resendInvitation(trx, app.mailer, request.community, id, request.member!)
      if (r.ok) await recordAudit(trx, { actorId: request.member!.id, action: 'invitation.resent', communityId: request.community.id, target: r.email })
      return r
    })
    if (!result.ok) throw new HttpError(409, 'That invitation has been accepted or revoked already. Reload the list of invitations.')
    return reply.flash(`The invitation to ${result.email} is sent again, with a new link (the earlier one no longer works).`).redirect(paths.orgaInvitations(request.community.slug), 303)
  }
}
