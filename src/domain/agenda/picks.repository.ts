import type { Db } from '../../db/database.js'
import { listPublishedSessions, type AgendaSessionRow } from './agenda-view.repository.js'

/*
 * "My agenda": the sessions a member picked (session_picks). Picking twice or unpicking what was not picked
 * changes nothing, so a double click or a back button is harmless.
 */

export async function addPick (db: Db, sessionId: number, memberId: number): Promise<void> {
  await db.insertInto('session_picks').values({ session_id: sessionId, member_id: memberId })
    .onConflict((oc) => oc.columns(['session_id', 'member_id']).doNothing()).execute()
}

/** The ids of the event's published sessions that someone picked. */
export async function pickedPublishedSessionIds (db: Db, eventId: number): Promise<number[]> {
  const rows = await db.selectFrom('agenda_sessions as s').select('s.id')
    .where('s.event_id', '=', eventId).where('s.published', '=', true)
    .where((eb) => eb.exists(eb.selectFrom('session_picks as p').select('p.member_id').whereRef('p.session_id', '=', 's.id')))
    .orderBy('s.id').execute()
  return rows.map((r) => r.id)
}

/** Forgets every pick of the event's sessions. */
export async function removeEventPicks (db: Db, eventId: number): Promise<void> {
  await db.deleteFrom('session_picks')
    .where('session_id', 'in', (eb) => eb.selectFrom('agenda_sessions').select('id').where('event_id', '=', eventId)).execute()
}

export async function removePick (db: Db, sessionId: number, memberId: number): Promise<void> {
  await db.deleteFrom('session_picks').where('session_id', '=', sessionId).where('member_id', '=', memberId).execute()
}

/** The event's published sessions the member picked, in order of time. */
export async function listPickedSessions (db: Db, eventId: number, memberId: number): Promise<AgendaSessionRow[]> {
  return (await listPublishedSessions(db, eventId, memberId)).filter((s) => s.picked)
}

export interface Recipient { id: number, email: string, full_name: string, mail_calendar: boolean }

/** Of `memberIds`, those who still pick the session (a member who unpicked since the change gets no mail). */
export async function currentPickers (db: Db, sessionId: number, memberIds: number[]): Promise<Recipient[]> {
  if (!memberIds.length) return []
  return db.selectFrom('session_picks').innerJoin('members', 'members.id', 'session_picks.member_id')
    .select(['members.id', 'members.email', 'members.full_name', 'members.mail_calendar'])
    .where('session_picks.session_id', '=', sessionId).where('members.id', 'in', memberIds)
    .orderBy('members.id').execute()
}

/** The members by id (for a cancelled session, whose picks went with it). */
export async function recipientsByIds (db: Db, memberIds: number[]): Promise<Recipient[]> {
  if (!memberIds.length) return []
  return db.selectFrom('members').select(['id', 'email', 'full_name', 'mail_calendar'])
    .where('id', 'in', memberIds).orderBy('id').execute()
}
