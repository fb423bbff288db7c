import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Call, Proposal } from '../../../db/database.js'
import { callPhase, callTemplates, ensureTemplates } from '../../../domain/proposals/calls.service.js'
import { findCall, findMemberName, findProposal } from '../../../domain/proposals/proposals.repository.js'
import { lockedReason } from '../../../domain/proposals/proposals.service.js'
import { findCoSpeaker, findCoSpeakerOf, findProposalInvitation, findProposalOfInvitation, listCoSpeakers } from '../../../domain/proposals/speakers.repository.js'
import { answerCoSpeaker, CO_SPEAKER_STATES, inviteCoSpeaker, MAX_CO_SPEAKERS, startInvitedDraft, withdrawCoSpeaker } from '../../../domain/proposals/speakers.service.js'
import { AnswerForm, CoSpeakerForm, readCoSpeakerForm, StartDraftForm } from '../../../forms/speakers-form.js'
import { readForm } from '../../../forms/read-form.js'
import { notFound } from '../../../lib/errors.js'
import { idParam, tokenPageHeaders } from '../../../lib/http.js'
import { paths } from '../../../lib/paths.js'
import { buttonForm, formRoute, NoQuery, pageRoute, rowId, slug } from '../../../lib/schema.js'

const ProposalParams = Type.Object({ slug, id: rowId, pid: rowId })
const CoSpeakerParams = Type.Object({ slug, id: rowId, pid: rowId, sid: rowId })
const InvitedParams = Type.Object({ slug, id: rowId, iid: rowId })

const STATE_LABELS = CO_SPEAKER_STATES

/**
 * A proposal's people as speakers see them: the submitter invites co-speakers by email and withdraws an
 * invitation; the invited person answers from the mailed link (a page with the buttons; signed-in people who are
 * not members yet are told to join first); a member invited by an organizer to propose starts a draft that holds
 * the organizer's note.
 */
export default async function speakerRoutes (app: FastifyInstance) {
  app.get('/c/:slug/calls/:id/proposals/:pid/co-speakers', pageRoute(ProposalParams), showCoSpeakers)
  app.post('/c/:slug/calls/:id/proposals/:pid/co-speakers', formRoute(ProposalParams, CoSpeakerForm), invite)
  app.post('/c/:slug/calls/:id/proposals/:pid/co-speakers/:sid/withdraw', { schema: { params: CoSpeakerParams, querystring: NoQuery, body: buttonForm } }, withdrawInvitation)
  app.get('/c/:slug/calls/:id/proposals/:pid/co-speaker', { schema: { params: ProposalParams, querystring: NoQuery }, config: { access: 'signed-in' } }, showAnswer)
  app.post('/c/:slug/calls/:id/proposals/:pid/co-speaker', { schema: { params: ProposalParams, querystring: NoQuery, body: AnswerForm }, config: { access: 'signed-in', form: true } }, answer)
  app.get('/c/:slug/calls/:id/invited/:iid', pageRoute(InvitedParams), showInvited)
  app.post('/c/:slug/calls/:id/invited/:iid', { schema: { params: InvitedParams, querystring: NoQuery, body: StartDraftForm } }, startDraft)

  /** The call and proposal of the URL (any state of the call: co-speakers may answer after it closes). */
  async function load (request: FastifyRequest): Promise<{ call: Call, proposal: Proposal }> {
    const call = await app.loadCall(request, { evenNotOpen: true })
    const proposal = await findProposal(app.db, call.id, idParam(request, 'proposal', 'pid'))
    if (!proposal) throw notFound('proposal')
    return { call, proposal }
  }

  /** The submitter's own proposal; 404 to everyone else (organizers read co-speakers on the proposal page). */
  async function loadOwn (request: FastifyRequest) {
    const found = await load(request)
    if (found.proposal.submitter_id !== request.member!.id) throw notFound('proposal')
    return found
  }

  async function coSpeakersPage (request: FastifyRequest, reply: FastifyReply, found: { call: Call, proposal: Proposal },
    extra: { values?: Record<string, string>, errors?: Record<string, string> } = {}, status = 200) {
    const { call, proposal } = found
    const rows = await listCoSpeakers(app.db, proposal.id)
    return reply.page('c/calls/speakers/co-speakers', {
      title: `Co-speakers: ${proposal.title || 'untitled draft'}`,
      community: request.community,
      call,
      proposal,
      coSpeakers: rows.map((r) => ({ ...r, stateLabel: STATE_LABELS[r.state] })),
      max: MAX_CO_SPEAKERS,
      live: rows.filter((r) => r.state !== 'declined').length,
      withdrawn: proposal.state === 'withdrawn',
      values: extra.values ?? { email: '' },
      errors: extra.errors ?? {}
    }, status)
  }

  async function showCoSpeakers (request: FastifyRequest, reply: FastifyReply) {
    return coSpeakersPage(request, reply, await loadOwn(request))
  }

  async function invite (request: FastifyRequest, reply: FastifyReply) {
    const found = await loadOwn(request)
    const form = readCoSpeakerForm(request.body)
    if (!form.email) return coSpeakersPage(request, reply, found, form, 400)
    const email = form.email
    const outcome = await app.db.transaction().execute((trx) => inviteCoSpeaker(trx, app.mailer, {
      community: request.community, call: found.call, proposal: found.proposal, submitter: request.member!, email
    }))
    if (!outcome.ok) return coSpeakersPage(request, reply, found, { values: form.values, errors: outcome.errors }, 400)
    const message = outcome.value.member
      ? `Invitation sent to ${email}. They are listed as a speaker once they accept.`
      : `Invitation sent to ${email}. They are not a member of ${request.community.name} yet: the mail asks them to join first, then accept.`
    return reply.flash(message).redirect(paths.coSpeakers(request.community.slug, found.call.id, found.proposal.id), 303)
  }

  async function withdrawInvitation (request: FastifyRequest, reply: FastifyReply) {
    const found = await loadOwn(request)
    const row = await findCoSpeaker(app.db, found.proposal.id, idParam(request, 'co-speaker', 'sid'))
    if (!row) throw notFound('co-speaker')
    await withdrawCoSpeaker(app.db, row.id)
    return reply.flash(`Invitation to ${row.email} withdrawn: they are no longer a co-speaker and can no longer see the proposal.`)
      .redirect(paths.coSpeakers(request.community.slug, found.call.id, found.proposal.id), 303)
  }

  /** The answer page of the mailed link: 404 unless the signed-in person is the one invited. */
  async function answerPage (request: FastifyRequest, reply: FastifyReply, errors: Record<string, string> = {}, status = 200) {
    tokenPageHeaders(reply)
    const { call, proposal } = await load(request)
    const row = await findCoSpeakerOf(app.db, proposal.id, request.member!)
    if (!row) throw notFound('invitation')
    const submitter = await findMemberName(app.db, proposal.submitter_id)
    return reply.page('c/calls/speakers/answer', {
      title: `Co-present “${proposal.title || 'an untitled draft'}”?`,
      community: request.community,
      call,
      proposal,
      submitter,
      row,
      stateLabel: STATE_LABELS[row.state],
      isMember: request.standing.isMember,
      withdrawn: proposal.state === 'withdrawn',
      errors
    }, status)
  }

  async function showAnswer (request: FastifyRequest, reply: FastifyReply) {
    return answerPage(request, reply)
  }

  async function answer (request: FastifyRequest, reply: FastifyReply) {
    const { call, proposal } = await load(request)
    const form = readForm(AnswerForm, request.body)
    if (form.errors.answer) return answerPage(request, reply, form.errors, 400)
    if (proposal.state === 'withdrawn') return answerPage(request, reply, { answer: 'This proposal was withdrawn: there is nothing to answer.' }, 409)
    const accept = form.values.answer === 'accept'
    const outcome = await answerCoSpeaker(app.db, { proposalId: proposal.id, member: request.member!, isMember: request.standing.isMember, accept })
    if (outcome === null) throw notFound('invitation')
    if (outcome === 'join-first') return answerPage(request, reply, { answer: `Join ${request.community.name} first, then accept.` }, 409)
    const slug = request.community.slug
    if (outcome === 'already') return reply.flash('You have already answered this invitation.').redirect(paths.coSpeakerAnswer(slug, call.id, proposal.id), 303)
    if (outcome === 'declined') return reply.flash('You declined. The speaker sees your answer.').redirect(paths.coSpeakerAnswer(slug, call.id, proposal.id), 303)
    return reply.flash('You accepted: you are listed as a co-speaker on this proposal.').redirect(paths.proposal(slug, call.id, proposal.id), 303)
  }

  // ---- Invited by an organizer to propose

  async function loadInvitation (request: FastifyRequest) {
    const call = await findCall(app.db, request.community.id, idParam(request, 'call'))
    if (!call) throw notFound('call')
    const invitation = await findProposalInvitation(app.db, call.id, idParam(request, 'invitation', 'iid'))
    if (!invitation || invitation.member_id !== request.member!.id) throw notFound('invitation')
    return { call, invitation }
  }

  async function invitedPage (request: FastifyRequest, reply: FastifyReply, message: string | null = null, status = 200) {
    tokenPageHeaders(reply)
    const { call, invitation } = await loadInvitation(request)
    const existing = await findProposalOfInvitation(app.db, invitation.id)
    const locked = lockedReason(call, null)
    return reply.page('c/calls/speakers/invited', {
      title: `You are invited to propose: ${call.title}`,
      community: request.community,
      call,
      invitation,
      existing: existing && existing.state !== 'withdrawn' ? existing : null,
      locked: callPhase(call) === 'closed' ? locked : null,
      message
    }, status)
  }

  async function showInvited (request: FastifyRequest, reply: FastifyReply) {
    return invitedPage(request, reply)
  }

  async function startDraft (request: FastifyRequest, reply: FastifyReply) {
    const { call, invitation } = await loadInvitation(request)
    const templates = callTemplates(call, await ensureTemplates(app.db, request.community.id))
    const template = templates[0]
    if (!template) throw notFound('call')
    const outcome = await app.db.transaction().execute((trx) => startInvitedDraft(trx, { call, template, memberId: request.member!.id, invitation }))
    if (!outcome.ok) return invitedPage(request, reply, Object.values(outcome.errors).join(' '), 409)
    const slug = request.community.slug
    const { proposalId, created } = outcome.value
    if (!created) return reply.flash('You have already started this proposal: here it is.').redirect(paths.proposal(slug, call.id, proposalId), 303)
    return reply.flash('Draft started with the organizers’ note. Write the rest and submit it before the call closes.')
      .redirect(paths.proposalAction(slug, call.id, proposalId, 'edit'), 303)
  }
}
