import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { connectedMember, removeConnectionWith } from '../../domain/connections/met.service.js'
import { notFound } from '../../lib/errors.js'
import { idParam } from '../../lib/http.js'
import { paths } from '../../lib/paths.js'
import { buttonForm, IdParams, NoQuery, pageRoute } from '../../lib/schema.js'

/**
 * Removing a connection (signed-in members): GET asks "Remove your connection with X?", POST removes it (and both
 * "met" marks; the pair is never suggested again). Either side may. Anyone the viewer is not connected with: 404.
 */
export default async function connectionRoutes (app: FastifyInstance) {
  app.get('/members/:id/connection/remove', { ...pageRoute(IdParams), preHandler: app.requireMember }, confirmRemove)
  app.post('/members/:id/connection/remove', { schema: { params: IdParams, querystring: NoQuery, body: buttonForm }, preHandler: app.requireMember }, remove)

  async function confirmRemove (request: FastifyRequest, reply: FastifyReply) {
    const other = await connectedMember(app.db, request.member!.id, idParam(request))
    if (!other) throw notFound()
    return reply.page('members/remove-connection', { title: `Remove your connection with ${other.full_name}?`, other })
  }

  async function remove (request: FastifyRequest, reply: FastifyReply) {
    const me = request.member!.id
    const other = await connectedMember(app.db, me, idParam(request))
    if (!other) throw notFound()
    await app.db.transaction().execute((trx) => removeConnectionWith(trx, me, other.id))
    return reply.flash(`Your connection with ${other.full_name} is removed. You won’t be suggested to each other again.`)
      .redirect(paths.member(me) + '#connections', 303)
  }
}
