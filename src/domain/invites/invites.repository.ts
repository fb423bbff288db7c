import type { Db, InviteMethod, RsvpStatus } from '../../db/database.js'

export async function recordInvite (db: Db, row: { eventId: number, memberId: number, sequence: number, method: InviteMethod, rsvp: RsvpStatus | null, sentAt: Date }): Promise<void> {
  const values = { sequence: row.sequence, method: row.method, rsvp_status: row.rsvp, sent_at: row.sentAt }
  await db.insertInto('calendar_invites')
    .values({ event_id: row.eventId, member_id: row.memberId, ...values })
    .onConflict((oc) => oc.columns(['event_id', 'member_id']).doUpdateSet(values))
    .execute()
}

/** What a member answered to an event and what their calendar holds of it (for the calendar worker). */
export interface CalendarState {
  id: number
  email: string
  full_name: string
  /** The member's RSVP (null: no answer). */
  rsvp: RsvpStatus | null
  /** The invite they hold: REQUEST (on their calendar), CANCEL (taken off), or null (never sent one). */
  method: InviteMethod | null
  sequence: number | null
  /** The answer the held invite carries. */
  invite_rsvp: RsvpStatus | null
  /** Whether they want calendar invitations for the events they answer (`members.mail_calendar`). */
  mail_calendar: boolean
}

/**
 * The calendar state of the given members for an event and, with `concerned`, of everyone a change of the event
 * concerns: those who answered going, maybe or waitlisted, and those who hold its invite (invited by an
 * organizer). One row per member, by id.
 */
export async function calendarStates (db: Db, eventId: number, memberIds: number[], concerned: boolean): Promise<CalendarState[]> {
  if (!memberIds.length && !concerned) return []
  const rows = await db.selectFrom('members')
    .leftJoin('rsvps', (j) => j.onRef('rsvps.member_id', '=', 'members.id').on('rsvps.event_id', '=', eventId))
    .leftJoin('calendar_invites', (j) => j.onRef('calendar_invites.member_id', '=', 'members.id').on('calendar_invites.event_id', '=', eventId))
    .select(['members.id', 'members.email', 'members.full_name', 'members.mail_calendar', 'rsvps.status as rsvp', 'calendar_invites.method',
      'calendar_invites.sequence', 'calendar_invites.rsvp_status as invite_rsvp'])
    .where((eb) => eb.or([
      ...(memberIds.length ? [eb('members.id', 'in', memberIds)] : []),
      ...(concerned ? [eb('rsvps.status', 'in', ['going', 'maybe', 'waitlisted']), eb('calendar_invites.method', '=', 'REQUEST')] : [])
    ]))
    .orderBy('members.id')
    .execute()
  return rows.map((r) => ({ ...r, rsvp: r.rsvp ?? null, method: r.method ?? null, sequence: r.sequence ?? null, invite_rsvp: r.invite_rsvp ?? null }))
}

/** Members of the community with the given (normalised) addresses. */
export async function membersByEmail (db: Db, communityId: number, emails: string[]) {
  if (!emails.length) return []
  return db.selectFrom('members').innerJoin('memberships', 'memberships.member_id', 'members.id')
    .select(['members.id', 'members.email', 'members.full_name', 'members.mail_calendar'])
    .where('memberships.community_id', '=', communityId).where('memberships.suspended_at', 'is', null).where('members.email', 'in', emails)
    .orderBy('members.id').execute()
}

export async function allMembers (db: Db, communityId: number) {
  return db.selectFrom('members').innerJoin('memberships', 'memberships.member_id', 'members.id')
    .select(['members.id', 'members.email', 'members.full_name', 'members.mail_calendar'])
    .where('memberships.community_id', '=', communityId).where('memberships.suspended_at', 'is', null).orderBy('members.id').execute()
}

interface InviteeState {
  rsvp: RsvpStatus | null
  invite: { sequence: number, method: InviteMethod } | null
  /** An organizer's invitation waits on the calendar queue. */
  invitationQueued: boolean
}

/** Each member's RSVP status, held invite and queued invitation for one event (for the organizer's list invite). */
export async function answersAndInvites (db: Db, eventId: number, memberIds: number[]): Promise<Map<number, InviteeState>> {
  const map = new Map<number, InviteeState>()
  if (!memberIds.length) return map
  // One after the other: inside a transaction there is one connection.
  const rsvps = await db.selectFrom('rsvps').select(['member_id', 'status']).where('event_id', '=', eventId).where('member_id', 'in', memberIds).execute()
  const invites = await db.selectFrom('calendar_invites').select(['member_id', 'sequence', 'method']).where('event_id', '=', eventId).where('member_id', 'in', memberIds).execute()
  const queued = await db.selectFrom('calendar_changes').select('member_id').distinct().where('event_id', '=', eventId)
    .where('reason', '=', 'invited').where('member_id', 'in', memberIds).execute()
  for (const id of memberIds) map.set(id, { rsvp: null, invite: null, invitationQueued: false })
  for (const r of rsvps) map.get(r.member_id)!.rsvp = r.status
  for (const i of invites) map.get(i.member_id)!.invite = { sequence: i.sequence, method: i.method }
  for (const q of queued) map.get(q.member_id!)!.invitationQueued = true
  return map
}
