import { sql } from 'kysely'
import type { Db, Decision, DecisionMails, Proposal } from '../../db/database.js'

/*
 * The SQL of decisions and speaker confirmation (decisions.service.ts decides what a change does). Every
 * lookup names the call a proposal must belong to, so an id from elsewhere finds nothing.
 */

/** A call's submitted proposals with their speaker and decision, for the organizers' decisions page. */
export async function listDecisionRows (db: Db, callId: number) {
  return db.selectFrom('proposals').innerJoin('members', 'members.id', 'proposals.submitter_id')
    .select(['proposals.id', 'proposals.title', 'proposals.format', 'proposals.decision', 'proposals.decided_at',
      'proposals.decision_mailed_at', 'proposals.note_to_speaker', 'proposals.confirmation', 'proposals.confirmed_at',
      'proposals.send_review_notes', 'members.full_name', 'members.agency'])
    // How many reviewers wrote a note to the speaker (what "send the reviewers' notes" would send).
    .select((eb) => eb.selectFrom('reviews').select((e2) => e2.fn.countAll<number>().as('n'))
      .whereRef('reviews.proposal_id', '=', 'proposals.id').where(sql<boolean>`btrim(reviews.note_to_speaker) <> ''`).as('review_notes'))
    .where('proposals.call_id', '=', callId).where('proposals.state', '=', 'submitted')
    .orderBy('proposals.id').execute()
}

/**
 * Sets (or clears) a submitted proposal's decision and note, unless its decision was already mailed. Returns
 * whether a row changed.
 */
export async function updateDecision (db: Db, callId: number, proposalId: number,
  change: { decision: Decision | null, note: string | null, sendReviewNotes: boolean, by: number | null, at: Date }): Promise<boolean> {
  const res = await db.updateTable('proposals')
    .set({
      decision: change.decision,
      note_to_speaker: change.note,
      send_review_notes: change.sendReviewNotes,
      decided_by: change.decision ? change.by : null,
      decided_at: change.decision ? change.at : null,
      updated_at: change.at
    })
    .where('call_id', '=', callId).where('id', '=', proposalId)
    .where('state', '=', 'submitted').where('decision_mailed_at', 'is', null)
    .executeTakeFirst()
  return Number(res.numUpdatedRows) > 0
}

export async function updateDecisionMails (db: Db, callId: number, mails: DecisionMails): Promise<void> {
  await db.updateTable('calls').set({ decision_mails: JSON.stringify(mails), updated_at: new Date() }).where('id', '=', callId).execute()
}

/** What a decision mail needs of a proposal and its speaker. */
export interface MailableProposal {
  id: number
  call_id: number
  title: string
  decision: Decision | null
  decided_at: Date | null
  note_to_speaker: string | null
  send_review_notes: boolean
  submitter_id: number
  full_name: string
  email: string
}

const mailable = ['proposals.id', 'proposals.call_id', 'proposals.title', 'proposals.decision', 'proposals.decided_at',
  'proposals.note_to_speaker', 'proposals.send_review_notes', 'proposals.submitter_id', 'members.full_name', 'members.email'] as const

/** The call's submitted proposals with a decision whose mail has not gone yet (call it with the call locked). */
export async function listUnmailedDecisions (db: Db, callId: number): Promise<MailableProposal[]> {
  return db.selectFrom('proposals').innerJoin('members', 'members.id', 'proposals.submitter_id').select([...mailable])
    .where('proposals.call_id', '=', callId).where('proposals.state', '=', 'submitted')
    .where('proposals.decision', 'is not', null).where('proposals.decision_mailed_at', 'is', null)
    .orderBy('proposals.id').execute()
}

/** Marks a decision mailed, once: false when another release did it first (its mail is theirs to send). */
export async function markDecisionMailed (db: Db, proposalId: number, at: Date): Promise<boolean> {
  const res = await db.updateTable('proposals').set({ decision_mailed_at: at, updated_at: at })
    .where('id', '=', proposalId).where('decision_mailed_at', 'is', null).executeTakeFirst()
  return Number(res.numUpdatedRows) > 0
}

export async function markReleased (db: Db, callId: number, at: Date): Promise<void> {
  await db.updateTable('calls').set({ decisions_released_at: at, updated_at: at }).where('id', '=', callId).execute()
}

/** A proposal of a call, locked for the rest of the transaction. */
export async function lockProposal (db: Db, callId: number, proposalId: number): Promise<Proposal | undefined> {
  return db.selectFrom('proposals').selectAll().where('call_id', '=', callId).where('id', '=', proposalId).forUpdate().executeTakeFirst()
}

/** A proposal by id with its call's community (for a mailed link, which names only the proposal). */
export async function findProposalWithCall (db: Db, proposalId: number) {
  return db.selectFrom('proposals').innerJoin('calls', 'calls.id', 'proposals.call_id')
    .select(['proposals.id', 'proposals.call_id', 'calls.community_id'])
    .where('proposals.id', '=', proposalId).executeTakeFirst()
}

export async function recordConfirmation (db: Db, proposalId: number, answer: 'confirmed' | 'declined', at: Date): Promise<void> {
  await db.updateTable('proposals').set({ confirmation: answer, confirmed_at: at, updated_at: at }).where('id', '=', proposalId).execute()
}

/** The first released backup of a call (by when it was decided), locked. */
export async function lockFirstBackup (db: Db, callId: number): Promise<MailableProposal | undefined> {
  return db.selectFrom('proposals').innerJoin('members', 'members.id', 'proposals.submitter_id').select([...mailable])
    .where('proposals.call_id', '=', callId).where('proposals.state', '=', 'submitted')
    .where('proposals.decision', '=', 'backup').where('proposals.decision_mailed_at', 'is not', null)
    .orderBy('proposals.decided_at').orderBy('proposals.id').limit(1).forUpdate(['proposals']).executeTakeFirst()
}

/** Makes a backup accepted, its mail sent now (the caller queues it in the same transaction). */
export async function promoteBackup (db: Db, proposalId: number, at: Date): Promise<void> {
  await db.updateTable('proposals')
    .set({ decision: 'accepted', decided_at: at, decided_by: null, decision_mailed_at: at, confirmation: null, confirmed_at: null, confirm_reminded_at: null, updated_at: at })
    .where('id', '=', proposalId).execute()
}

/** Accepted speakers, mailed at least `confirm_reminder_days` ago, who have neither answered nor been reminded. */
export async function listDueConfirmReminders (db: Db, now: Date) {
  return db.selectFrom('proposals').innerJoin('calls', 'calls.id', 'proposals.call_id').select(['proposals.id', 'proposals.call_id'])
    .where('proposals.state', '=', 'submitted').where('proposals.decision', '=', 'accepted')
    .where('proposals.confirmation', 'is', null).where('proposals.confirm_reminded_at', 'is', null)
    .where('proposals.decision_mailed_at', 'is not', null)
    .where(sql<boolean>`proposals.decision_mailed_at + make_interval(days => calls.confirm_reminder_days) <= ${now}`)
    .orderBy('proposals.id').limit(500).execute()
}

/** Marks the reminder sent, once: false when another pass did it first. */
export async function markConfirmReminded (db: Db, proposalId: number, at: Date): Promise<boolean> {
  const res = await db.updateTable('proposals').set({ confirm_reminded_at: at })
    .where('id', '=', proposalId).where('confirm_reminded_at', 'is', null).where('confirmation', 'is', null)
    .where('decision', '=', 'accepted').executeTakeFirst()
  return Number(res.numUpdatedRows) > 0
}

export async function findMailable (db: Db, proposalId: number): Promise<MailableProposal | undefined> {
  return db.selectFrom('proposals').innerJoin('members', 'members.id', 'proposals.submitter_id').select([...mailable])
    .where('proposals.id', '=', proposalId).executeTakeFirst()
}

/**
 * The reviewers' notes to the speaker of a proposal that are not empty, in the order written — the text only:
 * never who wrote them (the speaker reads them as "Reviewer 1", "Reviewer 2"…).
 */
export async function listNotesToSpeaker (db: Db, proposalId: number): Promise<string[]> {
  const rows = await db.selectFrom('reviews').select('note_to_speaker')
    .where('proposal_id', '=', proposalId).where(sql<boolean>`btrim(note_to_speaker) <> ''`)
    .orderBy('submitted_at').orderBy('id').execute()
  return rows.map((r) => r.note_to_speaker.trim())
}
