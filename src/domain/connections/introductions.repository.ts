import type { Db } from '../../db/database.js'
import { pairOf } from './connections.repository.js'

/** The SQL of introductions (table introductions: member_a < member_b; migrations/2026-12-05T1300_connections.ts). */

/** The open introduction of a pair (neither declined nor accepted by both), if any. */
export async function findOpenIntroduction (db: Db, x: number, y: number) {
  const { member_a, member_b } = pairOf(x, y)
  return db.selectFrom('introductions').selectAll().where('member_a', '=', member_a).where('member_b', '=', member_b)
    .where('declined_at', 'is', null)
    .where((eb) => eb.or([eb('a_accepted_at', 'is', null), eb('b_accepted_at', 'is', null)]))
    .executeTakeFirst()
}

/** How many introductions the member made since `since`. */
export async function countIntroductionsBy (db: Db, introducerId: number, since: Date): Promise<number> {
  const row = await db.selectFrom('introductions').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('introduced_by', '=', introducerId).where('created_at', '>', since).executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function insertIntroduction (db: Db, row: { introducedBy: number, x: number, y: number, communityId: number | null, note: string }) {
  return db.insertInto('introductions').values({
    ...pairOf(row.x, row.y), introduced_by: row.introducedBy, community_id: row.communityId, note: row.note
  }).returningAll().executeTakeFirstOrThrow()
}

/** One introduction, locked until the transaction ends (two answers at once are taken one after the other). */
export async function findIntroductionForUpdate (db: Db, id: number) {
  return db.selectFrom('introductions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export async function setAccepted (db: Db, id: number, side: 'a' | 'b', at: Date) {
  return db.updateTable('introductions').set(side === 'a' ? { a_accepted_at: at } : { b_accepted_at: at })
    .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

export async function setDeclined (db: Db, id: number, by: number, at: Date): Promise<void> {
  await db.updateTable('introductions').set({ declined_at: at, declined_by: by }).where('id', '=', id).execute()
}

/** Remembers a declined pair, so that it is not suggested again (as a removed connection is). */
export async function rememberDeclinedPair (db: Db, by: number, other: number): Promise<void> {
  await db.insertInto('connection_removals').values({ ...pairOf(by, other), removed_by: by })
    .onConflict((oc) => oc.columns(['member_a', 'member_b']).doNothing()).execute()
}

/**
 * A community the introducer shares with `x` and with `y` (all three members, none suspended), the oldest
 * first; undefined when there is none (the introducer may share a different community with each).
 */
export async function communityOfAll (db: Db, introducer: number, x: number, y: number) {
  return db.selectFrom('memberships as mi')
    .innerJoin('memberships as mx', 'mx.community_id', 'mi.community_id')
    .innerJoin('memberships as my', 'my.community_id', 'mi.community_id')
    .select('mi.community_id')
    .where('mi.member_id', '=', introducer).where('mi.suspended_at', 'is', null)
    .where('mx.member_id', '=', x).where('mx.suspended_at', 'is', null)
    .where('my.member_id', '=', y).where('my.suspended_at', 'is', null)
    .orderBy('mi.community_id').limit(1).executeTakeFirst()
}

/** A member as an introduction names them: name, agency and email (shown by the service as the member allows). */
export async function introductionMembers (db: Db, ids: number[]) {
  if (!ids.length) return []
  return db.selectFrom('members').select(['id', 'full_name', 'agency', 'email', 'visibility']).where('id', 'in', ids).execute()
}

/** Introductions to the member (either side), newest first, at most `limit`. */
export async function introductionsTo (db: Db, memberId: number, limit: number) {
  return db.selectFrom('introductions as i')
    .leftJoin('members as by', 'by.id', 'i.introduced_by')
    .selectAll('i').select(['by.full_name as introducer_name'])
    .where((eb) => eb.or([eb('i.member_a', '=', memberId), eb('i.member_b', '=', memberId)]))
    .orderBy('i.created_at', 'desc').orderBy('i.id', 'desc').limit(limit).execute()
}

/** Introductions the member made, newest first, at most `limit`. */
export async function introductionsBy (db: Db, memberId: number, limit: number) {
  return db.selectFrom('introductions as i')
    .innerJoin('members as a', 'a.id', 'i.member_a')
    .innerJoin('members as b', 'b.id', 'i.member_b')
    .selectAll('i').select(['a.full_name as a_name', 'b.full_name as b_name'])
    .where('i.introduced_by', '=', memberId)
    .orderBy('i.created_at', 'desc').orderBy('i.id', 'desc').limit(limit).execute()
}

