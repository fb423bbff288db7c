import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { findCommunityById } from '../../domain/communities/communities.repository.js'
import { acceptInvitation, inspectInvitation, INVITATION_DAYS } from '../../domain/memberships/join.service.js'
import { Type, type Static } from 'typebox'
import { InvitationForm, readInvitationForm } from '../../forms/join-form.js'
import { NoQuery, queryText } from '../../lib/schema.js'
import { tokenPageHeaders } from '../../lib/http.js'
import { isAdmitted } from '../../plugins/app/community-pages.js'

const INVITATION_PROBLEMS = {
  invalid: 'This invitation link is not valid. It may have been copied incompletely, or the invitation was withdrawn.',
  expired: `This invitation has expired: invitations work for ${INVITATION_DAYS} days. Ask an organizer to invite you again.`,
  used: 'This invitation has already been used: each invitation works once. If you are a member, sign in.'
}

const InvitationQuery = Type.Object({ token: queryText('the invitation link', 500) }, { additionalProperties: false })

/**
 * The emailed link of an invitation to join a community: the GET shows one button; the POST accepts (after a
 * short form for someone who has no account yet) and signs the person in.
 */
export default async function invitationRoutes (app: FastifyInstance) {
  app.get('/invitations/accept', { schema: { querystring: InvitationQuery } }, showInvitation)
  app.post('/invitations/accept', { schema: { querystring: NoQuery, body: InvitationForm }, config: { form: true } }, acceptTheInvitation)

  async function invitationPage (token: string) {
    const found = await inspectInvitation(app.db, token)
    const community = found.invitation ? await findCommunityById(app.db, found.invitation.community_id) : undefined
    return { ...found, community, problem: found.problem ?? (community ? null : 'invalid' as const) }
  }

  async function showInvitation (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const { token = '' } = request.query as Static<typeof InvitationQuery>
    const found = await invitationPage(token)
    if (found.problem || !found.community) {
      return reply.page('auth/token-problem', { title: 'This invitation doesn’t work', message: INVITATION_PROBLEMS[found.problem ?? 'invalid'], retryHref: '/', retryLabel: 'Go to the Convene home page' }, 400)
    }
    return reply.page('invitations/accept', { title: `Join ${found.community.name}`, community: found.community, token, email: found.invitation!.email })
  }

  async function acceptTheInvitation (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const form = readInvitationForm(request.body)
    const token = form.values.token
    const found = await invitationPage(token)
    if (found.problem || !found.community) {
      return reply.page('auth/token-problem', { title: 'This invitation doesn’t work', message: INVITATION_PROBLEMS[found.problem ?? 'invalid'], retryHref: '/', retryLabel: 'Go to the Convene home page' }, 400)
    }
    const community = found.community
    let profile: { fullName: string, agency: string } | null = null
    if (!found.hasAccount) {
      // First the button, then a short form: a new member needs a name and an agency.
      const values = { full_name: form.values.full_name, agency: form.values.agency }
      const page = { title: `Join ${community.name}: about you`, community, token, email: found.invitation!.email, values }
      if (!form.profileSent) return reply.page('invitations/profile', page)
      if (!form.profile) return reply.page('invitations/profile', { ...page, errors: form.errors }, 400)
      profile = form.profile
    }
    const { outcome } = await app.db.transaction().execute((trx) => acceptInvitation(trx, token, profile))
    if (isAdmitted(outcome)) return reply.admitFromLink(community, outcome, 'Invitation accepted: you are signed in.')
    const problem = outcome.kind === 'token-problem' ? outcome.problem : 'invalid'
    return reply.page('auth/token-problem', { title: 'This invitation doesn’t work', message: INVITATION_PROBLEMS[problem], retryHref: '/', retryLabel: 'Go to the Convene home page' }, 400)
  }
}
