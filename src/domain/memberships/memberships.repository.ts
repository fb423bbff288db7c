import { sql } from 'kysely'
import type { Db, JoinRequest, JoinRequestStatus } from '../../db/database.js'

export async function isCommunityMember (db: Db, communityId: number, memberId: number): Promise<boolean> {
  const row = await db.selectFrom('memberships').select('id')
    .where('community_id', '=', communityId).where('member_id', '=', memberId).executeTakeFirst()
  return Boolean(row)
}

function likePattern (q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`
}

/** One page of the community's members for its organizers (suspended ones too), matching a name or agency. */
export async function listCommunityMembers (db: Db, communityId: number, opts: { search: string, limit: number, offset: number }) {
  let base = db.selectFrom('memberships as m').innerJoin('members as p', 'p.id', 'm.member_id').where('m.community_id', '=', communityId)
  for (const word of opts.search.split(/\s+/).filter(Boolean).slice(0, 5)) {
    const pattern = likePattern(word)
    base = base.where((eb) => eb.or([eb('p.full_name', 'ilike', pattern), eb('p.agency', 'ilike', pattern)]))
  }
  const [rows, count] = await Promise.all([
    base.select(['p.id', 'p.full_name', 'p.agency', 'p.email', 'p.job_title', 'm.joined_at', 'm.suspended_at', 'm.suspended_reason'])
      .orderBy(sql`lower(p.full_name)`).orderBy('p.id').limit(opts.limit).offset(opts.offset).execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  ])
  return { rows, total: Number(count.n) }
}

/** Every member of the community, by name (the organizers' CSV export). */
export async function allCommunityMembers (db: Db, communityId: number) {
  return db.selectFrom('memberships as m').innerJoin('members as p', 'p.id', 'm.member_id')
    .select(['p.full_name', 'p.agency', 'p.email', 'p.job_title', 'p.region', 'm.joined_at', 'm.suspended_at'])
    .where('m.community_id', '=', communityId)
    .orderBy(sql`lower(p.full_name)`).orderBy('p.id').execute()
}

/** One member of the community with their membership (suspended or not); undefined for anyone else. */
export async function findCommunityMembership (db: Db, communityId: number, memberId: number) {
  return db.selectFrom('memberships as m').innerJoin('members as p', 'p.id', 'm.member_id')
    .select(['p.id', 'p.full_name', 'p.agency', 'p.email', 'm.joined_at', 'm.suspended_at', 'm.suspended_reason'])
    .where('m.community_id', '=', communityId).where('m.member_id', '=', memberId)
    .executeTakeFirst()
}

export async function setSuspension (db: Db, communityId: number, memberId: number, suspension: { at: Date, reason: string } | null): Promise<void> {
  await db.updateTable('memberships')
    .set({ suspended_at: suspension?.at ?? null, suspended_reason: suspension?.reason ?? null })
    .where('community_id', '=', communityId).where('member_id', '=', memberId).execute()
}

/** Ends the membership (leaving, or removed by an organizer). */
export async function deleteMembership (db: Db, communityId: number, memberId: number): Promise<void> {
  await db.deleteFrom('memberships').where('community_id', '=', communityId).where('member_id', '=', memberId).execute()
}

/**
 * The community's members in good standing, by name, for a form's member select (organizer, host): the value is
 * their address, which the form's checks look up again among this community's members.
 */
export async function listMemberChoices (db: Db, communityId: number, limit: number) {
  return db.selectFrom('memberships as m').innerJoin('members as p', 'p.id', 'm.member_id')
    .select(['p.id', 'p.full_name', 'p.agency', 'p.email'])
    .where('m.community_id', '=', communityId).where('m.suspended_at', 'is', null)
    .orderBy(sql`lower(p.full_name)`).orderBy('p.id').limit(limit).execute()
}

/** A member in good standing: a member of the community and not suspended there. */
export async function isActiveMember (db: Db, communityId: number, memberId: number): Promise<boolean> {
  const row = await db.selectFrom('memberships').select('id')
    .where('community_id', '=', communityId).where('member_id', '=', memberId).where('suspended_at', 'is', null).executeTakeFirst()
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

/** Requests an organizer has decided (approved, declined, or approved and joined), newest decision first. */
export async function listDecidedRequests (db: Db, communityId: number, limit = 50) {
  return db.selectFrom('join_requests')
    .leftJoin('members as decider', 'decider.id', 'join_requests.decided_by')
    .select(['join_requests.id', 'join_requests.full_name', 'join_requests.agency', 'join_requests.status', 'join_requests.decided_at',
      'join_requests.decision_note', 'decider.full_name as decided_by_name'])
    .where('join_requests.community_id', '=', communityId)
    .where('join_requests.status', 'in', ['approved', 'rejected', 'joined'])
    .where('join_requests.decided_at', 'is not', null)
    .orderBy('join_requests.decided_at', 'desc').orderBy('join_requests.id', 'desc')
    .limit(limit)
    .execute()
}

/** A request of this community still waiting for a decision. */
export async function findPendingRequest (db: Db, communityId: number, id: number) {
  return db.selectFrom('join_requests').select(['id', 'full_name', 'agency', 'email'])
    .where('community_id', '=', communityId).where('id', '=', id).where('status', '=', 'pending')
    .executeTakeFirst()
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
/** An invitation of this community not accepted nor revoked, locked until the transaction ends. */
export async function lockOpenInvitation (db: Db, communityId: number, id: number) {
  return db.selectFrom('invitations').selectAll()
    .where('community_id', '=', communityId).where('id', '=', id)
    .where('accepted_at', 'is', null).where('revoked_at', 'is', null)
    .forUpdate().executeTakeFirst()
}

export async function markInvitationRevoked (db: Db, id: number): Promise<void> {
  await db.updateTable('invitations').set({ revoked_at: new Date() }).where('id', '=', id).execute()
}

export async function listInvitations (db: Db, communityId: number, limit = 50) {
  return db.selectFrom('invitations').leftJoin('members', 'members.id', 'invitations.invited_by')
    .select(['invitations.id', 'invitations.email', 'invitations.created_at', 'invitations.accepted_at', 'invitations.revoked_at', 'members.full_name as invited_by_name'])
    .where('invitations.community_id', '=', communityId)
    .orderBy('invitations.id', 'desc').limit(limit)
    .execute()
}

/** The communities the member belongs to, by name. */
export async function membershipsOf (db: Db, memberId: number) {
  return db.selectFrom('memberships').innerJoin('communities', 'communities.id', 'memberships.community_id')
    .select(['communities.id', 'communities.slug', 'communities.name'])
    .where('memberships.member_id', '=', memberId).orderBy('communities.name').execute()
}
