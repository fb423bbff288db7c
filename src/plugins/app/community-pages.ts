import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Call, Community, Event } from '../../db/database.js'
import { mayOrganize } from '../../domain/communities/policy.js'
import { findVisibleEvent } from '../../domain/events/events.repository.js'
import { callPhase } from '../../domain/proposals/calls.service.js'
import { findCall } from '../../domain/proposals/proposals.repository.js'
import { VERIFY_HOURS, type JoinOutcome } from '../../domain/memberships/join.service.js'
import { notFound } from '../../lib/errors.js'
import { idParam } from '../../lib/http.js'
import { paths } from '../../lib/paths.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The :id event of the request's community (set by the community guard), or 404; drafts exist only for
     * organizers and site admins.
     */
    loadEvent (request: FastifyRequest): Promise<Event>
    /**
     * The :id call for proposals of the request's community, or 404. A call not open yet is only its
     * organizers' unless `evenNotOpen` (a co-speaker or reviewer reaching a call that was moved later).
     */
    loadCall (request: FastifyRequest, opts?: { evenNotOpen?: boolean }): Promise<Call>
  }
  interface FastifyReply {
    /**
     * A page that explains where a join step left the person (everything except sign-in redirects): asking to
     * join (/c/:slug/join), confirming the address (/join/verify) and accepting the norms reach the same ends.
     * `refusal` is the status of a refusal the person could not have known about before asking.
     */
    joinOutcome (community: Community, outcome: JoinOutcome, email?: string, refusal?: number): FastifyReply
    /**
     * An emailed link (confirming an address, accepting an invitation) that admitted someone: signs them in,
     * then on to the norms with `welcome`, or — already a member — to the community.
     */
    admitFromLink (community: Community, outcome: AdmittedOutcome, welcome: string): Promise<FastifyReply>
  }
}

/** The outcomes of a join step that sign the person in. */
export type AdmittedOutcome = Extract<JoinOutcome, { kind: 'admit' | 'already-member' }>

/** Whether a join step's outcome signs the person in (see `reply.admitFromLink`). */
export function isAdmitted (outcome: JoinOutcome): outcome is AdmittedOutcome {
  return outcome.kind === 'admit' || outcome.kind === 'already-member'
}

/** What pages of several route folders under /c/:slug and of the join flow share (route files import no route file). */
export default fp(async (app) => {
  app.decorate('loadEvent', async (request: FastifyRequest): Promise<Event> => {
    const s = request.standing
    const event = await findVisibleEvent(app.db, request.community.id, idParam(request, 'event'), s.isOrganizer || s.isAdmin)
    if (!event) throw notFound('event')
    return event
  })

  app.decorate('loadCall', async (request: FastifyRequest, opts: { evenNotOpen?: boolean } = {}): Promise<Call> => {
    const call = await findCall(app.db, request.community.id, idParam(request, 'call'))
    if (!call || (!opts.evenNotOpen && callPhase(call) === 'not-open' && !mayOrganize(request.standing))) throw notFound('call')
    return call
  })

  app.decorateReply('admitFromLink', async function (this: FastifyReply, c: Community, outcome: AdmittedOutcome, welcome: string) {
    await this.signIn(outcome.memberId)
    if (outcome.kind === 'admit') return this.flash(welcome).redirect(`/c/${c.slug}/join/norms`, 303)
    return this.flash(`You are already a member of ${c.name}, and now signed in.`).redirect(`/c/${c.slug}`, 303)
  })

  app.decorateReply('joinOutcome', function (this: FastifyReply, c: Community, outcome: JoinOutcome, email?: string, refusal = 403) {
    switch (outcome.kind) {
      case 'check-email':
        return this.page('c/join/check-email', { title: 'Check your email', community: c, email, hours: VERIFY_HOURS })
      case 'domain-refused':
        return this.page('c/join/refused', { title: 'This address can’t join', community: c, email, allowedDomains: outcome.allowedDomains }, refusal)
      case 'invitation-only':
        return this.page('c/join/message', {
          title: 'By invitation only',
          message: `${c.name} is by invitation only: it does not take requests to join. If you work with one of its organizers, ask them to invite you.`,
          actions: [{ href: paths.community(c.slug), label: `About ${c.name}` }]
        }, refusal)
      case 'pending':
        return this.page('c/join/pending', { title: 'Your request is waiting for an organizer', community: c })
      case 'declined':
        return this.page('c/join/message', {
          title: 'Your request was declined',
          message: `An organizer of ${c.name} declined this request to join. If you think this is a mistake, ask an organizer you know to invite you.`,
          actions: [{ href: paths.community(c.slug), label: `About ${c.name}` }]
        }, 403)
      default:
        return this.flash(`You are already a member of ${c.name}.`).redirect(paths.community(c.slug), 303)
    }
  })
}, { name: 'community-pages', dependencies: ['db', 'render', 'auth'] })
