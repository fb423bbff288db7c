import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Community, Member } from '../../db/database.js'
import { cachedSessionMember, endSession, startSession } from '../../domain/auth/auth.service.js'
import { cachedCommunityWithStanding } from '../../domain/communities/communities.service.js'
import { paths } from '../../lib/paths.js'
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
  interface FastifyContextConfig {
    /**
     * Who may reach a page under /c/:slug (read by `communityGuard`): members by default; 'public' for pages
     * anyone may see (the landing page, asking to join); 'signed-in' for pages of someone signed in who is not a
     * member yet (accepting the norms).
     */
    access?: 'public' | 'signed-in'
  }
  interface FastifyInstance {
    /** preHandlers: use in `preHandler: [app.requireMember]` or in a folder's hook. */
    requireMember: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    /**
     * The hook of every page under /c/:slug (src/routes/c/index.ts): loads the community (404 if none) and the
     * viewer's standing; then, by the route's `config.access`, 404 to anyone who is not a member (the default),
     * or sends people who are not signed in to sign in first ('signed-in'), or lets everyone in ('public').
     */
    communityGuard: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>
    /** Organizers of :slug's community (and site admins); members get 403, everyone else 404. Loads the community if no guard did. */
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
    // A new CSRF secret with the new session: a token made before signing in (a planted one) is refused after.
    this.renewCsrf()
  })
  app.decorateReply('signOut', async function (this: FastifyReply) {
    const id = this.request.cookies[SESSION_COOKIE]
    if (id) await endSession(app.db, id)
    this.clearCookie(SESSION_COOKIE, { path: '/' })
    this.renewCsrf()
  })

  app.decorate('requireMember', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.member) {
      reply.redirect(paths.signIn(request.url), 303)
      return reply
    }
  })
  app.decorate('requireAdmin', async (request: FastifyRequest) => {
    if (!request.member?.is_admin) throw notFound()
  })

  async function load (request: FastifyRequest): Promise<void> {
    // Loaded once per request: the guard of /c/:slug and the organizer guard of its orga folder both ask for it.
    if (request.community) return
    const slug = (request.params as { slug?: string }).slug ?? ''
    // One round trip for the community and the viewer's standing in it.
    const found = await cachedCommunityWithStanding(app.caches.standings, app.db, slug, request.member?.id ?? null)
    if (!found) throw notFound('community')
    request.community = found.community
    request.standing = { isMember: found.isMember, isOrganizer: found.isOrganizer, isAdmin: Boolean(request.member?.is_admin) }
  }
  app.decorate('communityGuard', async (request: FastifyRequest, reply: FastifyReply) => {
    const access = request.routeOptions.config.access
    // Sign-in first, as before the community is looked up: a stranger is sent to sign in whatever the address.
    if (access === 'signed-in' && !request.member) {
      await app.requireMember(request, reply)
      return reply
    }
    await load(request)
    const s = request.standing
    // Members-only unless the route says otherwise; to everyone else the community's pages do not exist.
    if (access === undefined && !s.isMember && !s.isOrganizer && !s.isAdmin) throw notFound()
    // An archived community is read-only: nothing is posted to it (joining, answers, organizer changes).
    if (request.community.archived_at && request.method !== 'GET' && request.method !== 'HEAD') {
      throw new HttpError(403, 'This community is archived: its pages can be read, but nothing in it can be changed.')
    }
  })
  app.decorate('requireOrganizer', async (request: FastifyRequest) => {
    await load(request)
    const s = request.standing
    if (s.isOrganizer || s.isAdmin) return
    if (s.isMember) throw new HttpError(403, 'Only this community’s organizers can do that.')
    throw notFound()
  })
}, { name: 'auth', dependencies: ['db', 'security', 'cache'] })
