import { sql } from 'kysely'
import type { Community, Db, NewCommunity } from '../../db/database.js'

export async function findCommunityBySlug (db: Db, slug: string): Promise<Community | undefined> {
  return db.selectFrom('communities').selectAll().where('slug', '=', slug).executeTakeFirst()
}

/**
 * The community named by `slug` and the viewer's standing in it, in one round trip (the guards run it on every
 * community page). Without a viewer both flags are false.
 */
export async function findCommunityWithStanding (db: Db, slug: string, memberId: number | null):
Promise<{ community: Community, isMember: boolean, isOrganizer: boolean } | undefined> {
  const row = await db.selectFrom('communities').selectAll('communities')
    .select((eb) => memberId === null
      ? [sql<boolean>`false`.as('viewer_is_member'), sql<boolean>`false`.as('viewer_is_organizer')]
      : [
          eb.exists(eb.selectFrom('memberships').select('memberships.id')
            .whereRef('memberships.community_id', '=', 'communities.id').where('memberships.member_id', '=', memberId)
            .where('memberships.suspended_at', 'is', null)).as('viewer_is_member'),
          eb.exists(eb.selectFrom('coordinator_terms').select('coordinator_terms.id')
            .whereRef('coordinator_terms.community_id', '=', 'communities.id').where('coordinator_terms.member_id', '=', memberId)
            .where('coordinator_terms.starts_on', '<=', sql<string>`current_date`)
            .where((w) => w.or([w('coordinator_terms.ends_on', 'is', null), w('coordinator_terms.ends_on', '>=', sql<string>`current_date`)]))).as('viewer_is_organizer')
        ])
    .where('communities.slug', '=', slug).executeTakeFirst()
  if (!row) return undefined
  const { viewer_is_member: isMember, viewer_is_organizer: isOrganizer, ...community } = row
  return { community: community as Community, isMember: Boolean(isMember), isOrganizer: Boolean(isOrganizer) }
}

/** Today's date on the database server, as an ISO date: terms are compared with it. */
export async function today (db: Db): Promise<string> {
  const row = await db.selectNoFrom(sql<string>`to_char(current_date, 'YYYY-MM-DD')`.as('d')).executeTakeFirstOrThrow()
  return row.d
}

export async function slugTaken (db: Db, slug: string): Promise<boolean> {
  const row = await db.selectFrom('communities').select('id').where('slug', '=', slug).executeTakeFirst()
  return Boolean(row)
}

/** Every community not archived, by name, with whether the viewer is a member (false for everyone without a viewer). */
export async function listCommunitiesWithMembership (db: Db, memberId: number | null) {
  return db.selectFrom('communities')
    .select(['communities.id', 'slug', 'name', 'about'])
    .select((eb) => [
      memberId === null
        ? sql<boolean>`false`.as('is_member')
        : eb.exists(eb.selectFrom('memberships').select('memberships.id')
          .whereRef('memberships.community_id', '=', 'communities.id').where('memberships.member_id', '=', memberId)).as('is_member')
    ])
    .where('communities.archived_at', 'is', null)
    .orderBy('name')
    .execute()
}

/**
 * Inserts a community, its requirements in order, and its creator as a member (norms accepted) holding an
 * open-ended organizer term from the database's today. Returns the community row.
 */
export async function insertCommunityWithCreator (db: Db, row: NewCommunity, requirements: string[], creatorId: number): Promise<Community> {
  const community = await db.insertInto('communities').values(row).returningAll().executeTakeFirstOrThrow()
  if (requirements.length) {
    await db.insertInto('requirements')
      .values(requirements.map((name, position) => ({ community_id: community.id, name, position })))
      .execute()
  }
  await db.insertInto('memberships').values({ community_id: community.id, member_id: creatorId, norms_accepted_at: new Date() }).execute()
  await db.insertInto('coordinator_terms').values({
    community_id: community.id, member_id: creatorId, starts_on: sql<string>`current_date`, ends_on: null, created_by: creatorId
  }).execute()
  return community
}

/** Locks the community's row for the rest of the transaction (serialises changes to its organizers). */
export async function lockCommunity (db: Db, id: number): Promise<void> {
  await db.selectFrom('communities').select('id').where('id', '=', id).forUpdate().execute()
}

export async function listRequirements (db: Db, communityId: number) {
  return db.selectFrom('requirements').select(['id', 'name', 'description'])
    .where('community_id', '=', communityId).orderBy('position').orderBy('id').execute()
}

export async function updateCommunityRow (db: Db, id: number, changes: {
  name: string, about: string, norms: string[], public_records_notice: string, allowed_domains: string[],
  requires_approval: boolean, invitation_only: boolean, contact_email: string | null
}): Promise<void> {
  await db.updateTable('communities').set({ ...changes, updated_at: new Date() }).where('id', '=', id).execute()
}

/**
 * Makes the community's requirements exactly `names`, in order. Rows whose name stays are kept (other areas
 * tag events and talks with requirement ids), removed names are deleted, new names inserted.
 */
export async function syncRequirements (db: Db, communityId: number, names: string[]): Promise<void> {
  const existing = await listRequirements(db, communityId)
  const keep = new Map(existing.map((r) => [r.name, r.id]))
  const gone = existing.filter((r) => !names.includes(r.name)).map((r) => r.id)
  if (gone.length) await db.deleteFrom('requirements').where('id', 'in', gone).execute()
  for (const [position, name] of names.entries()) {
    const id = keep.get(name)
    if (id !== undefined) await db.updateTable('requirements').set({ position }).where('id', '=', id).execute()
    else await db.insertInto('requirements').values({ community_id: communityId, name, position }).execute()
  }
}

/** Members who hold a coordinator term covering today. */
export async function listCurrentOrganizers (db: Db, communityId: number) {
  return db.selectFrom('coordinator_terms').innerJoin('members', 'members.id', 'coordinator_terms.member_id')
    .select(['members.id', 'members.full_name', 'members.agency', 'members.email'])
    .distinct()
    .where('coordinator_terms.community_id', '=', communityId)
    .where('coordinator_terms.starts_on', '<=', sql<string>`current_date`)
    .where((w) => w.or([w('coordinator_terms.ends_on', 'is', null), w('coordinator_terms.ends_on', '>=', sql<string>`current_date`)]))
    .orderBy('members.full_name')
    .execute()
}

/** Every term of the community, newest first, with the holder's name. */
export async function listTerms (db: Db, communityId: number) {
  return db.selectFrom('coordinator_terms').innerJoin('members', 'members.id', 'coordinator_terms.member_id')
    .select(['coordinator_terms.id', 'coordinator_terms.member_id', 'members.full_name', 'members.agency',
      sql<string>`to_char(coordinator_terms.starts_on, 'YYYY-MM-DD')`.as('starts_on'),
      sql<string | null>`to_char(coordinator_terms.ends_on, 'YYYY-MM-DD')`.as('ends_on')])
    .where('coordinator_terms.community_id', '=', communityId)
    .orderBy('coordinator_terms.starts_on', 'desc').orderBy('coordinator_terms.id', 'desc')
    .execute()
}

export async function findTerm (db: Db, communityId: number, termId: number) {
  return db.selectFrom('coordinator_terms')
    .select(['id', 'member_id', sql<string>`to_char(starts_on, 'YYYY-MM-DD')`.as('starts_on'),
      sql<string | null>`to_char(ends_on, 'YYYY-MM-DD')`.as('ends_on')])
    .where('community_id', '=', communityId).where('id', '=', termId)
    .executeTakeFirst()
}

/** Terms of this member that overlap [startsOn, endsOn] (endsOn null = open-ended). */
export async function overlappingTerms (db: Db, communityId: number, memberId: number, startsOn: string, endsOn: string | null) {
  let q = db.selectFrom('coordinator_terms').select('id')
    .where('community_id', '=', communityId).where('member_id', '=', memberId)
    .where((w) => w.or([w('ends_on', 'is', null), w('ends_on', '>=', startsOn)]))
  if (endsOn) q = q.where('starts_on', '<=', endsOn)
  return q.execute()
}

export async function insertTerm (db: Db, row: { communityId: number, memberId: number, startsOn: string, endsOn: string | null, createdBy: number }): Promise<void> {
  await db.insertInto('coordinator_terms').values({
    community_id: row.communityId, member_id: row.memberId, starts_on: row.startsOn, ends_on: row.endsOn, created_by: row.createdBy
  }).execute()
}

export async function setTermEnd (db: Db, termId: number, endsOn: string): Promise<void> {
  await db.updateTable('coordinator_terms').set({ ends_on: endsOn }).where('id', '=', termId).execute()
}

export async function deleteTerm (db: Db, termId: number): Promise<void> {
  await db.deleteFrom('coordinator_terms').where('id', '=', termId).execute()
}

/** The member with this address if they belong to the community. */
export async function findCommunityMemberByEmail (db: Db, communityId: number, email: string) {
  return db.selectFrom('members').innerJoin('memberships', 'memberships.member_id', 'members.id')
    .select(['members.id', 'members.full_name', 'members.email'])
    .where('memberships.community_id', '=', communityId).where('memberships.suspended_at', 'is', null)
    .where((eb) => eb(eb.fn('lower', ['members.email']), '=', email.toLowerCase()))
    .executeTakeFirst()
}

export async function findCommunityById (db: Db, id: number): Promise<Community | undefined> {
  return db.selectFrom('communities').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Every community, oldest first (for daily jobs that visit each one). */
export async function listCommunities (db: Db) {
  return db.selectFrom('communities').select(['id', 'slug', 'name']).orderBy('id').execute()
}

/** The community's coordinator terms whose holders are still members, latest end first (open-ended first). */
/** Whether the member holds an organizer term of the community that has not ended (current or to come). */
export async function holdsOpenTerm (db: Db, communityId: number, memberId: number): Promise<boolean> {
  const row = await db.selectFrom('coordinator_terms').select('id')
    .where('community_id', '=', communityId).where('member_id', '=', memberId)
    .where((w) => w.or([w('ends_on', 'is', null), w('ends_on', '>=', sql<string>`current_date`)]))
    .executeTakeFirst()
  return Boolean(row)
}

export async function listMembersTerms (db: Db, communityId: number) {
  return db.selectFrom('coordinator_terms')
    .innerJoin('memberships', (j) => j.onRef('memberships.member_id', '=', 'coordinator_terms.member_id')
      .onRef('memberships.community_id', '=', 'coordinator_terms.community_id'))
    .select(['coordinator_terms.id', 'coordinator_terms.member_id', 'coordinator_terms.starts_on', 'coordinator_terms.ends_on'])
    .where('coordinator_terms.community_id', '=', communityId).orderBy('coordinator_terms.ends_on', 'desc').execute()
}

/**
 * The member's organizer terms that have not ended (current or still to come), in one community or in all
 * (`communityId` null), with the community.
 */
export async function termsNotEnded (db: Db, memberId: number, communityId: number | null) {
  let q = db.selectFrom('coordinator_terms').innerJoin('communities', 'communities.id', 'coordinator_terms.community_id')
    .select(['coordinator_terms.id', 'coordinator_terms.community_id', 'communities.name as community_name', 'communities.slug as community_slug',
      sql<string>`to_char(coordinator_terms.starts_on, 'YYYY-MM-DD')`.as('starts_on'),
      sql<string | null>`to_char(coordinator_terms.ends_on, 'YYYY-MM-DD')`.as('ends_on')])
    .where('coordinator_terms.member_id', '=', memberId)
    .where((w) => w.or([w('coordinator_terms.ends_on', 'is', null), w('coordinator_terms.ends_on', '>=', sql<string>`current_date`)]))
  if (communityId !== null) q = q.where('coordinator_terms.community_id', '=', communityId)
  return q.orderBy('communities.name').orderBy('coordinator_terms.starts_on').execute()
}
