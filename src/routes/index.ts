import type { FastifyInstance } from 'fastify'
import publicRoutes from './public/index.js'
import authRoutes from './auth/index.js'
import setupRoutes from './setup/index.js'
import adminRoutes from './admin/index.js'
import profileRoutes from './profile/index.js'
import memberRoutes from './members/index.js'
import communityRoutes from './c/index.js'
import joinLinkRoutes from './join/index.js'
import emailChangeRoutes from './email-change/index.js'
import invitationRoutes from './invitations/index.js'
import rsvpLinkRoutes from './rsvp/index.js'
import talkConfirmRoutes from './talk-confirm/index.js'
import feedRoutes from './feeds/index.js'
import inboundRoutes from './inbound/index.js'
import devRoutes from './dev/index.js'
import metRoutes from './met/index.js'

/**
 * Every route folder, one encapsulated plugin each, laid out as the URLs are (see src/routes/README.md). A
 * folder's guard is a hook in its index.ts; a folder's index registers its own files and subfolders.
 */
export default async function routes (app: FastifyInstance) {
  await app.register(publicRoutes)
  await app.register(authRoutes)
  await app.register(setupRoutes)
  await app.register(adminRoutes)
  await app.register(profileRoutes)
  await app.register(memberRoutes)
  await app.register(communityRoutes)
  await app.register(joinLinkRoutes)
  await app.register(emailChangeRoutes)
  await app.register(invitationRoutes)
  await app.register(rsvpLinkRoutes)
  await app.register(talkConfirmRoutes)
  await app.register(feedRoutes)
  await app.register(inboundRoutes)
  await app.register(devRoutes)
  await app.register(metRoutes)
}
