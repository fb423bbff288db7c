import type { Db } from '../../db/database.js'

/*
 * Check-ins are the attendance record: who actually came. Later features (connections, metrics, surveys)
 * build on this table, not on RSVPs.
 */

function likePattern (q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`
}

export interface DoorRow {
  member_id: number
  full_name: string
  agency: string
  status: string | null
  checked_in_at: Date | null
  walk_in: boolean
}

/**
 * The list at the door: everyone going, waitlisted or maybe, plus anyone already checked in (walk-ins),
 * optionally narrowed by a name search. Not-yet-arrived first, then by name.
 */
export async function doorList (db: Db, eventId: number, q = ''): Promise<DoorRow[]> {
  let answered = db.selectFrom('rsvps').innerJoin('members', 'members.id', 'rsvps.member_id')
    .leftJoin('check_ins', (j) => j.onRef('check_ins.event_id', '=', 'rsvps.event_id').onRef('check_ins.member_id', '=', 'rsvps.member_id'))
    .select(['members.id as member_id', 'members.full_name', 'members.agency', 'rsvps.status', 'check_ins.checked_in_at', 'check_ins.walk_in'])
    .where('rsvps.event_id', '=', eventId).where('rsvps.status', 'in', ['going', 'waitlisted', 'maybe'])
  let walkIns = db.selectFrom('check_ins').innerJoin('members', 'members.id', 'check_ins.member_id')
    .leftJoin('rsvps', (j) => j.onRef('rsvps.event_id', '=', 'check_ins.event_id').onRef('rsvps.member_id', '=', 'check_ins.member_id'))
    .select(['members.id as member_id', 'members.full_name', 'members.agency', 'rsvps.status', 'check_ins.checked_in_at', 'check_ins.walk_in'])
    .where('check_ins.event_id', '=', eventId)
    .where((eb) => eb.or([eb('rsvps.status', 'is', null), eb('rsvps.status', 'not in', ['going', 'waitlisted', 'maybe'])]))
  if (q) {
    answered = answered.where('members.full_name', 'ilike', likePattern(q))
    walkIns = walkIns.where('members.full_name', 'ilike', likePattern(q))
  }
  const rows = [...await answered.execute(), ...await walkIns.execute()]
  return rows.map((r) => ({ ...r, walk_in: Boolean(r.walk_in) }))
    .sort((a, b) => Number(a.checked_in_at !== null) - Number(b.checked_in_at !== null) || a.full_name.localeCompare(b.full_name))
}

/** Community members matching a name who have not checked in yet: candidates for a walk-in. */
export async function walkInCandidates (db: Db, communityId: number, eventId: number, q: string) {
  if (q.trim().length < 2) return []
  return db.selectFrom('memberships').innerJoin('members', 'members.id', 'memberships.member_id')
    .select(['members.id', 'members.full_name', 'members.agency'])
    .where('memberships.community_id', '=', communityId)
    .where('members.full_name', 'ilike', likePattern(q.trim()))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('check_ins').select('check_ins.id')
      .where('check_ins.event_id', '=', eventId).whereRef('check_ins.member_id', '=', 'members.id'))))
    .orderBy('members.full_name').limit(10).execute()
}

export type CheckInResult = 'checked-in' | 'already' | 'not-a-member'

/**
 * Marks a member as arrived. A walk-in must be a member of the event's community. Checking in twice keeps the
 * first arrival time.
 */
export async function checkIn (db: Db, input: { eventId: number, communityId: number, memberId: number, by: number, walkIn: boolean }): Promise<CheckInResult> {
  const member = await db.selectFrom('memberships').select('id')
    .where('community_id', '=', input.communityId).where('member_id', '=', input.memberId).executeTakeFirst()
  if (!member) {
    const rsvp = await db.selectFrom('rsvps').select('id').where('event_id', '=', input.eventId).where('member_id', '=', input.memberId).executeTakeFirst()
    if (!rsvp) return 'not-a-member'
  }
  const row = await db.insertInto('check_ins').values({
    event_id: input.eventId, member_id: input.memberId, checked_in_by: input.by, walk_in: input.walkIn
  }).onConflict((oc) => oc.columns(['event_id', 'member_id']).doNothing()).returning('id').executeTakeFirst()
  return row ? 'checked-in' : 'already'
}

export async function undoCheckIn (db: Db, eventId: number, memberId: number): Promise<void> {
  await db.deleteFrom('check_ins').where('event_id', '=', eventId).where('member_id', '=', memberId).execute()
}

export async function countCheckIns (db: Db, eventId: number): Promise<number> {
  const row = await db.selectFrom('check_ins').select((eb) => eb.fn.countAll<number>().as('n')).where('event_id', '=', eventId).executeTakeFirstOrThrow()
  return Number(row.n)
}
