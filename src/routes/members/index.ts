import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { memberPageFor } from '../../domain/members/members.service.js'
import { notFound } from '../../lib/errors.js'
import { idParam } from '../../lib/http.js'
import { IdParams, NoQuery } from '../../lib/schema.js'

/** Member pages, for members who share a community with the member shown. */
export default async function memberRoutes (app: FastifyInstance) {
  // To anyone who does not share a community with the member, the page does not exist (404, not 403).
  app.get('/members/:id', { schema: { params: IdParams, querystring: NoQuery } }, showMember)

  async function showMember (request: FastifyRequest, reply: FastifyReply) {
    const found = await memberPageFor(app.db, request.member, idParam(request))
    if (!found) throw notFound()
    // `member` is the viewer in every template; the member shown is `profile`.
    return reply.page('members/show', {
      title: found.member.full_name,
      profile: found.member,
      communities: found.communities,
      sharedOnly: found.sharedOnly,
      isSelf: found.member.id === request.member!.id
    })
  }
}
