import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { regenerateMetCode } from '../../domain/connections/qr.service.js'
import { paths } from '../../lib/paths.js'
import { buttonForm, NoQuery } from '../../lib/schema.js'

/** The member's personal QR code (shown on /profile): replace it. Under profile/, so signed-in members only. */
export default async function profileQrRoutes (app: FastifyInstance) {
  app.post('/profile/met-code', { schema: { querystring: NoQuery, body: buttonForm } }, newMetCode)

  async function newMetCode (request: FastifyRequest, reply: FastifyReply) {
    await regenerateMetCode(app.db, request.member!.id)
    return reply.flash('You have a new QR code. The old one no longer works: anyone who scans it is told it is not valid any more.')
      .redirect(paths.profileMetCodeSection(), 303)
  }
}
