import { sql } from 'kysely'
import type { AgendaSession, Db, TemplateField } from '../../db/database.js'

/*
 * The SQL of an event's agenda: its sessions (in rooms and tracks, an accepted talk placed in each or none), the
 * accepted talks of the event's calls waiting for a place, and who speaks where. sessions.service.ts decides;
 * these read and write. Every lookup of a session names its event, so an id of another event finds nothing.
 */

/** The event row the agenda's rules read, locked until the transaction ends: two saves of one agenda queue here. */
export async function lockAgendaEvent (db: Db, eventId: number) {
  return db.selectFrom('events').select(['id', 'community_id', 'starts_at', 'ends_at', 'time_zone', 'series_id', 'title'])
    .where('id', '=', eventId).forUpdate().executeTakeFirst()
}

/** One session of the event. */
export async function findSession (db: Db, eventId: number, sessionId: number): Promise<AgendaSession | undefined> {
  return db.selectFrom('agenda_sessions').selectAll().where('event_id', '=', eventId).where('id', '=', sessionId).executeTakeFirst()
}

/** A member who speaks in a placed talk: its submitter or a co-speaker who accepted. */
export interface SessionSpeaker {
  proposal_id: number
  member_id: number
  full_name: string
}

/** The speakers of these proposals: the submitter first, then accepted co-speakers in the order they were invited. */
export async function listSpeakersOf (db: Db, proposalIds: number[]): Promise<SessionSpeaker[]> {
  if (!proposalIds.length) return []
  const submitters = db.selectFrom('proposals').innerJoin('members', 'members.id', 'proposals.submitter_id')
    .select(['proposals.id as proposal_id', 'members.id as member_id', 'members.full_name', sql<number>`0`.as('ord')])
    .where('proposals.id', 'in', proposalIds)
  const coSpeakers = db.selectFrom('proposal_speakers').innerJoin('members', 'members.id', 'proposal_speakers.member_id')
    .select(['proposal_speakers.proposal_id', 'members.id as member_id', 'members.full_name', 'proposal_speakers.id as ord'])
    .where('proposal_speakers.proposal_id', 'in', proposalIds).where('proposal_speakers.state', '=', 'accepted')
  const rows = await submitters.unionAll(coSpeakers).orderBy('proposal_id').orderBy('ord').execute()
  return rows.map(({ proposal_id: p, member_id: m, full_name: n }) => ({ proposal_id: p, member_id: m, full_name: n }))
}

/** A session as the agenda lists it: its speakers' names (none for a break, keynote or panel without a talk). */
export type ListedSession = AgendaSession & { speakers: Array<{ member_id: number, full_name: string }> }

/**
 * An event's sessions in time order (then room), each with the speakers of the talk placed in it. Two queries
 * however many sessions. `publishedOnly`: what members may see.
 */
export async function listEventSessions (db: Db, eventId: number, opts: { publishedOnly: boolean }): Promise<ListedSession[]> {
  let q = db.selectFrom('agenda_sessions').selectAll().where('event_id', '=', eventId)
  if (opts.publishedOnly) q = q.where('published', '=', true)
  const sessions = await q.orderBy('starts_at').orderBy('room').orderBy('id').execute()
  const speakers = await listSpeakersOf(db, sessions.flatMap((s) => (s.proposal_id === null ? [] : [s.proposal_id])))
  return sessions.map((s) => ({
    ...s,
    speakers: speakers.filter((p) => p.proposal_id === s.proposal_id).map((p) => ({ member_id: p.member_id, full_name: p.full_name }))
  }))
}

/** A talk that may be placed in this event's agenda, with what the session takes from it. */
export interface PlaceableTalk {
  id: number
  call_id: number
  title: string
  decision: 'accepted' | 'rejected' | 'backup' | null
  decision_mailed_at: Date | null
  confirmation: 'confirmed' | 'declined' | null
  state: 'draft' | 'submitted' | 'withdrawn'
  answers: Record<string, string>
  fields: TemplateField[]
  submitter_name: string
}

function talks (db: Db, eventId: number) {
  return db.selectFrom('proposals').innerJoin('calls', 'calls.id', 'proposals.call_id')
    .innerJoin('talk_templates', 'talk_templates.id', 'proposals.template_id')
    .innerJoin('members', 'members.id', 'proposals.submitter_id')
    .select(['proposals.id', 'proposals.call_id', 'proposals.title', 'proposals.decision', 'proposals.decision_mailed_at',
      'proposals.confirmation', 'proposals.state', 'proposals.answers', 'talk_templates.fields', 'members.full_name as submitter_name'])
    .where('calls.event_id', '=', eventId)
}

/** A proposal of a call on this event (any decision), or undefined when it is of another event's call or none. */
export async function findEventTalk (db: Db, eventId: number, proposalId: number): Promise<PlaceableTalk | undefined> {
  return talks(db, eventId).where('proposals.id', '=', proposalId).executeTakeFirst() as Promise<PlaceableTalk | undefined>
}

/**
 * The accepted talks of calls on this event (decision released, not declined by the speaker, not withdrawn)
 * that no session holds yet, oldest decision first.
 */
export async function listUnplacedTalks (db: Db, eventId: number): Promise<PlaceableTalk[]> {
  return talks(db, eventId)
    .where('proposals.state', '=', 'submitted').where('proposals.decision', '=', 'accepted')
    .where('proposals.decision_mailed_at', 'is not', null)
    .where((eb) => eb.or([eb('proposals.confirmation', 'is', null), eb('proposals.confirmation', '<>', 'declined')]))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('agenda_sessions').select('agenda_sessions.id').whereRef('agenda_sessions.proposal_id', '=', 'proposals.id'))))
    .orderBy('proposals.decided_at').orderBy('proposals.id').execute() as Promise<PlaceableTalk[]>
}

/** The session that holds this proposal (any event), besides `exceptId`. */
export async function findSessionOfProposal (db: Db, proposalId: number, exceptId: number | null) {
  let q = db.selectFrom('agenda_sessions').select(['id', 'title', 'event_id']).where('proposal_id', '=', proposalId)
  if (exceptId !== null) q = q.where('id', '<>', exceptId)
  return q.executeTakeFirst()
}

/** Sessions of the event that overlap [startsAt, endsAt), besides `exceptId` (touching ends do not overlap). */
export async function listOverlappingSessions (db: Db, eventId: number, startsAt: Date, endsAt: Date, exceptId: number | null): Promise<AgendaSession[]> {
  let q = db.selectFrom('agenda_sessions').selectAll().where('event_id', '=', eventId)
    .where('starts_at', '<', endsAt).where('ends_at', '>', startsAt)
  if (exceptId !== null) q = q.where('id', '<>', exceptId)
  return q.orderBy('starts_at').orderBy('id').execute()
}

/** The rooms and tracks the event's sessions use, each once, in alphabetical order (suggestions for the form). */
export async function listRoomsAndTracks (db: Db, eventId: number): Promise<{ rooms: string[], tracks: string[] }> {
  const rows = await db.selectFrom('agenda_sessions').select(['room', 'track']).distinct().where('event_id', '=', eventId).execute()
  const sorted = (values: string[]) => [...new Set(values.filter(Boolean))].sort((a, b) => a.localeCompare(b))
  return { rooms: sorted(rows.map((r) => r.room)), tracks: sorted(rows.map((r) => r.track)) }
}

/** What a session row holds, as the service decided it. */
export interface SessionRow {
  proposal_id: number | null
  title: string
  why_this_matters: string
  starts_at: Date
  ends_at: Date
  room: string
  track: string
}

export async function insertSession (db: Db, eventId: number, row: SessionRow): Promise<AgendaSession> {
  return db.insertInto('agenda_sessions').values({ event_id: eventId, ...row }).returningAll().executeTakeFirstOrThrow()
}

/** Saves a session's fields; `raiseSequence` when its calendar entry changes (time or place of a published one). */
export async function updateSessionRow (db: Db, eventId: number, sessionId: number, row: SessionRow, raiseSequence: boolean): Promise<AgendaSession> {
  return db.updateTable('agenda_sessions')
    .set({ ...row, updated_at: new Date(), ...(raiseSequence ? { sequence: sql<number>`sequence + 1` } : {}) })
    .where('event_id', '=', eventId).where('id', '=', sessionId).returningAll().executeTakeFirstOrThrow()
}

/** Publishes or unpublishes sessions of the event (one, or all when `sessionId` is null); returns those changed. */
export async function setSessionsPublished (db: Db, eventId: number, sessionId: number | null, published: boolean, raiseSequence: boolean): Promise<AgendaSession[]> {
  let q = db.updateTable('agenda_sessions')
    .set({ published, updated_at: new Date(), ...(raiseSequence ? { sequence: sql<number>`sequence + 1` } : {}) })
    .where('event_id', '=', eventId).where('published', '<>', published)
  if (sessionId !== null) q = q.where('id', '=', sessionId)
  return q.returningAll().execute()
}

/** Raises a session's SEQUENCE (its calendar entry is about to be cancelled). */
export async function raiseSessionSequence (db: Db, eventId: number, sessionId: number): Promise<void> {
  await db.updateTable('agenda_sessions').set({ sequence: sql<number>`sequence + 1`, updated_at: new Date() })
    .where('event_id', '=', eventId).where('id', '=', sessionId).execute()
}

export async function deleteSessionRow (db: Db, eventId: number, sessionId: number): Promise<boolean> {
  const res = await db.deleteFrom('agenda_sessions').where('event_id', '=', eventId).where('id', '=', sessionId).executeTakeFirst()
  return Number(res.numDeletedRows) === 1
}
