import type { Call, Community, Db, Decision, DecisionMails, Proposal } from '../../db/database.js'
import { findCommunityById } from '../communities/communities.repository.js'
import { queueTemplatedMail, type Mailer } from '../mail/mailer.js'
import { communitySender } from '../mail/sender.js'
import { absoluteUrl, paths } from '../../lib/paths.js'
import { safeEqual, sign } from '../../lib/tokens.js'
import {
  findMailable, findProposalWithCall, listNotesToSpeaker, listDueConfirmReminders, listUnmailedDecisions, lockFirstBackup, lockProposal,
  markConfirmReminded, markDecisionMailed, markReleased, promoteBackup, recordConfirmation, updateDecision, updateDecisionMails,
  type MailableProposal
} from './decisions.repository.js'
import { unplaceDeclinedTalk } from './placement.service.js'
import { findCall, findProposal, lockCall } from './proposals.repository.js'
import { DECISION_PLACEHOLDERS, DEFAULT_DECISION_MAILS, fillPlaceholders, reviewNotesText } from './templates.js'

/*
 * Decisions on a call's proposals and the accepted speakers' confirmation. Organizers decide each submitted
 * proposal (accepted, rejected, backup; none = pending) with an optional note to the speaker, and may change it
 * until its mail has gone. "Release" mails every decided, not yet mailed proposal once, in one transaction with
 * the call row locked (two releases at once send each mail once). An accepted speaker's mail carries a signed
 * link (confirm or decline); a decline offers the slot to the first backup. Unconfirmed accepted speakers are
 * reminded once, `confirm_reminder_days` after their mail.
 */

export const DECISIONS: readonly Decision[] = ['accepted', 'backup', 'rejected']
export const DECISION_LABELS: Record<Decision, string> = { accepted: 'Accepted', backup: 'Backup', rejected: 'Rejected' }

export const CONFIRM_REMINDERS_JOB = 'proposals.confirm-reminders'
/** Hourly, at minute 40. */
export const CONFIRM_REMINDERS_CRON = '40 * * * *'

/** The call's mails, the defaults filling any decision a stored value lacks. */
export function decisionMails (call: Pick<Call, 'decision_mails'>): DecisionMails {
  const stored = (call.decision_mails ?? {}) as Partial<DecisionMails>
  return {
    accepted: stored.accepted ?? DEFAULT_DECISION_MAILS.accepted,
    backup: stored.backup ?? DEFAULT_DECISION_MAILS.backup,
    rejected: stored.rejected ?? DEFAULT_DECISION_MAILS.rejected
  }
}

/**
 * The problems of edited mails, by form field (`accepted_subject`, `backup_body`…): a placeholder we do not
 * know is named; the accepted mail's text must carry {confirm_link}.
 */
export function checkDecisionMails (mails: DecisionMails): Record<string, string> {
  const errors: Record<string, string> = {}
  const known = new Set<string>(DECISION_PLACEHOLDERS)
  for (const d of DECISIONS) {
    for (const part of ['subject', 'body'] as const) {
      const unknown = [...mails[d][part].matchAll(/\{([^{}\s]*)\}/g)].map((m) => m[1]).filter((k) => !known.has(k))
      if (unknown.length) {
        errors[`${d}_${part}`] = `${DECISION_LABELS[d]} mail ${part === 'body' ? 'text' : 'subject'}: unknown placeholder ${[...new Set(unknown)].map((k) => `{${k}}`).join(', ')}. Use ${DECISION_PLACEHOLDERS.map((k) => `{${k}}`).join(' ')}.`
      }
    }
  }
  if (!errors.accepted_body && !mails.accepted.body.includes('{confirm_link}')) {
    errors.accepted_body = 'Accepted mail text: it must contain {confirm_link}, the link with which the speaker confirms or declines.'
  }
  return errors
}

export async function saveDecisionMails (db: Db, callId: number, mails: DecisionMails): Promise<{ ok: true } | { ok: false, errors: Record<string, string> }> {
  const errors = checkDecisionMails(mails)
  if (Object.keys(errors).length) return { ok: false, errors }
  await updateDecisionMails(db, callId, mails)
  return { ok: true }
}

/** The decisions whose mail may carry the reviewers' notes (an acceptance's mail is about confirming). */
export const REVIEW_NOTES_DECISIONS: readonly Decision[] = ['rejected', 'backup']

/**
 * Decides a submitted proposal (null: back to pending) with an optional note, and whether the reviewers' notes
 * go with it (kept only for a rejection or a backup). Refused once its decision was mailed (released), or when
 * it is not a submitted proposal of the call.
 */
export async function decide (db: Db, callId: number, proposalId: number, decision: Decision | null, note: string, by: number, sendReviewNotes = false): Promise<boolean> {
  const send = sendReviewNotes && decision !== null && REVIEW_NOTES_DECISIONS.includes(decision)
  return updateDecision(db, callId, proposalId, { decision, note: note.trim() || null, sendReviewNotes: send, by, at: new Date() })
}

/** Whether a decision's mail and page carry the reviewers' notes: the organizers chose so, for a rejection or a backup. */
export function sendsReviewNotes (p: Pick<Proposal, 'decision' | 'send_review_notes'>): boolean {
  return p.send_review_notes && p.decision !== null && REVIEW_NOTES_DECISIONS.includes(p.decision)
}

/**
 * The reviewers' notes the speaker reads on their proposal's page: the non-empty ones, anonymous, once the
 * decision that carries them was released ([] before, and for a decision that does not carry them).
 */
export async function reviewNotesForSpeaker (db: Db, p: Pick<Proposal, 'id' | 'state' | 'decision' | 'decision_mailed_at' | 'send_review_notes'>): Promise<string[]> {
  if (p.state !== 'submitted' || p.decision_mailed_at === null || !sendsReviewNotes(p)) return []
  return listNotesToSpeaker(db, p.id)
}

// ---- Signed confirm links

/** The link's version: when the proposal was accepted (a promoted backup gets a new one). */
const versionOf = (decidedAt: Date | null) => Math.floor((decidedAt?.getTime() ?? 0) / 1000)

function payload (proposalId: number, version: number): string {
  return `convene:talk-confirm:v1|${proposalId}|${version}`
}

export function confirmToken (secret: string, proposalId: number, decidedAt: Date | null): string {
  const v = versionOf(decidedAt)
  return `${proposalId}.${v}.${sign(secret, payload(proposalId, v))}`
}

export function readConfirmToken (secret: string, token: string): { proposalId: number, version: number } | null {
  const m = /^(\d{1,10})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token)
  if (!m) return null
  const proposalId = Number(m[1])
  const version = Number(m[2])
  return safeEqual(m[3], sign(secret, payload(proposalId, version))) ? { proposalId, version } : null
}

// ---- Mails

async function queueDecisionMail (db: Db, mailer: Mailer, call: Call, community: Community, p: MailableProposal, decision: Decision, decidedAt: Date | null, reminder = false): Promise<void> {
  const mails = decisionMails(call)
  const confirmLink = decision === 'accepted'
    ? absoluteUrl(mailer.site.publicUrl, paths.confirmTalk(confirmToken(mailer.site.secret, p.id, decidedAt)))
    : ''
  const reviewNotes = !reminder && decision === p.decision && sendsReviewNotes(p) ? reviewNotesText(await listNotesToSpeaker(db, p.id)) : ''
  const values = { name: p.full_name, title: p.title, call: call.title, community: community.name, confirm_link: confirmLink, note: p.note_to_speaker ?? '', review_notes: reviewNotes }
  const subject = fillPlaceholders(mails[decision].subject, { ...values, review_notes: '' }).replace(/\s{2,}/g, ' ').trim()
  const body = mails[decision].body
  // A text without {review_notes} (written before it existed) gets the notes after it, apart.
  const message = (fillPlaceholders(body, values) + (reviewNotes && !body.includes('{review_notes}') ? `\n\n${reviewNotes}` : ''))
    .replace(/\n{3,}/g, '\n\n').trim()
  await queueTemplatedMail(db, mailer, {
    template: 'proposal-decision',
    kind: reminder ? 'proposal-confirm-reminder' : `proposal-${decision}`,
    to: p.email,
    memberId: p.submitter_id,
    data: {
      subject: reminder ? `Reminder: ${subject}` : subject,
      message,
      reminder,
      confirmLink: confirmLink || null,
      proposalUrl: absoluteUrl(mailer.site.publicUrl, paths.proposal(community.slug, call.id, p.id))
    },
    from: communitySender(mailer.site.mailFrom, community)
  })
}

/**
 * Releases a call's decisions: every decided proposal whose mail has not gone gets it, once, and is marked
 * mailed in the same transaction. The call row is locked first, so two releases at once send each mail once.
 * Returns how many mails were queued.
 */
export async function releaseDecisions (db: Db, mailer: Mailer, communityId: number, callId: number, now = new Date()): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const call = await lockCall(trx, callId)
    if (!call || call.community_id !== communityId) return 0
    const community = (await findCommunityById(trx, communityId))!
    const due = await listUnmailedDecisions(trx, callId)
    let sent = 0
    for (const p of due) {
      // The call lock orders releases; the conditional update is a second guard: a mail goes with its mark only.
      if (!await markDecisionMailed(trx, p.id, now)) continue
      await queueDecisionMail(trx, mailer, call, community, p, p.decision!, p.decided_at)
      sent++
    }
    await markReleased(trx, callId, now)
    return sent
  })
}

/** How many decided proposals a release would mail now, by decision. */
export function releaseCounts (rows: Array<{ decision: Decision | null, decision_mailed_at: Date | null }>): Record<Decision, number> & { total: number } {
  const counts = { accepted: 0, backup: 0, rejected: 0, total: 0 }
  for (const r of rows) {
    if (r.decision && !r.decision_mailed_at) { counts[r.decision]++; counts.total++ }
  }
  return counts
}

// ---- Confirmation

export type ConfirmLookup =
  | { ok: false }
  | { ok: true, proposal: Proposal, call: Call, community: Community, usable: boolean }

/** What a confirm link points at: the proposal, and whether the link still works (still accepted, same acceptance). */
export async function lookUpConfirmLink (db: Db, secret: string, token: string): Promise<ConfirmLookup> {
  const claims = readConfirmToken(secret, token)
  if (!claims) return { ok: false }
  const found = await findProposalWithCall(db, claims.proposalId)
  if (!found) return { ok: false }
  const [call, community] = await Promise.all([findCall(db, found.community_id, found.call_id), findCommunityById(db, found.community_id)])
  const proposal = await findProposal(db, found.call_id, found.id)
  if (!call || !community || !proposal) return { ok: false }
  const usable = linkHolds(proposal, claims.version)
  return { ok: true, proposal, call, community, usable }
}

function linkHolds (p: Proposal, version: number): boolean {
  return p.state === 'submitted' && p.decision === 'accepted' && p.decision_mailed_at !== null &&
    p.confirmation !== 'declined' && versionOf(p.decided_at) === version
}

export type ConfirmOutcome = 'confirmed' | 'declined' | 'already-confirmed' | 'stale'

/**
 * The speaker's answer through a confirm link. Declining (after accepting or confirming) gives the slot to the
 * first released backup by decision time: it becomes accepted and gets the accepted mail with its own link, in
 * the same transaction (the call row is locked, so two declines at once promote two different backups).
 */
export async function answerConfirmLink (db: Db, mailer: Mailer, token: string, answer: 'confirmed' | 'declined', now = new Date()): Promise<ConfirmOutcome> {
  const claims = readConfirmToken(mailer.site.secret, token)
  if (!claims) return 'stale'
  const found = await findProposalWithCall(db, claims.proposalId)
  if (!found) return 'stale'
  return db.transaction().execute(async (trx) => {
    const call = await lockCall(trx, found.call_id)
    const p = await lockProposal(trx, found.call_id, found.id)
    if (!call || !p || !linkHolds(p, claims.version)) return 'stale'
    if (answer === 'confirmed') {
      if (p.confirmation === 'confirmed') return 'already-confirmed'
      await recordConfirmation(trx, p.id, 'confirmed', now)
      return 'confirmed'
    }
    await recordConfirmation(trx, p.id, 'declined', now)
    // A talk placed on a series meeting leaves it (no speaker again); the promoted backup is placed by the organizers.
    await unplaceDeclinedTalk(trx, call, p.id, now)
    const backup = await lockFirstBackup(trx, call.id)
    if (backup) {
      const community = (await findCommunityById(trx, call.community_id))!
      await promoteBackup(trx, backup.id, now)
      await queueDecisionMail(trx, mailer, call, community, { ...backup, decision: 'accepted' }, 'accepted', now)
    }
    return 'declined'
  })
}

/**
 * One pass of the reminders: each accepted speaker who has not answered `confirm_reminder_days` after the mail
 * gets one reminder (the accepted mail again, with the same link). Returns how many were queued.
 */
export async function sendConfirmReminders (db: Db, mailer: Mailer, now = new Date()): Promise<number> {
  const due = await listDueConfirmReminders(db, now)
  let sent = 0
  for (const row of due) {
    sent += await db.transaction().execute(async (trx) => {
      const call = await lockCall(trx, row.call_id)
      if (!call || !await markConfirmReminded(trx, row.id, now)) return 0
      const p = await findMailable(trx, row.id)
      const community = await findCommunityById(trx, call.community_id)
      if (!p || !community) return 0
      await queueDecisionMail(trx, mailer, call, community, p, 'accepted', p.decided_at, true)
      return 1
    })
  }
  return sent
}

/** What the speaker's proposal page says of the decision: nothing before release, then the decision, note and answer. */
export function speakerDecision (p: Pick<Proposal, 'state' | 'decision' | 'decision_mailed_at' | 'note_to_speaker' | 'confirmation'>): {
  label: string, note: string | null, confirmation: string | null, awaitingAnswer: boolean
} | null {
  if (p.state !== 'submitted') return null
  if (!p.decision || !p.decision_mailed_at) return { label: 'Under review', note: null, confirmation: null, awaitingAnswer: false }
  const label = p.decision === 'accepted' ? 'Accepted' : p.decision === 'backup' ? 'On the backup list' : 'Not accepted'
  const confirmation = p.decision !== 'accepted' ? null
    : p.confirmation === 'confirmed' ? 'You confirmed that you will give this talk.'
      : p.confirmation === 'declined' ? 'You declined: the slot was offered to another speaker.'
        : 'Action required: please confirm or decline.'
  return { label, note: p.note_to_speaker, confirmation, awaitingAnswer: p.decision === 'accepted' && p.confirmation === null }
}

/**
 * A proposal's state as its speaker reads it: a decision only once its mail has gone (a decision made after a
 * release stays hidden until the next one); "Under review" for a submitted proposal once the call has closed.
 */
export function speakerStateLabel (p: Pick<Proposal, 'state' | 'decision' | 'decision_mailed_at' | 'confirmation'>, callClosed: boolean): string {
  if (p.state === 'withdrawn') return 'Withdrawn'
  if (p.state === 'draft') return 'Draft (not submitted)'
  if (p.decision && p.decision_mailed_at) {
    if (p.decision !== 'accepted') return p.decision === 'backup' ? 'On the backup list' : 'Not accepted'
    return p.confirmation === 'confirmed' ? 'Accepted, confirmed' : p.confirmation === 'declined' ? 'Accepted, declined by you' : 'Accepted: action required'
  }
  return callClosed ? 'Under review' : 'Submitted'
}
