import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { answerConfirmLink, lookUpConfirmLink, type ConfirmOutcome } from '../../domain/proposals/decisions.service.js'
import { readForm } from '../../forms/read-form.js'
import { tokenPageHeaders } from '../../lib/http.js'
import { paths } from '../../lib/paths.js'
import { form, NoQuery, oneOf, text } from '../../lib/schema.js'

const TokenParams = Type.Object({ token: Type.String({ title: 'the confirm link', maxLength: 100 }) })
const AnswerForm = form({ token: text('the confirm link', 100, { required: true }), answer: oneOf('Your answer', ['confirmed', 'declined'], { required: true }) })

const OUTCOMES: Record<ConfirmOutcome, { title: string, message: string, status: number }> = {
  confirmed: { title: 'Talk confirmed', message: 'Thank you: your talk is confirmed. The organizers will be in touch about the agenda.', status: 200 },
  'already-confirmed': { title: 'Talk confirmed', message: 'Your talk was already confirmed. Nothing changed.', status: 200 },
  declined: { title: 'Talk declined', message: 'Your answer is recorded: you will not give this talk. Thank you for telling the organizers; the slot goes to another speaker.', status: 200 },
  stale: { title: 'This link no longer works', message: 'This confirm link no longer works: the talk was declined, or the decision changed. Sign in and open your proposal to see where it stands.', status: 409 }
}

/**
 * An accepted speaker's mailed link (works without signing in, signs no one in): the GET shows the talk and
 * two buttons, only the POST answers. A confirmed speaker may still decline through it later.
 */
export default async function confirmRoutes (app: FastifyInstance) {
  app.get('/talk-confirm/:token', { schema: { params: TokenParams, querystring: NoQuery } }, showLink)
  app.post('/talk-confirm', { schema: { querystring: NoQuery, body: AnswerForm }, config: { form: true } }, answer)

  function broken (reply: FastifyReply) {
    return reply.page('talk-confirm/done', {
      title: 'This link doesn’t work',
      message: 'This confirm link is not valid. It may have been copied incompletely. Sign in and open your proposal instead.',
      proposalHref: paths.signIn()
    }, 400)
  }

  async function showLink (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const token = (request.params as { token: string }).token
    const found = await lookUpConfirmLink(app.db, app.secret, token)
    if (!found.ok) return broken(reply)
    const p = found.proposal
    return reply.page('talk-confirm/confirm', {
      title: `Your talk: ${p.title}`,
      talkCommunity: found.community,
      call: found.call,
      proposal: p,
      token,
      usable: found.usable,
      proposalHref: paths.proposal(found.community.slug, found.call.id, p.id)
    })
  }

  async function answer (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const f = readForm(AnswerForm, request.body)
    if (f.errors.token) return broken(reply)
    const found = await lookUpConfirmLink(app.db, app.secret, f.values.token)
    if (!found.ok) return broken(reply)
    if (f.errors.answer) {
      return reply.page('talk-confirm/confirm', {
        title: `Your talk: ${found.proposal.title}`, talkCommunity: found.community, call: found.call, proposal: found.proposal,
        token: f.values.token, usable: found.usable, errors: { answer: 'Choose Confirm or Decline.' },
        proposalHref: paths.proposal(found.community.slug, found.call.id, found.proposal.id)
      }, 400)
    }
    const outcome = await answerConfirmLink(app.db, app.mailer, f.values.token, f.values.answer as 'confirmed' | 'declined')
    const o = OUTCOMES[outcome]
    return reply.page('talk-confirm/done', {
      title: o.title, message: o.message,
      proposalHref: paths.proposal(found.community.slug, found.call.id, found.proposal.id)
    }, o.status)
  }
}
