import { sql } from 'kysely'
import type { Db } from '../../db/database.js'
import { pairOf } from './connections.repository.js'

/**
 * The SQL of "Who did you meet?" (met.service.ts): who was checked in at an event, the marks and confirmations
 * around a member, what an event's organizers see of the connections made there, and the after-event mail.
 */

/** A name search as a LIKE pattern that matches the typed text literally (% and _ are not wildcards here). */
function likePattern (q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`
}

/** The member, when checked in at the event and still a member of its community (not suspended); else undefined. */
export async function checkedInMember (db: Db, eventId: number, communityId: number, memberId: number) {
  return db.selectFrom('check_ins as k')
    .innerJoin('members as o', 'o.id', 'k.member_id')
    .innerJoin('memberships as m', (j) => j.onRef('m.member_id', '=', 'k.member_id').on('m.community_id', '=', communityId))
    .select(['o.id', 'o.full_name'])
    .where('k.event_id', '=', eventId).where('k.member_id', '=', memberId).where('m.suspended_at', 'is', null)
    .executeTakeFirst()
}

/** The other members checked in at the event (still members of its community), by name; `q` narrows by name. */
export async function checkedInOthers (db: Db, eventId: number, communityId: number, viewerId: number, q = '') {
  let query = db.selectFrom('check_ins as k')
    .innerJoin('members as o', 'o.id', 'k.member_id')
    .innerJoin('memberships as m', (j) => j.onRef('m.member_id', '=', 'k.member_id').on('m.community_id', '=', communityId))
    .select(['o.id', 'o.full_name', 'o.agency', 'o.visibility'])
    .where('k.event_id', '=', eventId).where('k.member_id', '<>', viewerId).where('m.suspended_at', 'is', null)
  if (q) query = query.where('o.full_name', 'ilike', likePattern(q))
  return query.orderBy('o.full_name').orderBy('o.id').execute()
}

/** Who among `ids` the member said they met (`mine`), and who among them said they met the member (`theirs`). */
export async function marksAround (db: Db, memberId: number, ids: number[]): Promise<{ mine: Set<number>, theirs: Set<number> }> {
  if (!ids.length) return { mine: new Set(), theirs: new Set() }
  const rows = await db.selectFrom('met_marks').select(['member_id', 'met_id'])
    .where((eb) => eb.or([
      eb.and([eb('member_id', '=', memberId), eb('met_id', 'in', ids)]),
      eb.and([eb('met_id', '=', memberId), eb('member_id', 'in', ids)])
    ])).execute()
  return {
    mine: new Set(rows.filter((r) => r.member_id === memberId).map((r) => r.met_id)),
    theirs: new Set(rows.filter((r) => r.met_id === memberId).map((r) => r.member_id))
  }
}

/**
 * Members who say they met `memberId` and are waiting for them: a mark towards them, none back, no connection,
 * and the marker still shares a community with them. Oldest first, with the event where it was said (if any).
 */
export async function waitingConfirmations (db: Db, memberId: number) {
  return db.selectFrom('met_marks as mk')
    .innerJoin('members as o', 'o.id', 'mk.member_id')
    .leftJoin('events as e', 'e.id', 'mk.event_id')
    .leftJoin('communities as ec', 'ec.id', 'e.community_id')
    .select(['o.id', 'o.full_name', 'o.agency', 'o.visibility', 'mk.created_at', 'e.id as event_id', 'e.title as event_title',
      'e.starts_at as event_starts_at', 'e.time_zone as event_time_zone', 'e.community_id as event_community_id', 'ec.slug as event_community_slug'])
    .where('mk.met_id', '=', memberId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('met_marks as back').select('back.member_id')
      .whereRef('back.met_id', '=', 'mk.member_id').where('back.member_id', '=', memberId))))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('connections as c').select('c.id')
      .where(sql<boolean>`c.member_a = least(mk.member_id, mk.met_id) and c.member_b = greatest(mk.member_id, mk.met_id)`))))
    .where((eb) => eb.exists(eb.selectFrom('memberships as a').innerJoin('memberships as b', 'b.community_id', 'a.community_id')
      .select('a.id').whereRef('a.member_id', '=', 'mk.member_id').where('b.member_id', '=', memberId)
      .where('a.suspended_at', 'is', null).where('b.suspended_at', 'is', null)))
    .orderBy('mk.created_at').orderBy('o.id').execute()
}

/**
 * "Not someone I met": deletes `markerId`'s mark towards `memberId` and remembers the pair as removed (never
 * suggested again). True when there was such a mark.
 */
export async function declineMark (db: Db, memberId: number, markerId: number): Promise<boolean> {
  const gone = await db.deleteFrom('met_marks').where('member_id', '=', markerId).where('met_id', '=', memberId)
    .returning('member_id').executeTakeFirst()
  if (!gone) return false
  await db.insertInto('connection_removals').values({ ...pairOf(memberId, markerId), removed_by: memberId })
    .onConflict((oc) => oc.columns(['member_a', 'member_b']).doUpdateSet({ removed_by: memberId, removed_at: sql`now()` })).execute()
  return true
}

/** The ids among `ids` that share a community with `viewerId` (both not suspended there). */
export async function sharingACommunity (db: Db, viewerId: number, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set()
  const rows = await db.selectFrom('memberships as o').innerJoin('memberships as v', 'v.community_id', 'o.community_id')
    .select('o.member_id').distinct()
    .where('v.member_id', '=', viewerId).where('o.member_id', 'in', ids)
    .where('o.suspended_at', 'is', null).where('v.suspended_at', 'is', null)
    .execute()
  return new Set(rows.map((r) => r.member_id))
}

/** The ids of the communities the member belongs to. */
export async function communityIdsOf (db: Db, memberId: number): Promise<Set<number>> {
  const rows = await db.selectFrom('memberships').select('community_id').where('member_id', '=', memberId).where('suspended_at', 'is', null).execute()
  return new Set(rows.map((r) => r.community_id))
}

/**
 * Connections made at the event: how many, and how many of them join two members of different agencies
 * (compared without case or surrounding spaces; an empty agency counts as unknown, never as different).
 */
export async function eventConnectionCounts (db: Db, eventId: number): Promise<{ total: number, acrossAgencies: number }> {
  const row = await db.selectFrom('connections as c')
    .innerJoin('members as a', 'a.id', 'c.member_a').innerJoin('members as b', 'b.id', 'c.member_b')
    .select([
      sql<string>`count(*)`.as('total'),
      sql<string>`count(*) filter (where trim(a.agency) <> '' and trim(b.agency) <> '' and lower(trim(a.agency)) <> lower(trim(b.agency)))`.as('across')
    ])
    .where('c.event_id', '=', eventId)
    .executeTakeFirstOrThrow()
  return { total: Number(row.total), acrossAgencies: Number(row.across) }
}

/** How many connections the member made at the community's events (what leaving it removes). */
export async function countConnectionsAtCommunity (db: Db, communityId: number, memberId: number): Promise<number> {
  const row = await db.selectFrom('connections').innerJoin('events', 'events.id', 'connections.event_id')
    .select(sql<string>`count(*)`.as('n'))
    .where('events.community_id', '=', communityId)
    .where((eb) => eb.or([eb('connections.member_a', '=', memberId), eb('connections.member_b', '=', memberId)]))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Leaving a community: the member's connections made at its events, and the marks said there (theirs and
 * towards them), are deleted. Returns how many connections went.
 */
export async function deleteConnectionsAtCommunity (db: Db, communityId: number, memberId: number): Promise<number> {
  const eventsThere = db.selectFrom('events').select('events.id').where('events.community_id', '=', communityId)
  const gone = await db.deleteFrom('connections')
    .where((eb) => eb.or([eb('member_a', '=', memberId), eb('member_b', '=', memberId)]))
    .where('event_id', 'in', eventsThere)
    .returning('id').execute()
  await db.deleteFrom('met_marks')
    .where((eb) => eb.or([eb('member_id', '=', memberId), eb('met_id', '=', memberId)]))
    .where('event_id', 'in', eventsThere)
    .execute()
  return gone.length
}

/**
 * In-person events (of these kinds) that ended between `since` and `now`, published, in communities that are not
 * archived, whose "Who did you meet?" mail has not gone.
 */
export async function eventsDueMetPrompt (db: Db, kinds: readonly string[], since: Date, now: Date): Promise<Array<{ id: number }>> {
  return db.selectFrom('events').innerJoin('communities', 'communities.id', 'events.community_id')
    .select('events.id')
    .where('events.status', '=', 'published')
    .where('events.kind', 'in', kinds as Array<'meetup'>)
    .where('events.met_prompt_sent_at', 'is', null)
    .where('events.ends_at', '<=', now).where('events.ends_at', '>', since)
    .where('communities.archived_at', 'is', null)
    .orderBy('events.ends_at').orderBy('events.id').execute()
}

/** Everyone checked in at the event who is still a member of its community (not suspended), with their address. */
export async function checkedInAttendees (db: Db, eventId: number, communityId: number) {
  return db.selectFrom('check_ins as k').innerJoin('members as o', 'o.id', 'k.member_id')
    .innerJoin('memberships as m', (j) => j.onRef('m.member_id', '=', 'k.member_id').on('m.community_id', '=', communityId))
    .select(['o.id', 'o.full_name', 'o.email', 'o.mail_met'])
    .where('k.event_id', '=', eventId).where('m.suspended_at', 'is', null)
    .orderBy('o.id').execute()
}

export async function markMetPromptSent (db: Db, eventId: number, now: Date): Promise<void> {
  await db.updateTable('events').set({ met_prompt_sent_at: now }).where('id', '=', eventId).execute()
}
