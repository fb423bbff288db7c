import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { describePolicy } from '../../../domain/communities/policy.js'
import { acceptNorms, joinOutcomeWithoutMail, joinStatus, requestAsMember, requestToJoin } from '../../../domain/memberships/join.service.js'
import { JoinRequestForm, NormsForm, readJoinRequestForm } from '../../../forms/join-form.js'
import { bool } from '../../../lib/forms.js'
import { NoQuery, SlugParams } from '../../../lib/schema.js'
import { paths } from '../../../lib/paths.js'

/**
 * Joining a community: asking to join (anyone; the community guard lets them in with `access: 'public'`) and
 * accepting its norms (someone signed in whose request was approved). Confirming an address and accepting an
 * invitation come from emailed links outside /c/:slug (src/routes/join, src/routes/invitations).
 */
export default async function joinRoutes (app: FastifyInstance) {
  const page = { params: SlugParams, querystring: NoQuery }
  app.get('/c/:slug/join', { schema: page, config: { access: 'public' } }, showJoinForm)
  app.post('/c/:slug/join', {
    schema: { ...page, body: JoinRequestForm },
    // Per IP, generous (a whole agency may share one); per mailbox, strict (app.addressLimit below).
    config: { access: 'public', form: true, rateLimit: { max: 30, timeWindow: '15 minutes' } }
  }, askToJoin)
  app.get('/c/:slug/join/norms', { schema: page, config: { access: 'signed-in' } }, showNorms)
  app.post('/c/:slug/join/norms', { schema: { ...page, body: NormsForm }, config: { access: 'signed-in' } }, acceptTheNorms)

  async function showJoinForm (request: FastifyRequest, reply: FastifyReply) {
    const community = request.community
    const member = request.member
    if (member && request.standing.isMember) return reply.joinOutcome(community, { kind: 'already-member', memberId: member.id })
    if (community.invitation_only) return reply.joinOutcome(community, { kind: 'invitation-only' }, undefined, 200)
    if (member) {
      const status = await joinStatus(app.db, community.id, member.id)
      if (status === 'approved') return reply.redirect(paths.joinNorms(community.slug), 303)
      if (status === 'pending') return reply.joinOutcome(community, { kind: 'pending' })
    }
    return reply.page('c/join/form', { title: `Ask to join ${community.name}`, community, policy: describePolicy(community), values: { email: '', full_name: '', agency: '', note: '' } })
  }

  async function askToJoin (request: FastifyRequest, reply: FastifyReply) {
    const community = request.community
    const member = request.member
    if (community.invitation_only) return reply.joinOutcome(community, { kind: 'invitation-only' })
    const form = readJoinRequestForm(request.body, Boolean(member))
    if (!form.input) {
      const values = member ? { note: form.values.note } : form.values
      return reply.page('c/join/form', { title: `Ask to join ${community.name}`, community, policy: describePolicy(community), values, errors: form.errors }, 400)
    }
    const input = form.input
    if (member) {
      const outcome = await app.db.transaction().execute((trx) => requestAsMember(trx, app.mailer, community, member, input.note))
      if (outcome.kind === 'admit') return reply.redirect(paths.joinNorms(community.slug), 303)
      return reply.joinOutcome(community, outcome, member.email)
    }
    const email = input.email
    // Past the per-address limit: the answer the form would give, but no request recorded and no mail (a 429
    // would let anyone keep the address's owner from asking to join).
    const outcome = await app.addressLimit.take('join', email)
      ? await app.db.transaction().execute((trx) => requestToJoin(trx, app.mailer, community, input))
      : joinOutcomeWithoutMail(community, email)
    if (outcome.kind === 'check-email' && outcome.link && !app.config.SMTP_URL) console.log(`Link to confirm ${email} for ${community.name}: ${outcome.link}`)
    return reply.joinOutcome(community, outcome, email)
  }

  async function showNorms (request: FastifyRequest, reply: FastifyReply) {
    const community = request.community
    if (request.standing.isMember) return reply.joinOutcome(community, { kind: 'already-member', memberId: request.member!.id })
    const status = await joinStatus(app.db, community.id, request.member!.id)
    if (status !== 'approved') return reply.redirect(paths.join(community.slug), 303)
    return reply.page('c/join/norms', { title: `Accept the norms of ${community.name}`, community })
  }

  async function acceptTheNorms (request: FastifyRequest, reply: FastifyReply) {
    const community = request.community
    if (!bool(request.body, 'accept_norms')) {
      return reply.page('c/join/norms', {
        title: `Accept the norms of ${community.name}`,
        community,
        errors: { accept_norms: 'Tick the box to accept the norms: every member accepts them to join.' }
      }, 400)
    }
    const result = await app.db.transaction().execute((trx) => acceptNorms(trx, community.id, request.member!.id))
    if (result === 'none') return reply.redirect(paths.join(community.slug), 303)
    if (result === 'already-member') return reply.joinOutcome(community, { kind: 'already-member', memberId: request.member!.id })
    return reply.flash(`Welcome to ${community.name}! You are now a member.`).redirect(paths.community(community.slug), 303)
  }
}
