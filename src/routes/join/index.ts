import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { findCommunityById } from '../../domain/communities/communities.repository.js'
import { inspectJoinLink, verifyJoin, VERIFY_HOURS } from '../../domain/memberships/join.service.js'
import { Type, type Static } from 'typebox'
import { linkToken } from '../../forms/join-form.js'
import { form, NoQuery, queryText } from '../../lib/schema.js'
import { tokenPageHeaders } from '../../lib/http.js'
import { isAdmitted } from '../../plugins/app/community-pages.js'
import { paths } from '../../lib/paths.js'

const VERIFY_PROBLEMS = {
  invalid: 'This link is not valid. It may have been copied incompletely.',
  expired: `This link has expired: links to confirm an address work for ${VERIFY_HOURS} hours. Ask to join again to get a new one.`,
  used: 'This link has already been used: each link works once. If you are a member, sign in.'
}

const LinkQuery = Type.Object({ token: queryText('the link', 500) }, { additionalProperties: false })
const LinkForm = form({ token: linkToken('the link') })

/**
 * The emailed link that confirms the address of someone who asked to join a community: the GET shows one button,
 * the POST confirms (and signs in whoever may now accept the norms).
 */
export default async function joinLinkRoutes (app: FastifyInstance) {
  app.get('/join/verify', { schema: { querystring: LinkQuery } }, showJoinLink)
  app.post('/join/verify', { schema: { querystring: NoQuery, body: LinkForm } }, confirmAddress)

  async function showJoinLink (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const { token = '' } = request.query as Static<typeof LinkQuery>
    const { problem, request: joinRequest } = await inspectJoinLink(app.db, token)
    const community = joinRequest ? await findCommunityById(app.db, joinRequest.community_id) : undefined
    if (problem || !joinRequest || !community) {
      return reply.page('auth/token-problem', {
        title: 'This link doesn’t work',
        message: VERIFY_PROBLEMS[problem ?? 'invalid'],
        retryHref: community ? paths.join(community.slug) : paths.home(),
        retryLabel: community ? `Ask to join ${community.name} again` : 'Go to the Convene home page'
      }, 400)
    }
    return reply.page('join/verify', { title: `Join ${community.name}`, community, token, email: joinRequest.email, approved: joinRequest.status === 'approved' })
  }

  async function confirmAddress (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const { token = '' } = request.body as Static<typeof LinkForm>
    const { outcome, community } = await app.db.transaction().execute((trx) =>
      verifyJoin(trx, app.mailer, token, (id) => findCommunityById(trx, id)))
    if (outcome.kind === 'token-problem' || !community) {
      const problem = outcome.kind === 'token-problem' ? outcome.problem : 'invalid'
      return reply.page('auth/token-problem', { title: 'This link doesn’t work', message: VERIFY_PROBLEMS[problem], retryHref: '/', retryLabel: 'Go to the Convene home page' }, 400)
    }
    if (isAdmitted(outcome)) return reply.admitFromLink(community, outcome, 'Your email address is confirmed and you are signed in.')
    return reply.joinOutcome(community, outcome)
  }
}
