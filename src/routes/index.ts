import type { FastifyInstance } from 'fastify'
import publicRoutes from './public/index.js'
import authRoutes from './auth/index.js'
import setupRoutes from './setup/index.js'
import adminRoutes from './admin/index.js'
import memberRoutes from './members/index.js'
import devRoutes from './dev/index.js'
import communityRoutes from './c/join/index.js'
import orgaRoutes from './c/orga/index.js'
import adminCommunityRoutes from './admin/communities.js'
import eventRoutes from './c/events/index.js'
import seriesRoutes from './c/orga/series/index.js'
import rsvpLinkRoutes from './rsvp/index.js'
import calendarRoutes from './feeds/index.js'
import inviteRoutes from './c/orga/invites/index.js'
import inboundRoutes from './inbound/index.js'

/** Every route folder, one encapsulated plugin each (see src/routes/README.md). */
export default async function routes (app: FastifyInstance) {
  await app.register(publicRoutes)
  await app.register(authRoutes)
  await app.register(setupRoutes)
  await app.register(adminRoutes)
  await app.register(memberRoutes)
  await app.register(devRoutes)
  await app.register(communityRoutes)
  await app.register(orgaRoutes)
  await app.register(adminCommunityRoutes)
  await app.register(eventRoutes)
  await app.register(seriesRoutes)
  await app.register(rsvpLinkRoutes)
  await app.register(calendarRoutes)
  await app.register(inviteRoutes)
  await app.register(inboundRoutes)
}
