import type { Db } from '../../db/database.js'
import {
  countCheckIns, deleteCheckIn, hasRsvp, insertCheckIn, isCommunityMember, selectDoorRows, selectUncheckedMembers
} from './check-ins.repository.js'

/*
 * Check-ins are the attendance record: who actually came. Later features (connections, metrics, surveys)
 * build on this table, not on RSVPs. The SQL is in check-ins.repository.ts; this file holds the rules.
 */

export { countCheckIns }

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
  const rows = await selectDoorRows(db, eventId, q)
  return rows.map((r) => ({ ...r, walk_in: Boolean(r.walk_in) }))
    .sort((a, b) => Number(a.checked_in_at !== null) - Number(b.checked_in_at !== null) || a.full_name.localeCompare(b.full_name))
}

/** Whether a name search looks for walk-ins: one letter matches half the community, so it takes two. */
export function isWalkInSearch (q: string): boolean {
  return q.trim().length >= 2
}

/** Community members matching a name who have not checked in yet: candidates for a walk-in. */
export async function walkInCandidates (db: Db, communityId: number, eventId: number, q: string) {
  if (!isWalkInSearch(q)) return []
  return selectUncheckedMembers(db, communityId, eventId, q.trim())
}

export type CheckInResult = 'checked-in' | 'already' | 'not-a-member'

/**
 * Marks a member as arrived. A walk-in must be a member of the event's community (or have answered the event,
 * e.g. a guest who left the community since). Checking in twice keeps the first arrival time.
 */
export async function checkIn (db: Db, input: { eventId: number, communityId: number, memberId: number, by: number, walkIn: boolean }): Promise<CheckInResult> {
  if (!await isCommunityMember(db, input.communityId, input.memberId) && !await hasRsvp(db, input.eventId, input.memberId)) {
    return 'not-a-member'
  }
  return await insertCheckIn(db, input) ? 'checked-in' : 'already'
}

export async function undoCheckIn (db: Db, eventId: number, memberId: number): Promise<void> {
  await deleteCheckIn(db, eventId, memberId)
}
