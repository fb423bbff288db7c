import { sql } from 'kysely'
import type { Db } from '../../db/database.js'

/** The SQL of who met whom (tables: met_marks, connections, connection_removals; migrations/2026-12-05T1300_connections.ts). */

/** A pair as the tables store it: the lower id first. */
export function pairOf (x: number, y: number): { member_a: number, member_b: number } {
  return x < y ? { member_a: x, member_b: y } : { member_a: y, member_b: x }
}

/**
 * Serialises changes to one pair until the transaction ends (two members choosing each other at the same moment
 * must end connected). Call inside a transaction.
 */
export async function lockPair (db: Db, x: number, y: number): Promise<void> {
  const { member_a, member_b } = pairOf(x, y)
  await sql`select pg_advisory_xact_lock(${member_a}::int, ${member_b}::int)`.execute(db)
}

/** Records that `memberId` met `metId` (once per pair: a second mark keeps the first). True when it is new. */
export async function insertMark (db: Db, memberId: number, metId: number, eventId: number | null): Promise<boolean> {
  const row = await db.insertInto('met_marks').values({ member_id: memberId, met_id: metId, event_id: eventId })
    .onConflict((oc) => oc.columns(['member_id', 'met_id']).doNothing()).returning('member_id').executeTakeFirst()
  return row !== undefined
}

export async function findMark (db: Db, memberId: number, metId: number) {
  return db.selectFrom('met_marks').selectAll().where('member_id', '=', memberId).where('met_id', '=', metId).executeTakeFirst()
}

export async function deleteMarksBetween (db: Db, x: number, y: number): Promise<void> {
  await db.deleteFrom('met_marks').where((eb) => eb.or([
    eb.and([eb('member_id', '=', x), eb('met_id', '=', y)]),
    eb.and([eb('member_id', '=', y), eb('met_id', '=', x)])
  ])).execute()
}

/** Connects two members (nothing happens when they already are). True when the connection is new. */
export async function insertConnection (db: Db, x: number, y: number, how: { eventId?: number | null, introductionId?: number | null, introducedBy?: number | null }): Promise<boolean> {
  const row = await db.insertInto('connections').values({
    ...pairOf(x, y), event_id: how.eventId ?? null, introduction_id: how.introductionId ?? null, introduced_by: how.introducedBy ?? null
  }).onConflict((oc) => oc.columns(['member_a', 'member_b']).doNothing()).returning('id').executeTakeFirst()
  if (row) await db.deleteFrom('connection_removals').where('member_a', '=', Math.min(x, y)).where('member_b', '=', Math.max(x, y)).execute()
  return row !== undefined
}

export async function findConnection (db: Db, x: number, y: number) {
  const { member_a, member_b } = pairOf(x, y)
  return db.selectFrom('connections').selectAll().where('member_a', '=', member_a).where('member_b', '=', member_b).executeTakeFirst()
}

/** Whether the pair was removed or declined (connection_removals): never suggested, nor introduced, again. */
export async function wasRemoved (db: Db, x: number, y: number): Promise<boolean> {
  const { member_a, member_b } = pairOf(x, y)
  return Boolean(await db.selectFrom('connection_removals').select('member_a').where('member_a', '=', member_a).where('member_b', '=', member_b).executeTakeFirst())
}

/** Removes the connection and both marks, and remembers the pair (never suggested again). True when there was one. */
export async function deleteConnection (db: Db, byId: number, otherId: number): Promise<boolean> {
  const pair = pairOf(byId, otherId)
  const gone = await db.deleteFrom('connections').where('member_a', '=', pair.member_a).where('member_b', '=', pair.member_b)
    .returning('id').executeTakeFirst()
  await deleteMarksBetween(db, byId, otherId)
  await db.insertInto('connection_removals').values({ ...pair, removed_by: byId })
    .onConflict((oc) => oc.columns(['member_a', 'member_b']).doUpdateSet({ removed_by: byId, removed_at: sql`now()` })).execute()
  return gone !== undefined
}

/** The ids among `otherIds` that `memberId` is connected with. */
export async function connectedAmong (db: Db, memberId: number, otherIds: number[]): Promise<Set<number>> {
  if (!otherIds.length) return new Set()
  const rows = await db.selectFrom('connections').select(['member_a', 'member_b'])
    .where((eb) => eb.or([
      eb.and([eb('member_a', '=', memberId), eb('member_b', 'in', otherIds)]),
      eb.and([eb('member_b', '=', memberId), eb('member_a', 'in', otherIds)])
    ])).execute()
  return new Set(rows.map((r) => r.member_a === memberId ? r.member_b : r.member_a))
}

/**
 * The member's connections, newest first, each with the other member (name, agency, what they show to whom) and
 * how it was made: the event (and its community) or the introduction and who made it. With `otherIds`, only the
 * connections with those members (a page of the directory, one member's page). The one query behind every
 * "met at …" and "introduced by …".
 */
export async function connectionsOf (db: Db, memberId: number, otherIds?: number[]) {
  if (otherIds && !otherIds.length) return []
  return db.selectFrom('connections as c')
    .innerJoin('members as o', (j) => j.on(sql<boolean>`o.id = case when c.member_a = ${memberId} then c.member_b else c.member_a end`))
    .leftJoin('events as e', 'e.id', 'c.event_id')
    .leftJoin('communities as ec', 'ec.id', 'e.community_id')
    .leftJoin('members as i', 'i.id', 'c.introduced_by')
    .select([
      'c.id', 'c.created_at', 'c.introduction_id', 'o.id as member_id', 'o.full_name', 'o.agency', 'o.visibility',
      'e.id as event_id', 'e.title as event_title', 'e.starts_at as event_starts_at', 'e.time_zone as event_time_zone',
      'e.community_id as event_community_id', 'ec.slug as event_community_slug',
      'i.id as introducer_id', 'i.full_name as introducer_name'
    ])
    .where((eb) => otherIds
      ? eb.or([
        eb.and([eb('c.member_a', '=', memberId), eb('c.member_b', 'in', otherIds)]),
        eb.and([eb('c.member_b', '=', memberId), eb('c.member_a', 'in', otherIds)])
      ])
      : eb.or([eb('c.member_a', '=', memberId), eb('c.member_b', '=', memberId)]))
    .orderBy('c.created_at', 'desc').orderBy('c.id', 'desc')
    .execute()
}
