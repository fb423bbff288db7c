import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import { recordAudit } from '../../../domain/audit/audit.service.js'
import { deactivateAccount, lookUpMembers, memberWithCommunities, reactivateAccount } from '../../../domain/site/site.service.js'
import { MemberStandingForm, readMemberStandingForm } from '../../../forms/member-standing-form.js'
import { HttpError, notFound } from '../../../lib/errors.js'
import { idParam } from '../../../lib/http.js'
import { buttonForm, IdParams, NoQuery, queryText } from '../../../lib/schema.js'
import { paths } from '../../../lib/paths.js'

const LookupQuery = Type.Object({ q: queryText('the search', 100) }, { additionalProperties: false })

/** Site admins look a member up across communities and deactivate or reactivate an account (the parent's guard). */
export default async function adminMemberRoutes (app: FastifyInstance) {
  app.get('/admin/members', { schema: { querystring: LookupQuery } }, lookUp)
  app.get('/admin/members/:id', { schema: { params: IdParams, querystring: NoQuery } }, showMember)
  // The reason is required: the page is re-shown with its error and the input kept (config.form).
  app.post('/admin/members/:id/deactivate', { schema: { params: IdParams, querystring: NoQuery, body: MemberStandingForm }, config: { form: true } }, deactivate)
  app.post('/admin/members/:id/reactivate', { schema: { params: IdParams, querystring: NoQuery, body: buttonForm } }, reactivate)

  async function lookUp (request: FastifyRequest, reply: FastifyReply) {
    const q = ((request.query as Static<typeof LookupQuery>).q ?? '').trim()
    return reply.page('admin/members/index', { title: 'Look up a member', q, members: await lookUpMembers(app.db, q) })
  }

  async function memberPage (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) {
    const found = await memberWithCommunities(app.db, idParam(request))
    if (!found) throw notFound('member')
    return reply.page('admin/members/show', { title: `${found.member.full_name} · Members`, ...found, values: { reason: '' }, errors: {}, ...extra }, status)
  }

  async function showMember (request: FastifyRequest, reply: FastifyReply) {
    return memberPage(request, reply)
  }

  async function deactivate (request: FastifyRequest, reply: FastifyReply) {
    const id = idParam(request)
    const { values, errors } = readMemberStandingForm(request.body)
    if (errors.reason) return memberPage(request, reply, { values, errors }, 400)
    const result = await app.db.transaction().execute(async (trx) => {
      const r = await deactivateAccount(trx, id, request.member!.id)
      if (r.ok) await recordAudit(trx, { actorId: request.member!.id, action: 'account.deactivated', communityId: null, target: r.name, reason: values.reason.trim() })
      return r
    })
    if (!result.ok) {
      if (result.status === 404) throw notFound('member')
      throw new HttpError(result.status, result.message)
    }
    return reply.flash(`${result.name}’s account is deactivated: they are signed out and cannot sign in.`).redirect(paths.adminMember(id), 303)
  }

  async function reactivate (request: FastifyRequest, reply: FastifyReply) {
    const id = idParam(request)
    const result = await app.db.transaction().execute(async (trx) => {
      const r = await reactivateAccount(trx, id)
      if (r.ok) await recordAudit(trx, { actorId: request.member!.id, action: 'account.reactivated', communityId: null, target: r.name })
      return r
    })
    if (!result.ok) {
      if (result.status === 404) throw notFound('member')
      throw new HttpError(result.status, result.message)
    }
    return reply.flash(`${result.name} can sign in again.`).redirect(paths.adminMember(id), 303)
  }
}
