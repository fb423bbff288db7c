import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { answerIntroduction, introductionsPage } from '../../domain/connections/introductions.service.js'
import { HttpError } from '../../lib/errors.js'
import { idParam } from '../../lib/http.js'
import { paths } from '../../lib/paths.js'
import { buttonForm, IdParams, NoQuery, pageRoute } from '../../lib/schema.js'

const FLASH = {
  accepted: (name: string) => `You accepted. When ${name} accepts too, you are connected and see each other’s email address.`,
  connected: (name: string) => `You and ${name} are connected: you both accepted. We emailed you both.`,
  declined: (name: string) => `You declined the introduction to ${name}. ${name} sees only that it was not accepted.`
}

/**
 * The member's introductions (issue 13): to them, with Accept / Decline, and those they made, with how each
 * stands. Under profile/, so signed-in members only; an introduction of others answers 404.
 */
export default async function profileIntroductionRoutes (app: FastifyInstance) {
  app.get('/profile/introductions', pageRoute(NoQuery), showIntroductions)
  app.post('/profile/introductions/:id/accept', { schema: { params: IdParams, querystring: NoQuery, body: buttonForm } }, (request, reply) => answer(request, reply, 'accept'))
  app.post('/profile/introductions/:id/decline', { schema: { params: IdParams, querystring: NoQuery, body: buttonForm } }, (request, reply) => answer(request, reply, 'decline'))

  async function showIntroductions (request: FastifyRequest, reply: FastifyReply) {
    const page = await introductionsPage(app.db, request.member!.id)
    return reply.page('profile/introductions', { title: 'Your introductions', ...page, zone: request.viewerZone ?? 'UTC' })
  }

  async function answer (request: FastifyRequest, reply: FastifyReply, choice: 'accept' | 'decline') {
    const id = idParam(request, 'introduction')
    const outcome = await app.db.transaction().execute((trx) => answerIntroduction(trx, app.mailer, request.member!.id, id, choice))
    if (!outcome.ok) throw new HttpError(outcome.status, outcome.message)
    return reply.flash(FLASH[outcome.outcome](outcome.other)).redirect(paths.introductions(), 303)
  }
}
