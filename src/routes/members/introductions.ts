import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { introduce, introducible, NOTE_MAX, searchCandidates } from '../../domain/connections/introductions.service.js'
import { IntroduceForm, IntroduceQuery, readIntroduceForm, type IntroduceQueryValues } from '../../forms/introduction-form.js'
import { notFound } from '../../lib/errors.js'
import { idParam } from '../../lib/http.js'
import { paths } from '../../lib/paths.js'
import { formRoute, IdParams, pageRoute } from '../../lib/schema.js'

/**
 * Introducing a member to someone (issue 13), from their member page: any signed-in member who shares a
 * community with them (404 to anyone else, as the member page). The other member is found by a name search
 * among members sharing a community with the introducer; the note says why they should meet.
 */
export default async function introduceRoutes (app: FastifyInstance) {
  app.get('/members/:id/introduce', { ...pageRoute(IdParams, IntroduceQuery), preHandler: app.requireMember }, showForm)
  app.post('/members/:id/introduce', { ...formRoute(IdParams, IntroduceForm), preHandler: app.requireMember }, introduceThem)

  async function formPage (request: FastifyRequest, reply: FastifyReply, q: string,
    extra: { values?: Record<string, string>, errors?: Record<string, string> } = {}, status = 200) {
    const member = await introducible(app.db, request.member!, idParam(request))
    if (!member) throw notFound()
    const candidates = await searchCandidates(app.db, request.member!, member.id, q)
    return reply.page('members/introduce', {
      title: `Introduce ${member.full_name} to someone`,
      profile: member,
      q,
      candidates,
      noteMax: NOTE_MAX,
      searchAction: paths.introduce(member.id),
      values: extra.values ?? { other_id: '', note: '', q },
      errors: extra.errors ?? {}
    }, status)
  }

  async function showForm (request: FastifyRequest, reply: FastifyReply) {
    const q = ((request.query as IntroduceQueryValues).q ?? '').trim()
    return formPage(request, reply, q)
  }

  async function introduceThem (request: FastifyRequest, reply: FastifyReply) {
    const form = readIntroduceForm(request.body)
    const q = form.values.q.trim()
    if (form.note === null || form.errors.q) return formPage(request, reply, q, form, 400)
    const outcome = await app.db.transaction().execute((trx) => introduce(trx, app.mailer, request.member!, idParam(request), form.otherId, form.note!))
    if (!outcome.ok) {
      // A member the introducer may not introduce at all: as the page itself, not found.
      if (outcome.field === 'other_id' && !await introducible(app.db, request.member!, idParam(request))) throw notFound()
      return formPage(request, reply, q, { values: form.values, errors: { ...form.errors, [outcome.field]: outcome.message } }, 400)
    }
    return reply.flash(`You introduced ${outcome.names[0]} and ${outcome.names[1]}. We emailed them both; you see their answers on your introductions page.`)
      .redirect(paths.introductions(), 303)
  }
}
