import { sql } from 'kysely'
import type { Db, JoinRequest, JoinRequestStatus } from '../../db/database.js'

export async function isCommunityMember (db: Db, communityId: number, memberId: number): Promise<boolean> {
  const row = await db.selectFrom('memberships').select('id')
    .where('community_id', '=', communityId).where('member_id', '=', memberId).executeTakeFirst()
  return Boolean(row)
}

/** Adds the membership (idempotent: a second call changes nothing). */
export async function insertMembership (db: Db, communityId: number, memberId: number): Promise<void> {
  await db.insertInto('memberships').values({ community_id: communityId, member_id: memberId, norms_accepted_at: new Date() })
    .onConflict((oc) => oc.columns(['community_id', 'member_id']).doNothing())
    .execute()
}

export async function insertJoinRequest (db: Db, row: {
  communityId: number, email: string, fullName: string, agency: string, note: string, status: JoinRequestStatus,
  memberId?: number | null, invitationId?: number | null, verified?: boolean, decidedBy?: number | null
}): Promise<JoinRequest> {
  const decided = row.status === 'approved'
  return db.insertInto('join_requests').values({
    community_id: row.communityId,
    email: row.email,
    full_name: row.fullName,
    agency: row.agency,
    note: row.note,
    status: row.status,
    member_id: row.memberId ?? null,
    invitation_id: row.invitationId ?? null,
    verified_at: row.verified ? new Date() : null,
    decided_at: decided ? new Date() : null,
    decided_by: row.decidedBy ?? null
  }).returningAll().executeTakeFirstOrThrow()
}

export async function findJoinRequest (db: Db, id: number): Promise<JoinRequest | undefined> {
  return db.selectFrom('join_requests').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function updateJoinRequest (db: Db, id: number, changes: {
  status?: JoinRequestStatus, member_id?: number, invitation_id?: number, verified_at?: Date, decided_at?: Date, decided_by?: number | null, decision_note?: string | null
}): Promise<void> {
  await db.updateTable('join_requests').set(changes).where('id', '=', id).execute()
}

/**
 * Moves a request from one status to another only if it is still in the first one; false when another
 * request (a second organizer, a double click) changed it first.
 */
export async function transitionJoinRequest (db: Db, id: number, from: JoinRequestStatus, changes: Parameters<typeof updateJoinRequest>[2]): Promise<boolean> {
  const r = await db.updateTable('join_requests').set(changes).where('id', '=', id).where('status', '=', from).executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** The member's most recent verified request to this community that is still open (pending or approved). */
export async function openRequestFor (db: Db, communityId: number, memberId: number): Promise<JoinRequest | undefined> {
  return db.selectFrom('join_requests').selectAll()
    .where('community_id', '=', communityId).where('member_id', '=', memberId)
    .where('status', 'in', ['pending', 'approved'])
    .orderBy('id', 'desc').executeTakeFirst()
}

export async function listPendingRequests (db: Db, communityId: number) {
  return db.selectFrom('join_requests')
    .select(['id', 'email', 'full_name', 'agency', 'note', 'created_at', 'verified_at'])
    .where('community_id', '=', communityId).where('status', '=', 'pending')
    .orderBy('verified_at').orderBy('id')
    .execute()
}

export async function insertInvitation (db: Db, communityId: number, email: string, invitedBy: number) {
  return db.insertInto('invitations').values({ community_id: communityId, email, invited_by: invitedBy })
    .returningAll().executeTakeFirstOrThrow()
}

export async function findInvitation (db: Db, id: number) {
  return db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function markInvitationAccepted (db: Db, id: number): Promise<void> {
  await db.updateTable('invitations').set({ accepted_at: sql<Date>`now()` }).where('id', '=', id).where('accepted_at', 'is', null).execute()
}

/** The most recent invitations of a community, with who sent them. */
export async function listInvitations (db: Db, communityId: number, limit = 50) {
  return db.selectFrom('invitations').leftJoin('members', 'members.id', 'invitations.invited_by')
    .select(['invitations.id', 'invitations.email', 'invitations.created_at', 'invitations.accepted_at', 'members.full_name as invited_by_name'])
    .where('invitations.community_id', '=', communityId)
    .orderBy('invitations.id', 'desc').limit(limit)
    .execute()
}

/** Ends the membership (leaving the community). */
export async function deleteMembership (db: Db, communityId: number, memberId: number): Promise<void> {
  await db.deleteFrom('memberships').where('community_id', '=', communityId).where('member_id', '=', memberId).execute()
}

/** The communities the member belongs to, by name. */
export async function membershipsOf (db: Db, memberId: number) {
  return db.selectFrom('memberships').innerJoin('communities', 'communities.id', 'memberships.community_id')
    .select(['communities.id', 'communities.slug', 'communities.name'])
    .where('memberships.member_id', '=', memberId).orderBy('communities.name').execute()
}
