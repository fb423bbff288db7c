import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import type { Call, CallFormat } from '../../../../db/database.js'
import { listRequirements } from '../../../../domain/communities/communities.repository.js'
import { callPhase, createCall, editCall, ensureTemplates, saveTemplate } from '../../../../domain/proposals/calls.service.js'
import { callTargets, findTarget, findTemplate, listCallProposals, listCallsWithCounts } from '../../../../domain/proposals/proposals.repository.js'
import { AFFILIATIONS, stateLabel } from '../../../../domain/proposals/proposals.service.js'
import {
  CallForm, callFormValues, newCallValues, readCallForm, readTemplateForm, SPARE_FORMAT_ROWS, TemplateForm, templateFormValues,
  type CallFormValues, type TemplateFormValues
} from '../../../../forms/call-form.js'
import { notFound } from '../../../../lib/errors.js'
import { dateTime, shortDate } from '../../../../lib/format.js'
import { idParam } from '../../../../lib/http.js'
import { paths } from '../../../../lib/paths.js'
import { formRoute, pageRoute, queryText, SlugIdParams, SlugParams } from '../../../../lib/schema.js'
import { invitationOutcomes } from '../../../../domain/proposals/speakers.repository.js'
import callSpeakerRoutes from './speakers.js'
import reviewAdminRoutes from './reviews.js'
import decisionRoutes from './decisions.js'
import placementRoutes from './placement.js'

const NewCallQuery = Type.Object({ on: queryText('what the call is on', 30) }, { additionalProperties: false })

const PHASE_LABELS = { 'not-open': 'Not open yet', open: 'Open', closed: 'Closed' }

/**
 * Organizers' calls for proposals (under the c/orga guard): the list with counts, a new call on an event or a
 * series, a call's page with its proposals, its edit form, and the community's talk templates.
 */
export default async function callRoutes (app: FastifyInstance) {
  await app.register(reviewAdminRoutes)
  app.get('/c/:slug/orga/calls', pageRoute(SlugParams), listCalls)
  app.get('/c/:slug/orga/calls/new', pageRoute(SlugParams, NewCallQuery), newCall)
  app.post('/c/:slug/orga/calls/new', formRoute(SlugParams, CallForm), createTheCall)
  app.get('/c/:slug/orga/calls/templates', pageRoute(SlugParams), listTheTemplates)
  app.get('/c/:slug/orga/calls/templates/:id', pageRoute(SlugIdParams), showTemplate)
  app.post('/c/:slug/orga/calls/templates/:id', formRoute(SlugIdParams, TemplateForm), saveTheTemplate)
  app.get('/c/:slug/orga/calls/:id', pageRoute(SlugIdParams), showCall)
  app.get('/c/:slug/orga/calls/:id/edit', pageRoute(SlugIdParams), showEditCall)
  app.post('/c/:slug/orga/calls/:id/edit', formRoute(SlugIdParams, CallForm), saveCall)
  await app.register(callSpeakerRoutes)
  await app.register(decisionRoutes)
  await app.register(placementRoutes)

  const loadCall = (request: FastifyRequest) => app.loadCall(request)

  async function listCalls (request: FastifyRequest, reply: FastifyReply) {
    const community = request.community
    const [calls, templates] = await Promise.all([listCallsWithCounts(app.db, community.id), ensureTemplates(app.db, community.id)])
    const now = new Date()
    return reply.page('c/orga/calls/index', {
      title: 'Calls for proposals',
      community,
      templates,
      calls: calls.map((c) => ({
        ...c,
        href: paths.orgaCall(community.slug, c.id),
        phase: PHASE_LABELS[callPhase(c, now)],
        closes: dateTime(c.closes_at, c.time_zone)
      }))
    })
  }

  /** The call form page: new (with the choice of event or series) or edit. */
  async function callForm (request: FastifyRequest, reply: FastifyReply, data: { call?: Call, values: CallFormValues, errors?: Record<string, string> }, status = 200) {
    const community = request.community
    const [templates, requirements] = await Promise.all([ensureTemplates(app.db, community.id), listRequirements(app.db, community.id)])
    let targetOptions: Array<{ value: string, label: string }> = []
    if (!data.call) {
      const targets = await callTargets(app.db, community.id, new Date())
      targetOptions = [
        { value: '', label: '- Choose -' },
        ...targets.events.map((e) => ({ value: `event-${e.id}`, label: `Event: ${e.title}, ${shortDate(e.starts_at, e.time_zone)}` })),
        ...targets.series.map((s) => ({ value: `series-${s.id}`, label: `Series: ${s.title} (${s.time_zone.replace(/_/g, ' ')} time)` }))
      ]
    }
    const values = { ...data.values, formats: [...data.values.formats, ...Array.from({ length: SPARE_FORMAT_ROWS }, () => ({ key: '', label: '', minutes: '' }))] }
    return reply.page('c/orga/calls/form', {
      title: data.call ? `Edit call: ${data.call.title}` : 'New call for proposals',
      community,
      call: data.call ?? null,
      values,
      errors: data.errors ?? {},
      targetOptions,
      topicChoices: requirements.map((r) => r.name),
      templates
    }, status)
  }

  function parseTarget (raw: string): { kind: 'event' | 'series', id: number } | null {
    const m = /^(event|series)-([1-9]\d{0,8})$/.exec(raw)
    return m ? { kind: m[1] as 'event' | 'series', id: Number(m[2]) } : null
  }

  async function newCall (request: FastifyRequest, reply: FastifyReply) {
    const q = request.query as Static<typeof NewCallQuery>
    const templates = await ensureTemplates(app.db, request.community.id)
    return callForm(request, reply, { values: newCallValues(parseTarget(q.on ?? '') ? q.on ?? '' : '', templates) })
  }

  async function readForm (request: FastifyRequest, call: Call | null) {
    const community = request.community
    const [templates, requirements] = await Promise.all([ensureTemplates(app.db, community.id), listRequirements(app.db, community.id)])
    const parsed = call ? null : parseTarget(typeof (request.body as { target?: unknown }).target === 'string' ? (request.body as { target: string }).target : '')
    const target = parsed ? await findTarget(app.db, community.id, parsed.kind, parsed.id) : undefined
    const zone = call ? call.time_zone : target?.time_zone ?? null
    const form = readCallForm(request.body, { zone, topicChoices: requirements.map((r) => r.name), templateChoices: templates.map((t) => t.id) })
    if (!call && (!parsed || !target)) form.errors = { target: 'Choose the event or series the call is for.', ...form.errors }
    return { form, target: parsed && target ? { kind: parsed.kind, id: target.id, timeZone: target.time_zone } : null }
  }

  async function createTheCall (request: FastifyRequest, reply: FastifyReply) {
    const { form, target } = await readForm(request, null)
    if (!form.input || !target || Object.keys(form.errors).length) return callForm(request, reply, { values: form.values, errors: form.errors }, 400)
    const call = await createCall(app.db, request.community.id, { ...form.input, target }, request.member!.id)
    return reply.flash('Call created. Members see it on the community page while it is open.')
      .redirect(paths.orgaCall(request.community.slug, call.id), 303)
  }

  async function showCall (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const community = request.community
    const proposals = await listCallProposals(app.db, call.id)
    const released = call.decisions_released_at !== null
    return reply.page('c/orga/calls/show', {
      title: `Call: ${call.title}`,
      community,
      call,
      phase: PHASE_LABELS[callPhase(call)],
      opens: dateTime(call.opens_at, call.time_zone),
      closes: dateTime(call.closes_at, call.time_zone),
      formats: call.formats as unknown as CallFormat[],
      proposals: proposals.map((p) => ({
        ...p,
        href: paths.proposal(community.slug, call.id, p.id),
        stateLabel: stateLabel({ state: p.state, decision: null }, released),
        affiliationLabel: AFFILIATIONS.find((a) => a.value === p.affiliation)?.label ?? p.affiliation
      })),
      outcomes: await invitationOutcomes(app.db, call.id),
      // Where its accepted talks are placed: a series call's own page, or the event's agenda.
      acceptedTalks: proposals.filter((p) => p.state === 'submitted' && p.decision === 'accepted' && p.confirmation !== 'declined').length
    })
  }

  async function showEditCall (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    return callForm(request, reply, { call, values: callFormValues(call) })
  }

  async function saveCall (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const { form } = await readForm(request, call)
    if (!form.input) return callForm(request, reply, { call, values: form.values, errors: form.errors }, 400)
    await editCall(app.db, call.id, form.input)
    return reply.flash('Call saved.').redirect(paths.orgaCall(request.community.slug, call.id), 303)
  }

  // ---- Talk templates

  async function listTheTemplates (request: FastifyRequest, reply: FastifyReply) {
    const templates = await ensureTemplates(app.db, request.community.id)
    return reply.page('c/orga/calls/templates', { title: 'Talk templates', community: request.community, templates })
  }

  async function templatePage (request: FastifyRequest, reply: FastifyReply, values?: TemplateFormValues, errors: Record<string, string> = {}, status = 200) {
    const template = await findTemplate(app.db, request.community.id, idParam(request, 'template'))
    if (!template) throw notFound('template')
    return reply.page('c/orga/calls/template', {
      title: `Edit template: ${template.name}`, community: request.community, template, values: values ?? templateFormValues(template), errors
    }, status)
  }

  async function showTemplate (request: FastifyRequest, reply: FastifyReply) {
    await ensureTemplates(app.db, request.community.id)
    return templatePage(request, reply)
  }

  async function saveTheTemplate (request: FastifyRequest, reply: FastifyReply) {
    const template = await findTemplate(app.db, request.community.id, idParam(request, 'template'))
    if (!template) throw notFound('template')
    const form = readTemplateForm(request.body, template)
    if (!form.input) return templatePage(request, reply, form.values, form.errors, 400)
    const saved = await saveTemplate(app.db, request.community.id, template.id, form.input)
    if (!saved.ok) return templatePage(request, reply, form.values, { name: saved.problems.join(' ') }, 400)
    return reply.flash(`Template “${form.input.name}” saved. Proposals written from now on use it.`)
      .redirect(paths.orgaTemplates(request.community.slug), 303)
  }
}
