import { sql } from 'kysely'
import type { Db } from '../../db/database.js'

/*
 * The SQL of a proposal's people: co-speakers invited by email (proposal_speakers), organizers' invitations to
 * propose (proposal_invitations, "story mining") and coaching notes. speakers.service.ts decides; these read and write.
 */

// ---- Members

/** The member with this address who belongs to the community (not suspended), if any. */
export async function findCommunityMemberByEmail (db: Db, communityId: number, email: string) {
  return db.selectFrom('members').innerJoin('memberships', 'memberships.member_id', 'members.id')
    .select(['members.id', 'members.email', 'members.full_name', 'members.agency'])
    .where('memberships.community_id', '=', communityId).where('memberships.suspended_at', 'is', null)
    .where(sql`lower(members.email)`, '=', email.toLowerCase()).executeTakeFirst()
}

export async function findMemberByEmail (db: Db, email: string) {
  return db.selectFrom('members').select(['id', 'email', 'full_name']).where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst()
}

export async function isCommunityMember (db: Db, communityId: number, memberId: number): Promise<boolean> {
  const row = await db.selectFrom('memberships').select('id').where('community_id', '=', communityId).where('member_id', '=', memberId)
    .where('suspended_at', 'is', null).executeTakeFirst()
  return Boolean(row)
}

// ---- Co-speakers

/** A proposal's co-speaker invitations, oldest first, with the member who answered (or whose address it is). */
export async function listCoSpeakers (db: Db, proposalId: number) {
  return db.selectFrom('proposal_speakers').leftJoin('members', 'members.id', 'proposal_speakers.member_id')
    .select(['proposal_speakers.id', 'proposal_speakers.email', 'proposal_speakers.member_id', 'proposal_speakers.state',
      'proposal_speakers.invited_at', 'proposal_speakers.answered_at', 'members.full_name', 'members.agency'])
    .where('proposal_speakers.proposal_id', '=', proposalId).orderBy('proposal_speakers.id').execute()
}

export async function findCoSpeaker (db: Db, proposalId: number, id: number) {
  return db.selectFrom('proposal_speakers').selectAll().where('proposal_id', '=', proposalId).where('id', '=', id).executeTakeFirst()
}

/** The invitation of this address (any state) on a proposal. */
export async function findCoSpeakerByEmail (db: Db, proposalId: number, email: string) {
  return db.selectFrom('proposal_speakers').selectAll().where('proposal_id', '=', proposalId)
    .where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst()
}

/** Inserts an invitation; undefined when the address was already invited (two clicks at once). */
export async function insertCoSpeaker (db: Db, row: { proposalId: number, email: string, memberId: number | null }) {
  return db.insertInto('proposal_speakers').values({ proposal_id: row.proposalId, email: row.email, member_id: row.memberId })
    .onConflict((oc) => oc.constraint('proposal_speakers_once').doNothing()).returningAll().executeTakeFirst()
}

/** Invitations still counting against the limit (sent or accepted). */
export async function countLiveCoSpeakers (db: Db, proposalId: number): Promise<number> {
  const row = await db.selectFrom('proposal_speakers').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('proposal_id', '=', proposalId).where('state', '<>', 'declined').executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function deleteCoSpeaker (db: Db, id: number): Promise<boolean> {
  const r = await db.deleteFrom('proposal_speakers').where('id', '=', id).executeTakeFirst()
  return Number(r.numDeletedRows) === 1
}

/** Records an answer to a pending invitation; false when it was already answered. */
export async function answerCoSpeakerRow (db: Db, id: number, memberId: number, state: 'accepted' | 'declined'): Promise<boolean> {
  const r = await db.updateTable('proposal_speakers').set({ state, member_id: memberId, answered_at: new Date() })
    .where('id', '=', id).where('state', '=', 'invited').executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** The member's co-speaker invitation on a proposal (by member or by address), if any. */
export async function findCoSpeakerOf (db: Db, proposalId: number, member: { id: number, email: string }) {
  return db.selectFrom('proposal_speakers').selectAll().where('proposal_id', '=', proposalId)
    .where((eb) => eb.or([eb('member_id', '=', member.id), eb(sql`lower(email)`, '=', member.email.toLowerCase())]))
    .orderBy('id').executeTakeFirst()
}

// ---- Invitations to propose (story mining)

export async function insertProposalInvitation (db: Db, row: { callId: number, memberId: number, invitedBy: number, note: string }) {
  return db.insertInto('proposal_invitations')
    .values({ call_id: row.callId, member_id: row.memberId, invited_by: row.invitedBy, note: row.note }).returningAll().executeTakeFirstOrThrow()
}

export async function findProposalInvitation (db: Db, callId: number, id: number) {
  return db.selectFrom('proposal_invitations').leftJoin('members', 'members.id', 'proposal_invitations.invited_by')
    .selectAll('proposal_invitations').select(['members.full_name as inviter_name'])
    .where('proposal_invitations.call_id', '=', callId).where('proposal_invitations.id', '=', id).executeTakeFirst()
}

export async function findInvitationNote (db: Db, id: number) {
  return db.selectFrom('proposal_invitations').select(['note']).where('id', '=', id).executeTakeFirst()
}

export async function findInvitationOfMember (db: Db, callId: number, memberId: number) {
  return db.selectFrom('proposal_invitations').select('id').where('call_id', '=', callId).where('member_id', '=', memberId).executeTakeFirst()
}

/** The proposal started from an invitation, if any (its newest). */
export async function findProposalOfInvitation (db: Db, invitationId: number) {
  return db.selectFrom('proposals').select(['id', 'state', 'decision']).where('invitation_id', '=', invitationId)
    .orderBy('id', 'desc').executeTakeFirst()
}

export async function setProposalInvitation (db: Db, proposalId: number, invitationId: number): Promise<void> {
  await db.updateTable('proposals').set({ invitation_id: invitationId }).where('id', '=', proposalId).execute()
}

/** A call's invitations to propose, newest first, with the member and what became of it. */
export async function listCallInvitations (db: Db, callId: number) {
  return db.selectFrom('proposal_invitations').innerJoin('members', 'members.id', 'proposal_invitations.member_id')
    .select(['proposal_invitations.id', 'proposal_invitations.note', 'proposal_invitations.created_at', 'members.full_name', 'members.agency'])
    .select(sql<string | null>`(select p.state from proposals p where p.invitation_id = proposal_invitations.id order by p.id desc limit 1)`.as('proposal_state'))
    .select(sql<string | null>`(select p.decision from proposals p where p.invitation_id = proposal_invitations.id order by p.id desc limit 1)`.as('proposal_decision'))
    .select(sql<number | null>`(select p.id from proposals p where p.invitation_id = proposal_invitations.id order by p.id desc limit 1)`.as('proposal_id'))
    .where('proposal_invitations.call_id', '=', callId)
    .orderBy('proposal_invitations.id', 'desc').execute()
}

/** How a call's invitations to propose turned out: sent, drafts started, submitted, accepted (decision column). */
export async function invitationOutcomes (db: Db, callId: number) {
  const row = await db.selectFrom('proposal_invitations')
    .select(sql<number>`count(*)::int`.as('invited'))
    .select(sql<number>`(select count(distinct p.invitation_id)::int from proposals p where p.call_id = ${callId} and p.invitation_id is not null)`.as('started'))
    .select(sql<number>`(select count(distinct p.invitation_id)::int from proposals p where p.call_id = ${callId} and p.invitation_id is not null and p.state = 'submitted')`.as('submitted'))
    .select(sql<number>`(select count(distinct p.invitation_id)::int from proposals p where p.call_id = ${callId} and p.invitation_id is not null and p.state = 'submitted' and p.decision = 'accepted')`.as('accepted'))
    .where('call_id', '=', callId).executeTakeFirstOrThrow()
  return { invited: Number(row.invited), started: Number(row.started), submitted: Number(row.submitted), accepted: Number(row.accepted) }
}

// ---- Coaching

export async function listCoachingNotes (db: Db, proposalId: number) {
  return db.selectFrom('coaching_notes').leftJoin('members', 'members.id', 'coaching_notes.author_id')
    .select(['coaching_notes.id', 'coaching_notes.body', 'coaching_notes.created_at', 'members.full_name as author_name'])
    .where('coaching_notes.proposal_id', '=', proposalId).orderBy('coaching_notes.id').execute()
}

export async function insertCoachingNote (db: Db, proposalId: number, authorId: number, note: string): Promise<void> {
  await db.insertInto('coaching_notes').values({ proposal_id: proposalId, author_id: authorId, body: note }).execute()
}

/** A call's proposals (not withdrawn) whose speaker asked for coaching, with how many notes each has. */
export async function listCoachingWanted (db: Db, callId: number) {
  return db.selectFrom('proposals').innerJoin('members', 'members.id', 'proposals.submitter_id')
    .select(['proposals.id', 'proposals.title', 'proposals.state', 'proposals.first_time', 'members.full_name', 'members.agency'])
    .select(sql<number>`(select count(*)::int from coaching_notes n where n.proposal_id = proposals.id)`.as('notes'))
    .where('proposals.call_id', '=', callId).where('proposals.wants_coaching', '=', true).where('proposals.state', '<>', 'withdrawn')
    .orderBy('proposals.id').execute()
}
