import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Community, Member } from '../../db/database.js'
import { cachedSessionMember, endSession, startSession } from '../../domain/auth/auth.service.js'
import { cachedCommunityWithStanding } from '../../domain/communities/communities.service.js'
import { isValidZone } from '../../lib/time-zones.js'
import { HttpError, notFound } from '../../lib/errors.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in member, or null. */
    member: Member | null
    /**
     * The viewer's IANA time zone: their profile's, else the one their browser reports (cookie `convene_tz`,
     * set by public/convene.js), else null.
     */
    viewerZone: string | null
    /** Set by the community guards: the community named by the :slug in the URL and the viewer's standing. */
    community: Community
    standing: { isMember: boolean, isOrganizer: boolean, isAdmin: boolean }
  }
  interface FastifyReply {
    signIn (memberId: number): Promise<void>
    signOut (): Promise<void>
  }
  interface FastifyInstance {
    /** preHandlers: use in `preHandler: [app.requireMember]` or in a folder's hook. */
    requireMember: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    /** Loads :slug's community; anyone may see it (its public landing page). */
    loadCommunity: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    /** Members of :slug's community (and site admins); everyone else gets 404, as if it did not exist. */
    requireCommunityMember: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    /** Organizers of :slug's community (and site admins); members get 403, everyone else 404. */
    requireOrganizer: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  }
}

export const SESSION_COOKIE = 'convene_session'
/** Set by the browser (public/convene.js) to its time zone; used until the member picks one in their profile. */
export const ZONE_COOKIE = 'convene_tz'

export default fp(async (app) => {
  app.decorateRequest('member', null)
  app.decorateRequest('viewerZone', null)
  app.decorateRequest('community', null as unknown as Community)
  app.decorateRequest('standing', null as unknown as FastifyRequest['standing'])

  app.addHook('onRequest', async (request) => {
    const id = request.cookies[SESSION_COOKIE]
    if (id) request.member = (await cachedSessionMember(app.caches.sessions, app.db, id)) ?? null
    const browserZone = request.cookies[ZONE_COOKIE]
    request.viewerZone = request.member?.time_zone ?? (browserZone && browserZone.length <= 64 && isValidZone(browserZone) ? browserZone : null)
  })

  app.decorateReply('signIn', async function (this: FastifyReply, memberId: number) {
    // A new session id on every sign-in; an old one (if any) stops working.
    const old = this.request.cookies[SESSION_COOKIE]
    if (old) await endSession(app.db, old)
    const { id, expiresAt } = await startSession(app.db, memberId, app.config.SESSION_DAYS)
    this.setCookie(SESSION_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', expires: expiresAt })
  })
  app.decorateReply('signOut', async function (this: FastifyReply) {
    const id = this.request.cookies[SESSION_COOKIE]
    if (id) await endSession(app.db, id)
    this.clearCookie(SESSION_COOKIE, { path: '/' })
  })

  app.decorate('requireMember', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.member) {
      const next = encodeURIComponent(request.url)
      reply.redirect(`/sign-in?next=${next}`, 303)
      return reply
    }
  })
  app.decorate('requireAdmin', async (request: FastifyRequest) => {
    if (!request.member?.is_admin) throw notFound()
  })

  async function load (request: FastifyRequest): Promise<void> {
    const slug = (request.params as { slug?: string }).slug ?? ''
    // One round trip for the community and the viewer's standing in it.
    const found = await cachedCommunityWithStanding(app.caches.standings, app.db, slug, request.member?.id ?? null)
    if (!found) throw notFound('community')
    request.community = found.community
    request.standing = { isMember: found.isMember, isOrganizer: found.isOrganizer, isAdmin: Boolean(request.member?.is_admin) }
  }
  app.decorate('loadCommunity', async (request: FastifyRequest) => { await load(request) })
  app.decorate('requireCommunityMember', async (request: FastifyRequest) => {
    await load(request)
    const s = request.standing
    if (!s.isMember && !s.isOrganizer && !s.isAdmin) throw notFound()
  })
  app.decorate('requireOrganizer', async (request: FastifyRequest) => {
    await load(request)
    const s = request.standing
    if (s.isOrganizer || s.isAdmin) return
    if (s.isMember) throw new HttpError(403, 'Only this community’s organizers can do that.')
    throw notFound()
  })
}, { name: 'auth', dependencies: ['db', 'security', 'cache'] })
