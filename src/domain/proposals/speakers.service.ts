import type { Call, Community, Db, Member, Proposal, TalkTemplate } from '../../db/database.js'
import { queueTemplatedMail, type Mailer } from '../mail/mailer.js'
import { communitySender } from '../mail/sender.js'
import { callPhase } from './calls.service.js'
import { saveProposal } from './proposals.service.js'
import {
  answerCoSpeakerRow, countLiveCoSpeakers, deleteCoSpeaker, findCoSpeakerByEmail, findCoSpeakerOf, findCommunityMemberByEmail,
  findInvitationNote, findInvitationOfMember, findProposalOfInvitation, insertCoachingNote, insertCoSpeaker, insertProposalInvitation, listCoachingNotes,
  listCoSpeakers, setProposalInvitation
} from './speakers.repository.js'
import { charCount } from './templates.js'

/*
 * A proposal's people beyond its submitter: co-speakers invited by email (each answers before being listed),
 * organizers' invitations to a member to propose ("story mining"), and organizers' coaching notes. Errors are
 * keyed by the form field they are about.
 */

/** Co-speakers per proposal (sent or accepted invitations; a declined one frees its place). */
export const MAX_CO_SPEAKERS = 3
export const NOTE_MAX = 1000
export const COACHING_NOTE_MAX = 4000

/** A co-speaker invitation's state as speakers read it. */
export const CO_SPEAKER_STATES = { invited: 'Invitation sent', accepted: 'Accepted', declined: 'Declined' } as const

export type Outcome<T = undefined> = { ok: true, value: T } | { ok: false, errors: Record<string, string> }

/** Invites a co-speaker by address and mails them; a non-member is told to join the community first. */
export async function inviteCoSpeaker (trx: Db, mailer: Mailer, args: {
  community: Pick<Community, 'id' | 'name' | 'slug' | 'contact_email'>, call: Call, proposal: Proposal, submitter: Pick<Member, 'id' | 'email' | 'full_name' | 'agency'>, email: string
}): Promise<Outcome<{ member: boolean }>> {
  const { community, call, proposal, submitter, email } = args
  if (proposal.state === 'withdrawn') return { ok: false, errors: { email: 'This proposal was withdrawn; it takes no co-speakers.' } }
  if (email.toLowerCase() === submitter.email.toLowerCase()) return { ok: false, errors: { email: 'That is your own address: you are already the proposal’s speaker.' } }
  if (await findCoSpeakerByEmail(trx, proposal.id, email)) return { ok: false, errors: { email: `${email} is already invited to this proposal.` } }
  if (await countLiveCoSpeakers(trx, proposal.id) >= MAX_CO_SPEAKERS) {
    return { ok: false, errors: { email: `A proposal has at most ${MAX_CO_SPEAKERS} co-speakers. Withdraw an invitation to invite someone else.` } }
  }
  const member = await findCommunityMemberByEmail(trx, community.id, email)
  const row = await insertCoSpeaker(trx, { proposalId: proposal.id, email, memberId: member?.id ?? null })
  if (!row) return { ok: false, errors: { email: `${email} is already invited to this proposal.` } }
  await queueTemplatedMail(trx, mailer, {
    template: 'co-speaker-invitation',
    kind: 'co-speaker-invitation',
    to: email,
    memberId: member?.id,
    data: {
      name: member?.full_name ?? '', inviter: { full_name: submitter.full_name, agency: submitter.agency }, community, callTitle: call.title,
      title: proposal.title || 'an untitled draft', isMember: Boolean(member), slug: community.slug, callId: call.id, proposalId: proposal.id
    },
    // A colleague's invitation: replies reach the colleague.
    from: communitySender(mailer.site.mailFrom, community, { writer: submitter, replyTo: 'writer' })
  })
  return { ok: true, value: { member: Boolean(member) } }
}

/** Withdraws a co-speaker invitation (any state): the person is no longer listed and can no longer see the proposal. */
export async function withdrawCoSpeaker (db: Db, id: number): Promise<boolean> {
  return deleteCoSpeaker(db, id)
}

/**
 * A member answers their co-speaker invitation. Only a member of the community can accept; `null` when there is
 * no invitation for them (by member or address).
 */
export async function answerCoSpeaker (db: Db, args: { proposalId: number, member: Pick<Member, 'id' | 'email'>, isMember: boolean, accept: boolean }):
Promise<'accepted' | 'declined' | 'already' | 'join-first' | null> {
  const row = await findCoSpeakerOf(db, args.proposalId, args.member)
  if (!row) return null
  if (row.state !== 'invited') return 'already'
  if (args.accept && !args.isMember) return 'join-first'
  const state = args.accept ? 'accepted' : 'declined'
  return await answerCoSpeakerRow(db, row.id, args.member.id, state) ? state : 'already'
}

/** Whether the member may read the proposal as a co-speaker (invited or accepted; a declined or withdrawn one may not). */
export async function isCoSpeaker (db: Db, proposalId: number, member: Pick<Member, 'id' | 'email'>): Promise<boolean> {
  const row = await findCoSpeakerOf(db, proposalId, member)
  return Boolean(row && row.state !== 'declined')
}

/** What the proposal page shows about its people: co-speaker invitations, coaching notes, the organizers' invitation. */
export async function proposalPeople (db: Db, proposal: Proposal, viewer: Pick<Member, 'id' | 'email'>) {
  const [coSpeakers, coachingNotes] = await Promise.all([listCoSpeakers(db, proposal.id), listCoachingNotes(db, proposal.id)])
  const invitation = proposal.invitation_id === null
    ? undefined
    : await findInvitationNote(db, proposal.invitation_id)
  const mine = coSpeakers.find((c) => c.member_id === viewer.id || c.email.toLowerCase() === viewer.email.toLowerCase())
  return {
    coSpeakers: coSpeakers.map((c) => ({ ...c, stateLabel: CO_SPEAKER_STATES[c.state] })),
    acceptedCoSpeakers: coSpeakers.filter((c) => c.state === 'accepted'),
    coachingNotes,
    invitationNote: invitation?.note ?? null,
    viewerIsCoSpeaker: Boolean(mine && mine.state !== 'declined'),
    viewerCoSpeakerState: mine?.state ?? null
  }
}

// ---- Story mining

/** An organizer invites a member of the community to propose on a call, with a note, and mails them. */
export async function inviteToPropose (trx: Db, mailer: Mailer, args: {
  community: Pick<Community, 'id' | 'name' | 'slug' | 'contact_email'>, call: Call, organizer: Pick<Member, 'id' | 'full_name' | 'email'>, email: string, note: string
}): Promise<Outcome<{ id: number, name: string }>> {
  const { community, call, organizer, email, note } = args
  const errors: Record<string, string> = {}
  if (charCount(note) > NOTE_MAX) errors.note = `Keep the note under ${NOTE_MAX} characters.`
  if (callPhase(call) === 'closed') errors._form = 'This call has closed: invite members to a call that is open or about to open.'
  const member = await findCommunityMemberByEmail(trx, community.id, email)
  if (!member) errors.email = `No member of ${community.name} has the address ${email}. Invite them to join the community first.`
  else if (await findInvitationOfMember(trx, call.id, member.id)) errors.email = `${member.full_name} is already invited to propose on this call.`
  if (Object.keys(errors).length || !member) return { ok: false, errors }
  const invitation = await insertProposalInvitation(trx, { callId: call.id, memberId: member.id, invitedBy: organizer.id, note })
  await queueTemplatedMail(trx, mailer, {
    template: 'proposal-invitation',
    kind: 'proposal-invitation',
    to: member.email,
    memberId: member.id,
    data: { name: member.full_name, inviter: organizer.full_name, community, callTitle: call.title, note, slug: community.slug, callId: call.id, invitationId: invitation.id },
    from: communitySender(mailer.site.mailFrom, community, { writer: organizer })
  })
  return { ok: true, value: { id: invitation.id, name: member.full_name } }
}

/**
 * Opens the invited member's draft: the proposal already started from this invitation, or a new draft in the
 * call's first template with the organizer's note as the start of the first field that can hold it.
 */
export async function startInvitedDraft (trx: Db, args: { call: Call, template: TalkTemplate, memberId: number, invitation: { id: number, note: string } }):
Promise<Outcome<{ proposalId: number, created: boolean }>> {
  const existing = await findProposalOfInvitation(trx, args.invitation.id)
  if (existing && existing.state !== 'withdrawn') return { ok: true, value: { proposalId: existing.id, created: false } }
  const { call, template, invitation } = args
  const formats = call.formats as unknown as Array<{ key: string }>
  const note = invitation.note.trim()
  const field = template.fields.find((f) => !f.max || charCount(note) <= f.max)
  const saved = await saveProposal(trx, {
    call, template, memberId: args.memberId, existing: null,
    input: {
      templateId: template.id, title: '', format: formats[0]?.key ?? '', topic: '', answers: field ? { [field.key]: note } : {}, bio: '',
      affiliation: 'government', affiliationNote: '', pledge: false, firstTime: false, wantsCoaching: false, submit: false
    }
  })
  if (!saved.ok) return { ok: false, errors: saved.errors }
  await setProposalInvitation(trx, saved.proposal.id, invitation.id)
  return { ok: true, value: { proposalId: saved.proposal.id, created: true } }
}

// ---- Coaching

export async function addCoachingNote (db: Db, proposalId: number, authorId: number, note: string): Promise<Outcome> {
  const n = charCount(note.trim())
  if (n === 0) return { ok: false, errors: { note: 'Write the coaching note.' } }
  if (n > COACHING_NOTE_MAX) return { ok: false, errors: { note: `Keep a coaching note under ${COACHING_NOTE_MAX} characters.` } }
  await insertCoachingNote(db, proposalId, authorId, note.trim())
  return { ok: true, value: undefined }
}
