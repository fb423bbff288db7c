import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Call } from '../../../../db/database.js'
import { findProposal } from '../../../../domain/proposals/proposals.repository.js'
import { invitationOutcomes, listCallInvitations, listCoachingNotes, listCoachingWanted } from '../../../../domain/proposals/speakers.repository.js'
import { addCoachingNote, inviteToPropose, NOTE_MAX } from '../../../../domain/proposals/speakers.service.js'
import { readForm } from '../../../../forms/read-form.js'
import { CoachingNoteForm, InviteToProposeForm, readInviteToProposeForm } from '../../../../forms/speakers-form.js'
import { notFound } from '../../../../lib/errors.js'
import { idParam } from '../../../../lib/http.js'
import { paths } from '../../../../lib/paths.js'
import { formRoute, pageRoute, rowId, slug, SlugIdParams } from '../../../../lib/schema.js'

const ProposalParams = Type.Object({ slug, id: rowId, pid: rowId })

/** What became of an organizer's invitation to propose, as the invitations page says it. */
function outcomeLabel (row: { proposal_state: string | null, proposal_decision: string | null }): string {
  if (!row.proposal_state) return 'No proposal yet'
  if (row.proposal_state === 'draft') return 'Draft started'
  if (row.proposal_state === 'withdrawn') return 'Proposal withdrawn'
  return row.proposal_decision === 'accepted' ? 'Submitted; accepted' : 'Submitted'
}

/**
 * Organizers and a call's people (under the c/orga guard): inviting members to propose with a note ("story
 * mining") and what the invitations became, the proposals whose speaker asked for coaching, and coaching notes.
 */
export default async function callSpeakerRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/calls/:id/invitations', pageRoute(SlugIdParams), showInvitations)
  app.post('/c/:slug/orga/calls/:id/invitations', formRoute(SlugIdParams, InviteToProposeForm), invite)
  app.get('/c/:slug/orga/calls/:id/coaching', pageRoute(SlugIdParams), showCoachingWanted)
  app.get('/c/:slug/orga/calls/:id/proposals/:pid/coaching', pageRoute(ProposalParams), showNoteForm)
  app.post('/c/:slug/orga/calls/:id/proposals/:pid/coaching', formRoute(ProposalParams, CoachingNoteForm), addNote)

  const loadCall = (request: FastifyRequest) => app.loadCall(request)

  async function invitationsPage (request: FastifyRequest, reply: FastifyReply, call: Call,
    extra: { values?: Record<string, string>, errors?: Record<string, string> } = {}, status = 200) {
    const [rows, outcomes] = await Promise.all([listCallInvitations(app.db, call.id), invitationOutcomes(app.db, call.id)])
    return reply.page('c/orga/calls/speakers/invitations', {
      title: `Invite members to propose: ${call.title}`,
      community: request.community,
      call,
      outcomes,
      invitations: rows.map((r) => ({
        ...r,
        outcome: outcomeLabel(r),
        href: r.proposal_id ? paths.proposal(request.community.slug, call.id, r.proposal_id) : null
      })),
      noteMax: NOTE_MAX,
      values: extra.values ?? { email: '', note: '' },
      errors: extra.errors ?? {}
    }, status)
  }

  async function showInvitations (request: FastifyRequest, reply: FastifyReply) {
    return invitationsPage(request, reply, await loadCall(request))
  }

  async function invite (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const form = readInviteToProposeForm(request.body)
    if (!form.input) return invitationsPage(request, reply, call, form, 400)
    const input = form.input
    const outcome = await app.db.transaction().execute((trx) => inviteToPropose(trx, app.mailer, {
      community: request.community, call, organizer: request.member!, email: input.email, note: input.note
    }))
    if (!outcome.ok) return invitationsPage(request, reply, call, { values: form.values, errors: outcome.errors }, 400)
    return reply.flash(`Invitation sent to ${outcome.value.name}. Their link opens a draft that starts with your note.`)
      .redirect(paths.orgaCallInvitations(request.community.slug, call.id), 303)
  }

  async function showCoachingWanted (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const rows = await listCoachingWanted(app.db, call.id)
    return reply.page('c/orga/calls/speakers/coaching', {
      title: `Speakers asking for coaching: ${call.title}`,
      community: request.community,
      call,
      proposals: rows.map((p) => ({ ...p, href: paths.proposal(request.community.slug, call.id, p.id) }))
    })
  }

  async function notePage (request: FastifyRequest, reply: FastifyReply, extra: { values?: Record<string, string>, errors?: Record<string, string> } = {}, status = 200) {
    const call = await loadCall(request)
    const proposal = await findProposal(app.db, call.id, idParam(request, 'proposal', 'pid'))
    if (!proposal) throw notFound('proposal')
    return reply.page('c/orga/calls/speakers/note', {
      title: `Coaching note: ${proposal.title || 'untitled draft'}`,
      community: request.community,
      call,
      proposal,
      notes: await listCoachingNotes(app.db, proposal.id),
      values: extra.values ?? { note: '' },
      errors: extra.errors ?? {}
    }, status)
  }

  async function showNoteForm (request: FastifyRequest, reply: FastifyReply) {
    return notePage(request, reply)
  }

  async function addNote (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const proposal = await findProposal(app.db, call.id, idParam(request, 'proposal', 'pid'))
    if (!proposal) throw notFound('proposal')
    const form = readForm(CoachingNoteForm, request.body)
    if (form.errors.note) return notePage(request, reply, form, 400)
    const outcome = await addCoachingNote(app.db, proposal.id, request.member!.id, form.values.note)
    if (!outcome.ok) return notePage(request, reply, { values: form.values, errors: outcome.errors }, 400)
    return reply.flash('Coaching note added. The speaker and co-speakers see it on the proposal’s page.')
      .redirect(paths.proposal(request.community.slug, call.id, proposal.id), 303)
  }
}
