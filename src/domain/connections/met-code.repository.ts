import type { Db, EventKind } from '../../db/database.js'

/** The SQL of members' personal QR codes (members.met_code) and of what a scan needs to know about two members. */

/** Kinds of event people meet at in person ("Who did you meet?", QR codes): not a brown-bag online. */
export const IN_PERSON_KINDS: readonly EventKind[] = ['meetup', 'conference', 'workshop']

export async function findMetCode (db: Db, memberId: number): Promise<string | null> {
  const row = await db.selectFrom('members').select('met_code').where('id', '=', memberId).executeTakeFirst()
  return row?.met_code ?? null
}

/** Sets the member's code unless they have one; returns the code they hold afterwards (theirs or this one). */
export async function setMetCodeIfNone (db: Db, memberId: number, code: string): Promise<string | null> {
  await db.updateTable('members').set({ met_code: code }).where('id', '=', memberId).where('met_code', 'is', null).execute()
  return findMetCode(db, memberId)
}

export async function replaceMetCode (db: Db, memberId: number, code: string): Promise<void> {
  await db.updateTable('members').set({ met_code: code }).where('id', '=', memberId).execute()
}

/** The member whose code this is; a deactivated account's code identifies nobody. */
export async function findMemberByMetCode (db: Db, code: string) {
  return db.selectFrom('members').select(['id', 'full_name', 'agency', 'visibility']).where('met_code', '=', code)
    .where('deactivated_at', 'is', null).executeTakeFirst()
}

/** Whether the two members belong (neither suspended) to one community. */
export async function shareCommunity (db: Db, x: number, y: number): Promise<boolean> {
  const row = await db.selectFrom('memberships as mx')
    .innerJoin('memberships as my', 'my.community_id', 'mx.community_id')
    .select('mx.id')
    .where('mx.member_id', '=', x).where('mx.suspended_at', 'is', null)
    .where('my.member_id', '=', y).where('my.suspended_at', 'is', null)
    .limit(1).executeTakeFirst()
  return row !== undefined
}

/** The latest published in-person event both members were checked in at, or undefined. */
export async function latestEventBothCheckedIn (db: Db, x: number, y: number) {
  return db.selectFrom('events as e')
    .innerJoin('communities as c', 'c.id', 'e.community_id')
    .select(['e.id', 'e.title', 'e.starts_at', 'e.time_zone', 'c.slug', 'c.name as community_name'])
    .where('e.kind', 'in', [...IN_PERSON_KINDS]).where('e.status', '=', 'published')
    .where((eb) => eb.exists(eb.selectFrom('check_ins as cx').select('cx.id').whereRef('cx.event_id', '=', 'e.id').where('cx.member_id', '=', x)))
    .where((eb) => eb.exists(eb.selectFrom('check_ins as cy').select('cy.id').whereRef('cy.event_id', '=', 'e.id').where('cy.member_id', '=', y)))
    .orderBy('e.starts_at', 'desc').orderBy('e.id', 'desc')
    .limit(1).executeTakeFirst()
}

/** Whether the member is checked in at the event. */
export async function isCheckedIn (db: Db, eventId: number, memberId: number): Promise<boolean> {
  const row = await db.selectFrom('check_ins').select('id').where('event_id', '=', eventId).where('member_id', '=', memberId).executeTakeFirst()
  return row !== undefined
}

