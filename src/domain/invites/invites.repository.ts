import type { Db, InviteMethod, RsvpStatus } from '../../db/database.js'

export async function findInvite (db: Db, eventId: number, memberId: number) {
  return db.selectFrom('calendar_invites').selectAll().where('event_id', '=', eventId).where('member_id', '=', memberId).executeTakeFirst()
}

export async function recordInvite (db: Db, row: { eventId: number, memberId: number, sequence: number, method: InviteMethod, rsvp: RsvpStatus | null, sentAt: Date }): Promise<void> {
  const values = { sequence: row.sequence, method: row.method, rsvp_status: row.rsvp, sent_at: row.sentAt }
  await db.insertInto('calendar_invites')
    .values({ event_id: row.eventId, member_id: row.memberId, ...values })
    .onConflict((oc) => oc.columns(['event_id', 'member_id']).doUpdateSet(values))
    .execute()
}

// ---- Answers awaiting their calendar mail (queued by upsertRsvp; the worker sends it, see sendAnswerMail)

export async function hasQueuedAnswers (db: Db): Promise<boolean> {
  return Boolean(await db.selectFrom('calendar_answers').select('id').limit(1).executeTakeFirst())
}

/**
 * Takes up to `limit` of the oldest queued answers off the queue (rows another worker holds are skipped):
 * how many rows it took, and each (event, member) among them once, oldest first. Call inside the transaction
 * that sends their mail: if it fails, the answers are back on the queue.
 */
export async function takeAnswers (trx: Db, limit: number): Promise<{ taken: number, answers: { event_id: number, member_id: number }[] }> {
  const rows = await trx.deleteFrom('calendar_answers')
    .where('id', 'in', (eb) => eb.selectFrom('calendar_answers').select('id').orderBy('id').limit(limit).forUpdate().skipLocked())
    .returning(['id', 'event_id', 'member_id'])
    .execute()
  const seen = new Set<string>()
  const answers = rows.sort((a, b) => Number(a.id) - Number(b.id)).filter((r) => {
    const key = `${r.event_id}:${r.member_id}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  }).map((r) => ({ event_id: r.event_id, member_id: r.member_id }))
  return { taken: rows.length, answers }
}

export interface Recipient {
  id: number
  email: string
  full_name: string
  /** The member's RSVP (null: invited by an organizer, no answer yet). */
  rsvp: RsvpStatus | null
  /** Holds a calendar invite that is still on their calendar (method REQUEST). */
  holdsInvite: boolean
}

/**
 * Everyone to tell about a change or cancellation: those who answered going, maybe or waitlisted, and those
 * who hold an invite (REQUEST) without such an answer (invited by an organizer). One row per member.
 */
export async function listRecipients (db: Db, eventId: number): Promise<Recipient[]> {
  const rows = await db.selectFrom('members')
    .leftJoin('rsvps', (j) => j.onRef('rsvps.member_id', '=', 'members.id').on('rsvps.event_id', '=', eventId))
    .leftJoin('calendar_invites', (j) => j.onRef('calendar_invites.member_id', '=', 'members.id').on('calendar_invites.event_id', '=', eventId))
    .select(['members.id', 'members.email', 'members.full_name', 'rsvps.status as rsvp', 'calendar_invites.method'])
    .where((eb) => eb.or([
      eb('rsvps.status', 'in', ['going', 'maybe', 'waitlisted']),
      eb('calendar_invites.method', '=', 'REQUEST')
    ]))
    .orderBy('members.id')
    .execute()
  return rows.map((r) => ({ id: r.id, email: r.email, full_name: r.full_name, rsvp: r.rsvp ?? null, holdsInvite: r.method === 'REQUEST' }))
}

/** Members of the community with the given (normalised) addresses. */
export async function membersByEmail (db: Db, communityId: number, emails: string[]) {
  if (!emails.length) return []
  return db.selectFrom('members').innerJoin('memberships', 'memberships.member_id', 'members.id')
    .select(['members.id', 'members.email', 'members.full_name'])
    .where('memberships.community_id', '=', communityId).where('members.email', 'in', emails)
    .orderBy('members.id').execute()
}

export async function allMembers (db: Db, communityId: number) {
  return db.selectFrom('members').innerJoin('memberships', 'memberships.member_id', 'members.id')
    .select(['members.id', 'members.email', 'members.full_name'])
    .where('memberships.community_id', '=', communityId).orderBy('members.id').execute()
}

/** Each member's RSVP status and held invite for one event (for the organizer's list invite). */
export async function answersAndInvites (db: Db, eventId: number, memberIds: number[]) {
  if (!memberIds.length) return new Map<number, { rsvp: RsvpStatus | null, invite: { sequence: number, method: InviteMethod } | null }>()
  // One after the other: inside a transaction there is one connection.
  const rsvps = await db.selectFrom('rsvps').select(['member_id', 'status']).where('event_id', '=', eventId).where('member_id', 'in', memberIds).execute()
  const invites = await db.selectFrom('calendar_invites').select(['member_id', 'sequence', 'method']).where('event_id', '=', eventId).where('member_id', 'in', memberIds).execute()
  const map = new Map<number, { rsvp: RsvpStatus | null, invite: { sequence: number, method: InviteMethod } | null }>()
  for (const id of memberIds) map.set(id, { rsvp: null, invite: null })
  for (const r of rsvps) map.get(r.member_id)!.rsvp = r.status
  for (const i of invites) map.get(i.member_id)!.invite = { sequence: i.sequence, method: i.method }
  return map
}
