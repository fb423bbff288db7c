import type { Db } from '../../db/database.js'

/** The SQL of check-ins: the service (check-ins.service.ts) decides who may check in and in what order they show. */

/** A name search as a LIKE pattern that matches the typed text literally (% and _ are not wildcards here). */
function likePattern (q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`
}

/** Statuses that put a member on the door list without a check-in. */
const EXPECTED = ['going', 'waitlisted', 'maybe'] as const

export interface DoorQueryRow {
  member_id: number
  full_name: string
  agency: string
  status: string | null
  checked_in_at: Date | null
  walk_in: boolean | null
}

/** Members expected at the door plus everyone checked in without such an RSVP, optionally narrowed by name. */
export async function selectDoorRows (db: Db, eventId: number, q: string): Promise<DoorQueryRow[]> {
  let answered = db.selectFrom('rsvps').innerJoin('members', 'members.id', 'rsvps.member_id')
    .leftJoin('check_ins', (j) => j.onRef('check_ins.event_id', '=', 'rsvps.event_id').onRef('check_ins.member_id', '=', 'rsvps.member_id'))
    .select(['members.id as member_id', 'members.full_name', 'members.agency', 'rsvps.status', 'check_ins.checked_in_at', 'check_ins.walk_in'])
    .where('rsvps.event_id', '=', eventId).where('rsvps.status', 'in', [...EXPECTED])
  let walkIns = db.selectFrom('check_ins').innerJoin('members', 'members.id', 'check_ins.member_id')
    .leftJoin('rsvps', (j) => j.onRef('rsvps.event_id', '=', 'check_ins.event_id').onRef('rsvps.member_id', '=', 'check_ins.member_id'))
    .select(['members.id as member_id', 'members.full_name', 'members.agency', 'rsvps.status', 'check_ins.checked_in_at', 'check_ins.walk_in'])
    .where('check_ins.event_id', '=', eventId)
    .where((eb) => eb.or([eb('rsvps.status', 'is', null), eb('rsvps.status', 'not in', [...EXPECTED])]))
  if (q) {
    answered = answered.where('members.full_name', 'ilike', likePattern(q))
    walkIns = walkIns.where('members.full_name', 'ilike', likePattern(q))
  }
  return [...await answered.execute(), ...await walkIns.execute()]
}

/**
 * Members in good standing whose name matches `q`, who have not checked in and are not expected (going,
 * waitlisted, maybe: the door list shows them already), at most 10, by name — so each person is listed once.
 */
export async function selectUncheckedMembers (db: Db, communityId: number, eventId: number, q: string) {
  return db.selectFrom('memberships').innerJoin('members', 'members.id', 'memberships.member_id')
    .select(['members.id', 'members.full_name', 'members.agency'])
    .where('memberships.community_id', '=', communityId).where('memberships.suspended_at', 'is', null)
    .where('members.full_name', 'ilike', likePattern(q))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('check_ins').select('check_ins.id')
      .where('check_ins.event_id', '=', eventId).whereRef('check_ins.member_id', '=', 'members.id'))))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('rsvps').select('rsvps.id')
      .where('rsvps.event_id', '=', eventId).whereRef('rsvps.member_id', '=', 'members.id').where('rsvps.status', 'in', [...EXPECTED]))))
    .orderBy('members.full_name').limit(10).execute()
}

export async function isCommunityMember (db: Db, communityId: number, memberId: number): Promise<boolean> {
  const row = await db.selectFrom('memberships').select('id')
    .where('community_id', '=', communityId).where('member_id', '=', memberId).executeTakeFirst()
  return row !== undefined
}

export async function hasRsvp (db: Db, eventId: number, memberId: number): Promise<boolean> {
  const row = await db.selectFrom('rsvps').select('id').where('event_id', '=', eventId).where('member_id', '=', memberId).executeTakeFirst()
  return row !== undefined
}

/** Inserts the check-in unless one exists; true when this call inserted it (the first arrival time is kept). */
export async function insertCheckIn (db: Db, row: { eventId: number, memberId: number, by: number, walkIn: boolean }): Promise<boolean> {
  const inserted = await db.insertInto('check_ins').values({
    event_id: row.eventId, member_id: row.memberId, checked_in_by: row.by, walk_in: row.walkIn
  }).onConflict((oc) => oc.columns(['event_id', 'member_id']).doNothing()).returning('id').executeTakeFirst()
  return inserted !== undefined
}

export async function deleteCheckIn (db: Db, eventId: number, memberId: number): Promise<void> {
  await db.deleteFrom('check_ins').where('event_id', '=', eventId).where('member_id', '=', memberId).execute()
}

export async function countCheckIns (db: Db, eventId: number): Promise<number> {
  const row = await db.selectFrom('check_ins').select((eb) => eb.fn.countAll<number>().as('n')).where('event_id', '=', eventId).executeTakeFirstOrThrow()
  return Number(row.n)
}
