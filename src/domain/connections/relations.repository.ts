import { sql } from 'kysely'
import type { Db } from '../../db/database.js'

/**
 * How the viewer is connected with each of `otherIds` (those they are not connected with are left out): the
 * event where they met, or who introduced them. One query for a page of the directory.
 */
export async function connectionsAmong (db: Db, viewerId: number, otherIds: number[]) {
  if (!otherIds.length) return []
  return db.selectFrom('connections as c')
    .leftJoin('events as e', 'e.id', 'c.event_id')
    .leftJoin('members as i', 'i.id', 'c.introduced_by')
    .select([
      sql<number>`case when c.member_a = ${viewerId} then c.member_b else c.member_a end`.as('member_id'),
      'c.introduction_id', 'e.title as event_title', 'e.starts_at as event_starts_at', 'e.time_zone as event_time_zone',
      'i.full_name as introducer_name'
    ])
    .where((eb) => eb.or([
      eb.and([eb('c.member_a', '=', viewerId), eb('c.member_b', 'in', otherIds)]),
      eb.and([eb('c.member_b', '=', viewerId), eb('c.member_a', 'in', otherIds)])
    ]))
    .execute()
}
