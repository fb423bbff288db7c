import type { FastifyInstance } from 'fastify'
import orgaAuditRoutes from './audit/index.js'
import orgaMemberRoutes from './members/index.js'
import callRoutes from './calls/index.js'
import checkInRoutes from './check-in/index.js'
import eventRoutes from './events/index.js'
import invitationRoutes from './invitations/index.js'
import inviteRoutes from './invites/index.js'
import organizerRoutes from './organizers/index.js'
import requestRoutes from './requests/index.js'
import seriesRoutes from './series/index.js'
import settingsRoutes from './settings/index.js'

/** The organizers' back office of one community, under /c/:slug/orga. */
export default async function orgaRoutes (app: FastifyInstance) {
  // Organizers of the community (and site admins); members get 403, everyone else 404 (the community guard of
  // the parent folder has already turned away non-members).
  app.addHook('preHandler', app.requireOrganizer)

  await app.register(eventRoutes)
  await app.register(checkInRoutes)
  await app.register(inviteRoutes)
  await app.register(seriesRoutes)
  await app.register(requestRoutes)
  await app.register(settingsRoutes)
  await app.register(organizerRoutes)
  await app.register(invitationRoutes)
  await app.register(orgaAuditRoutes)
  await app.register(orgaMemberRoutes)
  await app.register(callRoutes)
}
