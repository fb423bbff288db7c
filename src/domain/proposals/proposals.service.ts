import type { Affiliation, Call, CallFormat, Db, Proposal, TalkTemplate } from '../../db/database.js'
import { dateTime } from '../../lib/format.js'
import { callPhase } from './calls.service.js'
import { countActiveProposals, insertProposal, lockCall, updateProposalRow } from './proposals.repository.js'
import { charCount, checkAnswers } from './templates.js'

/*
 * Proposals as speakers write them: a draft saved half-written (only the maxima checked), a submission checked
 * in full (every template field in its range, the pledge, the cap per person), edits until the call closes or a
 * decision is made, and withdrawal with a reason. Errors are keyed by the form field they are about.
 */

export const AFFILIATIONS: Array<{ value: Affiliation, label: string }> = [
  { value: 'government', label: 'Government (federal, state, local, tribal)' },
  { value: 'contractor', label: 'Contractor working for a government team' },
  { value: 'vendor', label: 'Vendor' },
  { value: 'academic', label: 'Academic or research' },
  { value: 'other', label: 'Other' }
]

export const PLEDGE = 'I speak from my own work; this is not a sales pitch'

export interface ProposalInput {
  templateId: number
  title: string
  format: string
  topic: string
  answers: Record<string, string>
  bio: string
  affiliation: Affiliation
  affiliationNote: string
  pledge: boolean
  firstTime: boolean
  wantsCoaching: boolean
  /** Submit (checked in full) or keep as a draft. */
  submit: boolean
}

export type SaveOutcome = { ok: true, proposal: Proposal } | { ok: false, errors: Record<string, string>, status: 400 | 409 }

/** Why a proposal can no longer be changed by its speaker, or null when it can. */
export function lockedReason (call: Pick<Call, 'opens_at' | 'closes_at' | 'time_zone'>, proposal: Pick<Proposal, 'state' | 'decision'> | null, now = new Date()): string | null {
  if (proposal?.state === 'withdrawn') return 'This proposal was withdrawn; it can no longer be changed.'
  if (proposal?.decision) return 'The organizers are reviewing this proposal; it can no longer be changed.'
  const phase = callPhase(call, now)
  if (phase === 'not-open') return `This call opens on ${dateTime(call.opens_at, call.time_zone)}.`
  if (phase === 'closed') return `This call closed on ${dateTime(call.closes_at, call.time_zone)}; proposals can no longer be written or changed.`
  return null
}

/** The problems with a proposal as written: keyed by form field (`answer_<key>` for a template field). */
export function checkProposal (call: Call, template: TalkTemplate, input: ProposalInput): Record<string, string> {
  const errors: Record<string, string> = {}
  const formats = call.formats as unknown as CallFormat[]
  if (!formats.some((f) => f.key === input.format)) errors.format = 'Choose a format from the list.'
  if (input.topic && !call.topics.includes(input.topic)) errors.topic = 'Choose a topic from the list.'
  for (const [key, message] of Object.entries(checkAnswers(template.fields, input.answers, input.submit))) errors[`answer_${key}`] = message
  if (input.submit) {
    if (!input.title) errors.title = 'Enter a title for your talk.'
    if (call.topics.length && !input.topic) errors.topic = 'Choose the topic your talk is about.'
    if (charCount(input.bio) === 0) errors.bio = 'Write a short bio: who you are and what you work on.'
    if (!input.pledge) errors.pledge = `Tick “${PLEDGE}” to submit. Contractor teams are welcome; sales pitches are not.`
  }
  return errors
}

/**
 * Creates (`existing` null) or changes a member's proposal to a call, as a draft or submitted. Locks the call
 * so that two proposals sent at once cannot both pass its cap. Run it in a transaction.
 */
export async function saveProposal (trx: Db, args: {
  call: Call, template: TalkTemplate, memberId: number, existing: Proposal | null, input: ProposalInput, now?: Date
}): Promise<SaveOutcome> {
  const { template, memberId, existing, input } = args
  const now = args.now ?? new Date()
  const call = await lockCall(trx, args.call.id)
  if (!call) return { ok: false, errors: { _form: 'This call no longer exists.' }, status: 409 }
  const locked = lockedReason(call, existing, now)
  if (locked) return { ok: false, errors: { _form: locked }, status: 409 }
  const errors = checkProposal(call, template, input)
  const others = await countActiveProposals(trx, call.id, memberId, existing?.id ?? null)
  if (others >= call.max_proposals_per_person) {
    const cap = call.max_proposals_per_person
    errors.cap = `This call takes at most ${cap} ${cap === 1 ? 'proposal' : 'proposals'} per person, drafts included, and you have ${others}. Withdraw one to ${existing ? 'submit' : 'add'} this one.`
  }
  if (Object.keys(errors).length) return { ok: false, errors, status: 400 }
  const values = {
    template_id: template.id,
    title: input.title,
    format: input.format,
    topic: input.topic || null,
    answers: JSON.stringify(Object.fromEntries(template.fields.map((f) => [f.key, (input.answers[f.key] ?? '').trim()]))),
    bio: input.bio,
    affiliation: input.affiliation,
    affiliation_note: input.affiliationNote,
    pledged_at: input.pledge ? (existing?.pledged_at ?? now) : null,
    first_time: input.firstTime,
    wants_coaching: input.wantsCoaching,
    state: input.submit ? 'submitted' as const : 'draft' as const,
    submitted_at: input.submit ? (existing?.submitted_at ?? now) : null
  }
  if (existing) {
    await updateProposalRow(trx, existing.id, values)
    return { ok: true, proposal: { ...existing, ...values, answers: JSON.parse(values.answers) as Record<string, string> } }
  }
  const proposal = await insertProposal(trx, { ...values, call_id: call.id, submitter_id: memberId, invitation_id: null, withdrawn_reason: null,
    decision: null, decided_by: null, decided_at: null, decision_mailed_at: null, note_to_speaker: null, confirmation: null, confirmed_at: null, confirm_reminded_at: null })
  return { ok: true, proposal }
}

/** Withdraws a proposal with the speaker's reason; an already withdrawn one stays as it was. */
export async function withdrawProposal (db: Db, proposal: Proposal, reason: string): Promise<boolean> {
  if (proposal.state === 'withdrawn') return false
  await updateProposalRow(db, proposal.id, { state: 'withdrawn', withdrawn_reason: reason })
  return true
}

/** What a proposal's state reads as on the speaker's pages. */
export function stateLabel (p: Pick<Proposal, 'state' | 'decision'>, decisionsReleased: boolean): string {
  if (p.state === 'withdrawn') return 'Withdrawn'
  if (p.state === 'draft') return 'Draft (not submitted)'
  if (decisionsReleased && p.decision) return p.decision === 'accepted' ? 'Accepted' : p.decision === 'backup' ? 'On the backup list' : 'Not accepted'
  return 'Submitted'
}
