import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Community } from '../../db/database.js'
import { findCommunityById, listCurrentOrganizers, listRequirements } from '../../domain/communities/communities.repository.js'
import { describePolicy, mayOrganize } from '../../domain/communities/policy.js'
import { acceptInvitation, acceptNorms, inspectInvitation, inspectJoinLink, INVITATION_DAYS, joinStatus, requestAsMember,
  requestToJoin, verifyJoin, VERIFY_HOURS, type JoinOutcome } from '../../domain/memberships/join.service.js'
import { bool, check, normaliseEmail, str } from '../../lib/forms.js'
import { tokenPageHeaders } from '../../lib/http.js'
import { upcomingEvents } from '../../domain/events/events.service.js'
import { dateTime } from '../../lib/format.js'

const VERIFY_PROBLEMS = {
  invalid: 'This link is not valid. It may have been copied incompletely.',
  expired: `This link has expired: links to confirm an address work for ${VERIFY_HOURS} hours. Ask to join again to get a new one.`,
  used: 'This link has already been used: each link works once. If you are a member, sign in.'
}
const INVITATION_PROBLEMS = {
  invalid: 'This invitation link is not valid. It may have been copied incompletely, or the invitation was withdrawn.',
  expired: `This invitation has expired: invitations work for ${INVITATION_DAYS} days. Ask an organizer to invite you again.`,
  used: 'This invitation has already been used: each invitation works once. If you are a member, sign in.'
}

/**
 * Community pages and the join flow: the landing page (outsiders) or home (members), asking to join,
 * verifying the address, accepting the norms, and accepting an invitation.
 */
export default async function communityRoutes (app: FastifyInstance) {
  async function facts (community: Community) {
    return { requirements: await listRequirements(app.db, community.id), policy: describePolicy(community) }
  }

  /** A page that explains where a join step left the person (everything except sign-in redirects). */
  function showOutcome (reply: FastifyReply, community: Community, outcome: JoinOutcome, email?: string, refusal = 403) {
    const c = community
    switch (outcome.kind) {
      case 'check-email':
        return reply.page('communities/join-check-email', { title: 'Check your email', community: c, email, hours: VERIFY_HOURS })
      case 'domain-refused':
        return reply.page('communities/join-refused', { title: 'This address can’t join', community: c, email, allowedDomains: outcome.allowedDomains }, refusal)
      case 'invitation-only':
        return reply.page('communities/message', {
          title: 'By invitation only',
          message: `${c.name} is by invitation only: it does not take requests to join. If you work with one of its organizers, ask them to invite you.`,
          actions: [{ href: `/c/${c.slug}`, label: `About ${c.name}` }]
        }, refusal)
      case 'pending':
        return reply.page('communities/join-pending', { title: 'Your request is waiting for an organizer', community: c })
      case 'declined':
        return reply.page('communities/message', {
          title: 'Your request was declined',
          message: `An organizer of ${c.name} declined this request to join. If you think this is a mistake, ask an organizer you know to invite you.`,
          actions: [{ href: `/c/${c.slug}`, label: `About ${c.name}` }]
        }, 403)
      default:
        return reply.flash(`You are already a member of ${c.name}.`).redirect(`/c/${c.slug}`, 303)
    }
  }

  app.get('/c/:slug', { preHandler: app.loadCommunity }, async (request, reply) => {
    const community = request.community
    const s = request.standing
    const { requirements, policy } = await facts(community)
    if (s.isMember || s.isOrganizer || s.isAdmin) {
      const organizers = await listCurrentOrganizers(app.db, community.id)
      return reply.page('communities/home', {
        title: community.name, community, requirements, organizers, standing: s, canOrganize: mayOrganize(s),
        upcoming: (await upcomingEvents(app.db, community.id, 5)).map((e) => ({
          href: `/c/${community.slug}/events/${e.id}`, title: e.title, when: dateTime(e.starts_at, e.time_zone)
        }))
      })
    }
    const status = request.member ? await joinStatus(app.db, community.id, request.member.id) : null
    return reply.page('communities/landing', { title: community.name, community, requirements, policy, joinStatus: status })
  })

  app.get('/c/:slug/join', { preHandler: app.loadCommunity }, async (request, reply) => {
    const community = request.community
    const member = request.member
    if (member && request.standing.isMember) return showOutcome(reply, community, { kind: 'already-member', memberId: member.id })
    if (community.invitation_only) return showOutcome(reply, community, { kind: 'invitation-only' }, undefined, 200)
    if (member) {
      const status = await joinStatus(app.db, community.id, member.id)
      if (status === 'approved') return reply.redirect(`/c/${community.slug}/join/norms`, 303)
      if (status === 'pending') return showOutcome(reply, community, { kind: 'pending' })
    }
    return reply.page('communities/join', { title: `Ask to join ${community.name}`, community, policy: describePolicy(community), values: { email: '', full_name: '', agency: '', note: '' } })
  })

  app.post('/c/:slug/join', {
    preHandler: app.loadCommunity,
    // Per IP, generous (a whole agency may share one); per mailbox, strict (limitPerAddress below).
    config: { rateLimit: { max: 30, timeWindow: '15 minutes' } }
  }, async (request, reply) => {
    const community = request.community
    const member = request.member
    const note = str(request.body, 'note', 4000)
    if (community.invitation_only) return showOutcome(reply, community, { kind: 'invitation-only' })
    if (member) {
      const errors: Record<string, string> = {}
      check(errors, 'note', note, 'your note', { max: 1000 })
      if (Object.keys(errors).length) {
        return reply.page('communities/join', { title: `Ask to join ${community.name}`, community, policy: describePolicy(community), values: { note }, errors }, 400)
      }
      const outcome = await app.db.transaction().execute((trx) => requestAsMember(trx, community, member, note, app.config.PUBLIC_URL))
      if (outcome.kind === 'admit') return reply.redirect(`/c/${community.slug}/join/norms`, 303)
      return showOutcome(reply, community, outcome, member.email)
    }
    const values = {
      email: str(request.body, 'email', 320),
      full_name: str(request.body, 'full_name', 400),
      agency: str(request.body, 'agency', 400),
      note
    }
    const errors: Record<string, string> = {}
    const email = normaliseEmail(values.email)
    if (!values.email) errors.email = 'Enter your work email address.'
    else if (!email) errors.email = 'Enter an email address in the format name@agency.gov.'
    check(errors, 'full_name', values.full_name, 'your full name', { required: true, max: 200 })
    check(errors, 'agency', values.agency, 'your agency', { required: true, max: 200 })
    check(errors, 'note', values.note, 'your note', { max: 1000 })
    if (Object.keys(errors).length) {
      return reply.page('communities/join', { title: `Ask to join ${community.name}`, community, policy: describePolicy(community), values, errors }, 400)
    }
    await app.limitPerAddress(request, reply, email!)
    const outcome = await app.db.transaction().execute((trx) =>
      requestToJoin(trx, community, { email: email!, fullName: values.full_name, agency: values.agency, note: values.note }, app.config.PUBLIC_URL))
    if (outcome.kind === 'check-email' && !app.config.SMTP_URL) console.log(`Link to confirm ${email} for ${community.name}: ${outcome.link}`)
    return showOutcome(reply, community, outcome, email!)
  })

  app.get('/join/verify', async (request, reply) => {
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
    return reply.page('communities/verify', { title: `Join ${community.name}`, community, token, email: joinRequest.email, approved: joinRequest.status === 'approved' })
  })

  app.post('/join/verify', async (request, reply) => {
    tokenPageHeaders(reply)
    const token = str(request.body, 'token', 200)
    const { outcome, community } = await app.db.transaction().execute((trx) =>
      verifyJoin(trx, token, (id) => findCommunityById(trx, id), app.config.PUBLIC_URL))
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
    return showOutcome(reply, community, outcome)
  })

  app.get('/c/:slug/join/norms', { preHandler: [app.requireMember, app.loadCommunity] }, async (request, reply) => {
    const community = request.community
    if (request.standing.isMember) return showOutcome(reply, community, { kind: 'already-member', memberId: request.member!.id })
    const status = await joinStatus(app.db, community.id, request.member!.id)
    if (status !== 'approved') return reply.redirect(`/c/${community.slug}/join`, 303)
    return reply.page('communities/norms', { title: `Accept the norms of ${community.name}`, community })
  })

  app.post('/c/:slug/join/norms', { preHandler: [app.requireMember, app.loadCommunity] }, async (request, reply) => {
    const community = request.community
    if (!bool(request.body, 'accept_norms')) {
      return reply.page('communities/norms', {
        title: `Accept the norms of ${community.name}`,
        community,
        errors: { accept_norms: 'Tick the box to accept the norms: every member accepts them to join.' }
      }, 400)
    }
    const result = await app.db.transaction().execute((trx) => acceptNorms(trx, community.id, request.member!.id))
    if (result === 'none') return reply.redirect(`/c/${community.slug}/join`, 303)
    if (result === 'already-member') return showOutcome(reply, community, { kind: 'already-member', memberId: request.member!.id })
    return reply.flash(`Welcome to ${community.name}! You are now a member.`).redirect(`/c/${community.slug}`, 303)
  })

  async function invitationPage (token: string) {
    const found = await inspectInvitation(app.db, token)
    const community = found.invitation ? await findCommunityById(app.db, found.invitation.community_id) : undefined
    return { ...found, community, problem: found.problem ?? (community ? null : 'invalid' as const) }
  }

  app.get('/invitations/accept', async (request, reply) => {
    tokenPageHeaders(reply)
    const { token = '' } = request.query as { token?: string }
    const found = await invitationPage(token)
    if (found.problem || !found.community) {
      return reply.page('auth/token-problem', { title: 'This invitation doesn’t work', message: INVITATION_PROBLEMS[found.problem ?? 'invalid'], retryHref: '/', retryLabel: 'Go to the Convene home page' }, 400)
    }
    return reply.page('communities/invitation', { title: `Join ${found.community.name}`, community: found.community, token, email: found.invitation!.email })
  })

  app.post('/invitations/accept', async (request, reply) => {
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
      if (!bool(request.body, 'profile')) return reply.page('communities/invitation-profile', page)
      const errors: Record<string, string> = {}
      check(errors, 'full_name', values.full_name, 'your full name', { required: true, max: 200 })
      check(errors, 'agency', values.agency, 'your agency', { required: true, max: 200 })
      if (Object.keys(errors).length) return reply.page('communities/invitation-profile', { ...page, errors }, 400)
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
  })
}
