import { sql } from 'kysely'
import type { Db, Member, MemberUpdate, NewMember } from '../../db/database.js'

export async function findMemberByEmail (db: Db, email: string): Promise<Member | undefined> {
  return db.selectFrom('members').selectAll().where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).executeTakeFirst()
}

export async function findMemberById (db: Db, id: number): Promise<Member | undefined> {
  return db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertMember (db: Db, member: NewMember): Promise<Member> {
  return db.insertInto('members').values({ ...member, email: member.email.toLowerCase() }).returningAll().executeTakeFirstOrThrow()
}

export async function updateMember (db: Db, id: number, changes: MemberUpdate): Promise<void> {
  await db.updateTable('members').set({ ...changes, updated_at: new Date() }).where('id', '=', id).execute()
}

/** The communities of `memberId`; with `viewerId`, only those the viewer belongs to as well. */
export async function communitiesOf (db: Db, memberId: number, viewerId: number | null) {
  let q = db.selectFrom('memberships as m')
    .innerJoin('communities as c', 'c.id', 'm.community_id')
    .select(['c.id', 'c.slug', 'c.name'])
    .where('m.member_id', '=', memberId)
  if (viewerId !== null) {
    q = q.where((eb) => eb.exists(eb.selectFrom('memberships as v').select('v.id')
      .whereRef('v.community_id', '=', 'm.community_id').where('v.member_id', '=', viewerId)))
  }
  return q.orderBy('c.name').execute()
}

/** Escapes LIKE wildcards so that a search for "50%" finds "50%", not everything. */
function likePattern (q: string): string {
  return '%' + q.replace(/[\\%_]/g, (c) => '\\' + c) + '%'
}

export interface DirectoryQuery {
  communityId: number
  search: string
  limit: number
  offset: number
}

/** One page of a community's members matching the search (name, agency, expertise, region), and the total. */
export async function searchDirectory (db: Db, q: DirectoryQuery) {
  let base = db.selectFrom('memberships as m')
    .innerJoin('members as p', 'p.id', 'm.member_id')
    .where('m.community_id', '=', q.communityId)
    .where('m.suspended_at', 'is', null)
  for (const word of q.search.split(/\s+/).filter(Boolean).slice(0, 5)) {
    const pattern = likePattern(word)
    base = base.where((eb) => eb.or([
      eb('p.full_name', 'ilike', pattern),
      eb('p.agency', 'ilike', pattern),
      eb('p.region', 'ilike', pattern),
      eb('p.job_title', 'ilike', pattern),
      eb(sql<string>`array_to_string(p.expertise, ' ')`, 'ilike', pattern)
    ]))
  }
  const [rows, count] = await Promise.all([
    base.select(['p.id', 'p.full_name', 'p.agency', 'p.job_title', 'p.region', 'p.expertise', 'p.pronouns'])
      .orderBy(sql`lower(p.full_name)`).orderBy('p.id')
      .limit(q.limit).offset(q.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  ])
  return { rows, total: Number(count.n) }
}

/**
 * Deletes the member's row; the database deletes what hangs on it (sessions, tokens, memberships, answers,
 * check-ins, organizer terms, hosting, reminders sent, calendar invites held) and keeps the rows others made
 * with their id emptied (events and invitations they created).
 */
export async function deleteMember (db: Db, id: number): Promise<void> {
  await db.deleteFrom('members').where('id', '=', id).execute()
}
