import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { findCommunityById } from '../../domain/communities/communities.repository.js'
import { acceptInvitation, inspectInvitation, INVITATION_DAYS } from '../../domain/memberships/join.service.js'
import { bool, check, str } from '../../lib/forms.js'
import { tokenPageHeaders } from '../../lib/http.js'

const INVITATION_PROBLEMS = {
  invalid: 'This invitation link is not valid. It may have been copied incompletely, or the invitation was withdrawn.',
  expired: `This invitation has expired: invitations work for ${INVITATION_DAYS} days. Ask an organizer to invite you again.`,
  used: 'This invitation has already been used: each invitation works once. If you are a member, sign in.'
}

/**
 * The emailed link of an invitation to join a community: the GET shows one button; the POST accepts (after a
 * short form for someone who has no account yet) and signs the person in.
 */
export default async function invitationRoutes (app: FastifyInstance) {
  app.get('/invitations/accept', showInvitation)
  app.post('/invitations/accept', acceptTheInvitation)

  async function invitationPage (token: string) {
    const found = await inspectInvitation(app.db, token)
    const community = found.invitation ? await findCommunityById(app.db, found.invitation.community_id) : undefined
    return { ...found, community, problem: found.problem ?? (community ? null : 'invalid' as const) }
  }

  async function showInvitation (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const { token = '' } = request.query as { token?: string }
    const found = await invitationPage(token)
    if (found.problem || !found.community) {
      return reply.page('auth/token-problem', { title: 'This invitation doesn’t work', message: INVITATION_PROBLEMS[found.problem ?? 'invalid'], retryHref: '/', retryLabel: 'Go to the Convene home page' }, 400)
    }
    return reply.page('invitations/accept', { title: `Join ${found.community.name}`, community: found.community, token, email: found.invitation!.email })
  }

  async function acceptTheInvitation (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const token = str(request.body, 'token', 200)
    const found = await invitationPage(token)
    if (found.problem || !found.community) {
      return reply.page('auth/token-problem', { title: 'This invitation doesn’t work', message: INVITATION_PROBLEMS[found.problem ?? 'invalid'], retryHref: '/', retryLabel: 'Go to the Convene home page' }, 400)
    }
    const community = found.community
    let profile: { fullName: string, agency: string } | null = null
    if (!found.hasAccount) {
      // First the button, then a short form: a new member needs a name and an agency.
      const values = { full_name: str(request.body, 'full_name', 400), agency: str(request.body, 'agency', 400) }
      const page = { title: `Join ${community.name}: about you`, community, token, email: found.invitation!.email, values }
      if (!bool(request.body, 'profile')) return reply.page('invitations/profile', page)
      const errors: Record<string, string> = {}
      check(errors, 'full_name', values.full_name, 'your full name', { required: true, max: 200 })
      check(errors, 'agency', values.agency, 'your agency', { required: true, max: 200 })
      if (Object.keys(errors).length) return reply.page('invitations/profile', { ...page, errors }, 400)
      profile = { fullName: values.full_name, agency: values.agency }
    }
    const { outcome } = await app.db.transaction().execute((trx) => acceptInvitation(trx, token, profile))
    if (outcome.kind === 'admit') {
      await reply.signIn(outcome.memberId)
      return reply.flash('Invitation accepted: you are signed in.').redirect(`/c/${community.slug}/join/norms`, 303)
    }
    if (outcome.kind === 'already-member') {
      await reply.signIn(outcome.memberId)
      return reply.flash(`You are already a member of ${community.name}, and now signed in.`).redirect(`/c/${community.slug}`, 303)
    }
    const problem = outcome.kind === 'token-problem' ? outcome.problem : 'invalid'
    return reply.page('auth/token-problem', { title: 'This invitation doesn’t work', message: INVITATION_PROBLEMS[problem], retryHref: '/', retryLabel: 'Go to the Convene home page' }, 400)
  }
}
