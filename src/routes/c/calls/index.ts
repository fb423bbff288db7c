import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import type { Call, CallFormat, Proposal, TalkTemplate } from '../../../db/database.js'
import { mayOrganize } from '../../../domain/communities/policy.js'
import { callPhase, callTemplates, ensureTemplates } from '../../../domain/proposals/calls.service.js'
import { findMemberName, findProposal, listMemberProposals } from '../../../domain/proposals/proposals.repository.js'
import { AFFILIATIONS, lockedReason, PLEDGE, saveProposal, withdrawProposal } from '../../../domain/proposals/proposals.service.js'
import {
  newProposalValues, ProposalForm, proposalFormValues, readProposalForm, WithdrawForm, type ProposalFormValues
} from '../../../forms/proposal-form.js'
import { readForm } from '../../../forms/read-form.js'
import { notFound } from '../../../lib/errors.js'
import { dateTime } from '../../../lib/format.js'
import { idParam } from '../../../lib/http.js'
import { paths } from '../../../lib/paths.js'
import { isCoSpeaker, proposalPeople } from '../../../domain/proposals/speakers.service.js'
import speakerRoutes from './speakers.js'
import { isCallReviewer } from '../../../domain/proposals/reviews.repository.js'
import reviewRoutes from './reviews.js'
import { formRoute, pageRoute, queryText, rowId, slug, SlugIdParams, SlugParams } from '../../../lib/schema.js'
import { findMeetingOfTalk } from '../../../domain/proposals/placement.repository.js'
import { confirmToken, reviewNotesForSpeaker, speakerDecision, speakerStateLabel } from '../../../domain/proposals/decisions.service.js'

const ProposalParams = Type.Object({ slug, id: rowId, pid: rowId })
const ProposeQuery = Type.Object({ template: queryText('the talk template', 12) }, { additionalProperties: false })

/**
 * Calls for proposals as members see them (members only, by the community guard): a call's page, writing a
 * proposal in one of its templates, a proposal's page (its speaker and the organizers only; anyone else gets
 * 404), editing it until the call closes or a decision is made, withdrawing it, and "My proposals".
 */
export default async function callRoutes (app: FastifyInstance) {
  await app.register(reviewRoutes)
  app.get('/c/:slug/calls/mine', pageRoute(SlugParams), myProposals)
  app.get('/c/:slug/calls/:id', pageRoute(SlugIdParams), showCall)
  app.get('/c/:slug/calls/:id/propose', pageRoute(SlugIdParams, ProposeQuery), showProposeForm)
  app.post('/c/:slug/calls/:id/propose', formRoute(SlugIdParams, ProposalForm), propose)
  app.get('/c/:slug/calls/:id/proposals/:pid', pageRoute(ProposalParams), showProposal)
  app.get('/c/:slug/calls/:id/proposals/:pid/edit', pageRoute(ProposalParams), showEditForm)
  app.post('/c/:slug/calls/:id/proposals/:pid/edit', formRoute(ProposalParams, ProposalForm), saveEdit)
  app.post('/c/:slug/calls/:id/proposals/:pid/withdraw', formRoute(ProposalParams, WithdrawForm), withdraw)

  await app.register(speakerRoutes)

  const organizes = (request: FastifyRequest) => mayOrganize(request.standing)

  /** The call of the URL; a call not open yet is only the organizers' (404 to members). */
  const loadCall = (request: FastifyRequest) => app.loadCall(request)

  /** The proposal of the URL: its speaker's, or any for the community's organizers; 404 to everyone else. */
  async function loadProposal (request: FastifyRequest, call: Call): Promise<Proposal> {
    const proposal = await findProposal(app.db, call.id, idParam(request, 'proposal', 'pid'))
    if (!proposal || (proposal.submitter_id !== request.member!.id && !organizes(request) &&
      !await isCoSpeaker(app.db, proposal.id, request.member!))) throw notFound('proposal')
    return proposal
  }

  const formatsOf = (call: Call) => call.formats as unknown as CallFormat[]

  async function showCall (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const templates = callTemplates(call, await ensureTemplates(app.db, request.community.id))
    return reply.page('c/calls/show', {
      title: call.title,
      community: request.community,
      call,
      phase: callPhase(call),
      opens: dateTime(call.opens_at, call.time_zone),
      closes: dateTime(call.closes_at, call.time_zone),
      formats: formatsOf(call),
      templates,
      canOrganize: organizes(request),
      reviews: organizes(request) || await isCallReviewer(app.db, call.id, request.member!.id)
    })
  }

  async function myProposals (request: FastifyRequest, reply: FastifyReply) {
    const community = request.community
    const rows = await listMemberProposals(app.db, community.id, request.member!.id)
    return reply.page('c/calls/mine', {
      title: 'My proposals',
      community,
      proposals: rows.map((p) => ({
        ...p,
        href: paths.proposal(community.slug, p.call_id, p.id),
        callHref: paths.call(community.slug, p.call_id),
        stateLabel: speakerStateLabel(p, p.closes_at <= new Date()),
        closes: dateTime(p.closes_at, p.time_zone)
      }))
    })
  }

  /** The proposal form (new or edit) for a template of the call. */
  function proposalForm (request: FastifyRequest, reply: FastifyReply, data: {
    call: Call, template: TalkTemplate, proposal: Proposal | null, values: ProposalFormValues, errors?: Record<string, string>
  }, status = 200) {
    const { call, template, proposal } = data
    const community = request.community
    return reply.page('c/calls/form', {
      title: proposal ? `Edit proposal: ${proposal.title || 'untitled draft'}` : `Propose a talk: ${call.title}`,
      community,
      call,
      template,
      proposal,
      values: data.values,
      errors: data.errors ?? {},
      closes: dateTime(call.closes_at, call.time_zone),
      action: proposal ? paths.proposalAction(community.slug, call.id, proposal.id, 'edit') : paths.propose(community.slug, call.id),
      formatOptions: formatsOf(call).map((f) => ({ value: f.key, label: `${f.label}, ${f.minutes} minutes` })),
      topicOptions: [{ value: '', label: '- Choose -' }, ...call.topics.map((t) => ({ value: t, label: t }))],
      affiliations: AFFILIATIONS,
      pledge: PLEDGE
    }, status)
  }

  /** A page saying why a proposal cannot be written or changed now (the call closed, a decision was made…). */
  function refused (request: FastifyRequest, reply: FastifyReply, call: Call, message: string) {
    return reply.page('c/calls/refused', { title: 'This proposal cannot be changed', community: request.community, call, message }, 409)
  }

  async function showProposeForm (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const locked = lockedReason(call, null)
    if (locked) return refused(request, reply, call, locked)
    const templates = callTemplates(call, await ensureTemplates(app.db, request.community.id))
    const q = request.query as Static<typeof ProposeQuery>
    const chosen = templates.length === 1 ? templates[0] : templates.find((t) => String(t.id) === q.template)
    if (!chosen) {
      return reply.page('c/calls/choose', {
        title: `Propose a talk: ${call.title}`,
        community: request.community,
        call,
        templates: templates.map((t) => ({ ...t, href: paths.propose(request.community.slug, call.id, t.id) }))
      })
    }
    return proposalForm(request, reply, { call, template: chosen, proposal: null, values: newProposalValues(chosen, formatsOf(call)[0]?.key ?? '') })
  }

  /** Reads a posted proposal and saves it; re-shows the form with every error and the input kept. */
  async function save (request: FastifyRequest, reply: FastifyReply, call: Call, existing: Proposal | null) {
    const templates = callTemplates(call, await ensureTemplates(app.db, request.community.id))
    const templateId = (request.body as { template_id?: unknown }).template_id
    const template = templates.find((t) => String(t.id) === templateId) ?? null
    const form = readProposalForm(request.body, template)
    const shown = template ?? templates.find((t) => t.id === existing?.template_id) ?? templates[0]
    if (!shown) throw notFound('call')
    if (!form.input || !template) return proposalForm(request, reply, { call, template: shown, proposal: existing, values: form.values, errors: form.errors }, 400)
    const input = form.input
    const outcome = await app.db.transaction().execute((trx) => saveProposal(trx, { call, template, memberId: request.member!.id, existing, input }))
    if (!outcome.ok) {
      if (outcome.status === 409) return refused(request, reply, call, outcome.errors._form ?? 'This proposal cannot be changed now.')
      return proposalForm(request, reply, { call, template, proposal: existing, values: form.values, errors: outcome.errors }, 400)
    }
    const message = input.submit
      ? `Proposal submitted. You can change it until the call closes on ${dateTime(call.closes_at, call.time_zone)}.`
      : 'Draft saved. It is not submitted yet: submit it before the call closes.'
    return reply.flash(message).redirect(paths.proposal(request.community.slug, call.id, outcome.proposal.id), 303)
  }

  async function propose (request: FastifyRequest, reply: FastifyReply) {
    return save(request, reply, await loadCall(request), null)
  }

  async function showProposal (request: FastifyRequest, reply: FastifyReply, extra: { values?: Record<string, string>, errors?: Record<string, string> } = {}, status = 200) {
    const call = await loadCall(request)
    const proposal = await loadProposal(request, call)
    const templates = await ensureTemplates(app.db, request.community.id)
    const template = templates.find((t) => t.id === proposal.template_id)
    const speaker = await findMemberName(app.db, proposal.submitter_id)
    const mine = proposal.submitter_id === request.member!.id
    return reply.page('c/calls/proposal', {
      title: proposal.title || 'Untitled draft',
      community: request.community,
      call,
      proposal,
      speaker,
      mine,
      fields: template?.fields ?? [],
      format: formatsOf(call).find((f) => f.key === proposal.format),
      affiliation: AFFILIATIONS.find((a) => a.value === proposal.affiliation)?.label ?? proposal.affiliation,
      stateLabel: speakerStateLabel(proposal, callPhase(call) === 'closed'),
      decision: mine ? speakerDecision(proposal) : null,
      reviewNotes: mine ? await reviewNotesForSpeaker(app.db, proposal) : [],
      meeting: await placedMeeting(request, call, proposal),
      confirmHref: mine && proposal.decision === 'accepted' && proposal.decision_mailed_at && proposal.confirmation !== 'declined'
        ? paths.confirmTalk(confirmToken(app.secret, proposal.id, proposal.decided_at)) : null,
      locked: lockedReason(call, proposal),
      values: extra.values ?? { reason: '' },
      errors: extra.errors ?? {},
      people: await proposalPeople(app.db, proposal, request.member!),
      canOrganize: organizes(request)
    }, status)
  }

  /** The series meeting an accepted talk is placed on, for its page: the date in the meeting's zone and its link. */
  async function placedMeeting (request: FastifyRequest, call: Call, proposal: Proposal) {
    if (!call.series_id || proposal.decision !== 'accepted' || !proposal.decision_mailed_at) return null
    const m = await findMeetingOfTalk(app.db, proposal.id)
    return m && m.status !== 'cancelled' ? { when: dateTime(m.starts_at, m.time_zone), href: paths.eventPage(request.community.slug, m.id) } : null
  }

  async function showEditForm (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const proposal = await loadProposal(request, call)
    if (proposal.submitter_id !== request.member!.id) throw notFound('proposal')
    const locked = lockedReason(call, proposal)
    if (locked) return refused(request, reply, call, locked)
    const templates = callTemplates(call, await ensureTemplates(app.db, request.community.id))
    const template = templates.find((t) => t.id === proposal.template_id) ?? templates[0]
    if (!template) throw notFound('proposal')
    return proposalForm(request, reply, { call, template, proposal, values: proposalFormValues(proposal) })
  }

  async function saveEdit (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const proposal = await loadProposal(request, call)
    // Organizers may read a proposal; only its speaker writes it.
    if (proposal.submitter_id !== request.member!.id) throw notFound('proposal')
    return save(request, reply, call, proposal)
  }

  async function withdraw (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const proposal = await loadProposal(request, call)
    if (proposal.submitter_id !== request.member!.id) throw notFound('proposal')
    const form = readForm(WithdrawForm, request.body)
    if (Object.keys(form.errors).length) return showProposal(request, reply, { values: form.values, errors: form.errors }, 400)
    const done = await withdrawProposal(app.db, proposal, form.values.reason.trim())
    return reply.flash(done ? 'Proposal withdrawn. The organizers see your reason.' : 'This proposal was already withdrawn.')
      .redirect(paths.proposal(request.community.slug, call.id, proposal.id), 303)
  }
}
