import { sql, type ExpressionBuilder } from 'kysely'
import type { AgendaSession, Database, Db } from '../../db/database.js'

/*
 * What members read of an event's agenda: its PUBLISHED sessions only (drafts of the agenda are its organizers'),
 * each with its speakers — the placed proposal's submitter and its accepted co-speakers who are members.
 */

export interface Speaker { id: number, full_name: string }

export type SessionRow = Pick<AgendaSession, 'id' | 'event_id' | 'title' | 'why_this_matters' | 'starts_at' | 'ends_at' | 'room' | 'track' | 'sequence' | 'updated_at'>

export interface AgendaSessionRow extends SessionRow {
  speakers: Speaker[]
  /** Whether the viewer picked it ("my agenda"). */
  picked: boolean
}

const SESSION_COLUMNS = ['agenda_sessions.id', 'agenda_sessions.event_id', 'agenda_sessions.title', 'agenda_sessions.why_this_matters',
  'agenda_sessions.starts_at', 'agenda_sessions.ends_at', 'agenda_sessions.room', 'agenda_sessions.track', 'agenda_sessions.sequence',
  'agenda_sessions.updated_at'] as const

/**
 * The speakers of the session in the query: submitter first, then accepted co-speakers by name. A union of the
 * two, each found by key: a join on "submitter or co-speaker" would read every member for every session.
 */
function speakers (_eb: ExpressionBuilder<Database, 'agenda_sessions'>) {
  return sql<Speaker[]>`coalesce((
    select json_agg(json_build_object('id', m.id, 'full_name', m.full_name) order by s.ord, m.full_name, m.id)
    from (
      select p.submitter_id as member_id, 0 as ord from proposals p where p.id = agenda_sessions.proposal_id
      union all
      select ps.member_id, 1 from proposal_speakers ps
      where ps.proposal_id = agenda_sessions.proposal_id and ps.state = 'accepted' and ps.member_id is not null
    ) s join members m on m.id = s.member_id), '[]'::json)`
}

/** The event's published sessions in order of time, with speakers and whether `memberId` picked each: one query. */
export async function listPublishedSessions (db: Db, eventId: number, memberId: number): Promise<AgendaSessionRow[]> {
  const rows = await db.selectFrom('agenda_sessions')
    .select(SESSION_COLUMNS)
    .select((eb) => [
      speakers(eb).as('speakers'),
      eb.exists(eb.selectFrom('session_picks').select('session_picks.session_id')
        .whereRef('session_picks.session_id', '=', 'agenda_sessions.id').where('session_picks.member_id', '=', memberId)).as('picked')
    ])
    .where('agenda_sessions.event_id', '=', eventId).where('agenda_sessions.published', '=', true)
    .orderBy('agenda_sessions.starts_at').orderBy('agenda_sessions.room').orderBy('agenda_sessions.id')
    .execute()
  return rows.map((r) => ({ ...r, picked: Boolean(r.picked) }))
}

/** One published session of the event, with its speakers; undefined when the event has no such published session. */
export async function findPublishedSession (db: Db, eventId: number, sessionId: number): Promise<(SessionRow & { speakers: Speaker[] }) | undefined> {
  return db.selectFrom('agenda_sessions')
    .select(SESSION_COLUMNS)
    .select((eb) => speakers(eb).as('speakers'))
    .where('agenda_sessions.id', '=', sessionId).where('agenda_sessions.event_id', '=', eventId).where('agenda_sessions.published', '=', true)
    .executeTakeFirst()
}

/** A session by id whatever its state (the calendar worker decides what a change means). */
export async function findSessionById (db: Db, sessionId: number): Promise<(AgendaSession & { speakers: Speaker[] }) | undefined> {
  return db.selectFrom('agenda_sessions').selectAll('agenda_sessions')
    .select((eb) => speakers(eb).as('speakers'))
    .where('agenda_sessions.id', '=', sessionId).executeTakeFirst()
}
