import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import type { Db } from '../../../../db/database.js'
import { recordAudit } from '../../../../domain/audit/audit.service.js'
import { allCommunityMembers, findCommunityMembership, listCommunityMembers } from '../../../../domain/memberships/memberships.repository.js'
import { liftSuspension, removeMember, suspendMember, type StandingResult } from '../../../../domain/memberships/standing.service.js'
import { MemberStandingForm, readMemberStandingForm } from '../../../../forms/member-standing-form.js'
import { toCsv } from '../../../../lib/csv.js'
import { HttpError, notFound } from '../../../../lib/errors.js'
import { idParam } from '../../../../lib/http.js'
import { buttonForm, NoQuery, queryText, SlugIdParams, SlugParams } from '../../../../lib/schema.js'
import { paths } from '../../../../lib/paths.js'

const PAGE_SIZE = 50
const MembersQuery = Type.Object({
  q: queryText('the search', 100),
  page: Type.Optional(Type.String({ title: 'the page number', pattern: '^[1-9][0-9]{0,5}$', errorMessage: 'The page number must be a whole number from 1.' }))
}, { additionalProperties: false })

/** The community's members as organizers manage them: find by name, export, suspend, remove. */
export default async function orgaMemberRoutes (app: FastifyInstance) {
  const act = { schema: { params: SlugIdParams, querystring: NoQuery, body: MemberStandingForm }, config: { form: true } }
  app.get('/c/:slug/orga/members', { schema: { params: SlugParams, querystring: MembersQuery } }, listMembers)
  app.get('/c/:slug/orga/members.csv', { schema: { params: SlugParams, querystring: NoQuery } }, membersFile)
  app.get('/c/:slug/orga/members/:id', { schema: { params: SlugIdParams, querystring: NoQuery } }, showMember)
  // The reason is required: the form is re-shown with its error and the input kept (config.form).
  app.post('/c/:slug/orga/members/:id/suspend', act, suspend)
  app.post('/c/:slug/orga/members/:id/remove', act, remove)
  app.post('/c/:slug/orga/members/:id/reinstate', { schema: { params: SlugIdParams, querystring: NoQuery, body: buttonForm } }, reinstate)

  async function listMembers (request: FastifyRequest, reply: FastifyReply) {
    const query = request.query as Static<typeof MembersQuery>
    const q = (query.q ?? '').trim()
    const page = Number(query.page ?? '1')
    const { rows, total } = await listCommunityMembers(app.db, request.community.id, { search: q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
    return reply.page('c/orga/members/index', {
      title: `Members of ${request.community.name}`, community: request.community, section: 'members',
      rows, total, q, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE))
    })
  }

  async function membersFile (request: FastifyRequest, reply: FastifyReply) {
    const rows = await allCommunityMembers(app.db, request.community.id)
    const csv = toCsv([
      ['Name', 'Agency', 'Email', 'Job title', 'Region', 'Joined at', 'Suspended at'],
      ...rows.map((r) => [r.full_name, r.agency, r.email, r.job_title, r.region, r.joined_at, r.suspended_at])
    ])
    return reply.header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="members-${request.community.slug}.csv"`)
      .header('Cache-Control', 'no-store')
      .send(csv)
  }

  async function memberPage (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) {
    const member = await findCommunityMembership(app.db, request.community.id, idParam(request))
    if (!member) throw notFound('member')
    return reply.page('c/orga/members/show', {
      title: `${member.full_name} · Members of ${request.community.name}`, community: request.community, section: 'members',
      member, values: { reason: '' }, errors: {}, ...extra
    }, status)
  }

  async function showMember (request: FastifyRequest, reply: FastifyReply) {
    return memberPage(request, reply)
  }

  /** Runs a measure with its audit entry in one transaction, then says what happened. */
  async function measure (request: FastifyRequest, reply: FastifyReply, action: 'member.suspended' | 'member.removed',
    run: (trx: Db, reason: string) => Promise<StandingResult>, done: (r: { name: string, withdrawn: number }) => string) {
    const { values, errors } = readMemberStandingForm(request.body)
    // The page has two reason fields (suspend, remove): the error names the one that was sent.
    const field = action === 'member.suspended' ? 'reason-suspend' : 'reason-remove'
    if (errors.reason) return memberPage(request, reply, { values: { reason: values.reason, form: field }, errors: { [field]: errors.reason } }, 400)
    const reason = values.reason.trim()
    const result = await app.db.transaction().execute(async (trx) => {
      const r = await run(trx, reason)
      if (r.ok) await recordAudit(trx, { actorId: request.member!.id, action, communityId: request.community.id, target: r.name, reason })
      return r
    })
    if (!result.ok) {
      if (result.status === 404) throw notFound('member')
      throw new HttpError(result.status, result.message)
    }
    const withdrawn = result.withdrawn ? ` ${result.withdrawn === 1 ? 'Their answer to 1 upcoming event was' : `Their answers to ${result.withdrawn} upcoming events were`} withdrawn.` : ''
    return reply.flash(done(result) + withdrawn).redirect(paths.orgaMembers(request.community.slug), 303)
  }

  async function suspend (request: FastifyRequest, reply: FastifyReply) {
    const id = idParam(request)
    return measure(request, reply, 'member.suspended', (trx, reason) => suspendMember(trx, request.community.id, id, reason, request.member!.id),
      (r) => `${r.name} is suspended.`)
  }

  async function remove (request: FastifyRequest, reply: FastifyReply) {
    const id = idParam(request)
    return measure(request, reply, 'member.removed', (trx) => removeMember(trx, request.community.id, id, request.member!.id),
      (r) => `${r.name} is no longer a member.`)
  }

  async function reinstate (request: FastifyRequest, reply: FastifyReply) {
    const id = idParam(request)
    const result = await app.db.transaction().execute(async (trx) => {
      const r = await liftSuspension(trx, request.community.id, id)
      if (r.ok) await recordAudit(trx, { actorId: request.member!.id, action: 'member.reinstated', communityId: request.community.id, target: r.name })
      return r
    })
    if (!result.ok) {
      if (result.status === 404) throw notFound('member')
      throw new HttpError(result.status, result.message)
    }
    return reply.flash(`${result.name}’s suspension is lifted.`).redirect(paths.orgaMember(request.community.slug, id), 303)
  }
}
