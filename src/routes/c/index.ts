import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { listCurrentOrganizers, listRequirements } from '../../domain/communities/communities.repository.js'
import { describePolicy, mayOrganize } from '../../domain/communities/policy.js'
import { upcomingEvents } from '../../domain/events/events.service.js'
import { joinStatus } from '../../domain/memberships/join.service.js'
import { listOpenCalls } from '../../domain/proposals/proposals.repository.js'
import { dateTime } from '../../lib/format.js'
import { NoQuery, SlugParams } from '../../lib/schema.js'
import callRoutes from './calls/index.js'
import eventRoutes from './events/index.js'
import joinRoutes from './join/index.js'
import leaveRoutes from './leave/index.js'
import memberRoutes from './members/index.js'
import orgaRoutes from './orga/index.js'
import { paths } from '../../lib/paths.js'

/**
 * Everything under /c/:slug. The community guard loads the community for every route of this folder and its
 * subfolders, and answers 404 to anyone who is not a member unless a route says otherwise (`config.access`):
 * members-only is the default, so a new page cannot be left open by forgetting a guard.
 */
export default async function communityRoutes (app: FastifyInstance) {
  app.addHook('preHandler', app.communityGuard)

  app.get('/c/:slug', { schema: { params: SlugParams, querystring: NoQuery }, config: { access: 'public' } }, showCommunity)

  await app.register(joinRoutes)
  await app.register(leaveRoutes)
  await app.register(eventRoutes)
  await app.register(memberRoutes)
  await app.register(callRoutes)
  await app.register(orgaRoutes)

  /** The community's home for members (and site admins); its landing page for everyone else. */
  async function showCommunity (request: FastifyRequest, reply: FastifyReply) {
    const community = request.community
    const s = request.standing
    const requirements = await listRequirements(app.db, community.id)
    if (s.isMember || s.isOrganizer || s.isAdmin) {
      const [organizers, calls] = await Promise.all([listCurrentOrganizers(app.db, community.id), listOpenCalls(app.db, community.id, new Date())])
      return reply.page('c/home', {
        title: community.name, community, requirements, organizers, standing: s, canOrganize: mayOrganize(s),
        openCalls: calls.map((c) => ({ href: paths.call(community.slug, c.id), title: c.title, on: c.target_title, closes: dateTime(c.closes_at, c.time_zone) })),
        myProposalsHref: paths.myProposals(community.slug),
        upcoming: (await upcomingEvents(app.db, community.id, 5)).map((e) => ({
          href: paths.eventPage(community.slug, e.id), title: e.title, when: dateTime(e.starts_at, e.time_zone)
        }))
      })
    }
    const status = request.member ? await joinStatus(app.db, community.id, request.member.id) : null
    return reply.page('c/landing', { title: community.name, community, requirements, policy: describePolicy(community), joinStatus: status })
  }
}
