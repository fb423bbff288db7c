import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { findCommunityById } from '../../domain/communities/communities.repository.js'
import { inspectJoinLink, verifyJoin, VERIFY_HOURS } from '../../domain/memberships/join.service.js'
import { str } from '../../lib/forms.js'
import { tokenPageHeaders } from '../../lib/http.js'

const VERIFY_PROBLEMS = {
  invalid: 'This link is not valid. It may have been copied incompletely.',
  expired: `This link has expired: links to confirm an address work for ${VERIFY_HOURS} hours. Ask to join again to get a new one.`,
  used: 'This link has already been used: each link works once. If you are a member, sign in.'
}

/**
 * The emailed link that confirms the address of someone who asked to join a community: the GET shows one button,
 * the POST confirms (and signs in whoever may now accept the norms).
 */
export default async function joinLinkRoutes (app: FastifyInstance) {
  app.get('/join/verify', showJoinLink)
  app.post('/join/verify', confirmAddress)

  async function showJoinLink (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const { token = '' } = request.query as { token?: string }
    const { problem, request: joinRequest } = await inspectJoinLink(app.db, token)
    const community = joinRequest ? await findCommunityById(app.db, joinRequest.community_id) : undefined
    if (problem || !joinRequest || !community) {
      return reply.page('auth/token-problem', {
        title: 'This link doesn’t work',
        message: VERIFY_PROBLEMS[problem ?? 'invalid'],
        retryHref: community ? `/c/${community.slug}/join` : '/',
        retryLabel: community ? `Ask to join ${community.name} again` : 'Go to the Convene home page'
      }, 400)
    }
    return reply.page('join/verify', { title: `Join ${community.name}`, community, token, email: joinRequest.email, approved: joinRequest.status === 'approved' })
  }

  async function confirmAddress (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const token = str(request.body, 'token', 200)
    const { outcome, community } = await app.db.transaction().execute((trx) =>
      verifyJoin(trx, app.mailer, token, (id) => findCommunityById(trx, id)))
    if (outcome.kind === 'token-problem' || !community) {
      const problem = outcome.kind === 'token-problem' ? outcome.problem : 'invalid'
      return reply.page('auth/token-problem', { title: 'This link doesn’t work', message: VERIFY_PROBLEMS[problem], retryHref: '/', retryLabel: 'Go to the Convene home page' }, 400)
    }
    if (outcome.kind === 'admit') {
      await reply.signIn(outcome.memberId)
      return reply.flash('Your email address is confirmed and you are signed in.').redirect(`/c/${community.slug}/join/norms`, 303)
    }
    if (outcome.kind === 'already-member') {
      await reply.signIn(outcome.memberId)
      return reply.flash(`You are already a member of ${community.name}, and now signed in.`).redirect(`/c/${community.slug}`, 303)
    }
    return reply.joinOutcome(community, outcome)
  }
}
