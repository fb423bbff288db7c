import { sql } from 'kysely'
import type { Db } from '../../db/database.js'

// What a member downloads as their own data (GET /profile/data.json). Each query reads the member's own rows;
// other people appear at most by name (a co-speaker, the submitter of a talk they co-speak on), never by address.

export async function ownProfile (db: Db, memberId: number) {
  return db.selectFrom('members').where('id', '=', memberId)
    .select(['id', 'email', 'full_name', 'pronouns', 'agency', 'job_title', 'region', 'expertise', 'ask_me_about', 'can_help_with',
      'looking_for', 'bio', 'time_zone', 'visibility', 'suggestions_opt_in', 'mail_reminders', 'mail_calendar', 'mail_met', 'email_verified_at', 'created_at', 'updated_at'])
    .executeTakeFirstOrThrow()
}

export async function ownMemberships (db: Db, memberId: number) {
  return db.selectFrom('memberships as m').innerJoin('communities as c', 'c.id', 'm.community_id')
    .where('m.member_id', '=', memberId)
    .select(['c.name as community', 'c.slug', 'm.joined_at', 'm.norms_accepted_at', 'm.suspended_at', 'm.suspended_reason'])
    .orderBy('m.joined_at').orderBy('m.id').execute()
}

export async function ownRsvps (db: Db, memberId: number) {
  return db.selectFrom('rsvps as r').innerJoin('events as e', 'e.id', 'r.event_id').innerJoin('communities as c', 'c.id', 'e.community_id')
    .where('r.member_id', '=', memberId)
    .select(['e.title as event', 'c.name as community', 'e.starts_at', 'r.status', 'r.listed', 'r.accessibility_needs', 'r.dietary_needs',
      'r.waitlisted_at', 'r.created_at', 'r.updated_at'])
    .orderBy('e.starts_at').orderBy('r.id').execute()
}

export async function ownCheckIns (db: Db, memberId: number) {
  return db.selectFrom('check_ins as k').innerJoin('events as e', 'e.id', 'k.event_id').innerJoin('communities as c', 'c.id', 'e.community_id')
    .where('k.member_id', '=', memberId)
    .select(['e.title as event', 'c.name as community', 'e.starts_at', 'k.checked_in_at', 'k.walk_in'])
    .orderBy('k.checked_in_at').orderBy('k.id').execute()
}

/** Proposals the member submitted; a decision only once it was released to the speakers. */
export async function ownProposals (db: Db, memberId: number) {
  return db.selectFrom('proposals as p').innerJoin('calls as k', 'k.id', 'p.call_id').innerJoin('communities as c', 'c.id', 'k.community_id')
    .where('p.submitter_id', '=', memberId)
    .select(['p.id', 'k.title as call', 'c.name as community', 'p.title', 'p.format', 'p.topic', 'p.answers', 'p.bio', 'p.affiliation',
      'p.affiliation_note', 'p.first_time', 'p.wants_coaching', 'p.state', 'p.withdrawn_reason', 'p.confirmation', 'p.submitted_at', 'p.created_at',
      sql<string | null>`case when k.decisions_released_at is not null then p.decision end`.as('decision'),
      sql<string | null>`case when k.decisions_released_at is not null then p.note_to_speaker end`.as('note_to_speaker')])
    .orderBy('p.created_at').orderBy('p.id').execute()
}

/** The co-speakers of those proposals, by name only (people invited who are not members yet: no name, no address). */
export async function coSpeakersOf (db: Db, proposalIds: number[]) {
  if (!proposalIds.length) return []
  return db.selectFrom('proposal_speakers as s').leftJoin('members as m', 'm.id', 's.member_id')
    .where('s.proposal_id', 'in', proposalIds)
    .select(['s.proposal_id', 'm.full_name as name', 's.state'])
    .orderBy('s.proposal_id').orderBy('s.id').execute()
}

/** Proposals the member was invited to co-speak on: the talk, who submitted it (by name), their answer. */
export async function ownCoSpeaking (db: Db, memberId: number) {
  return db.selectFrom('proposal_speakers as s').innerJoin('proposals as p', 'p.id', 's.proposal_id')
    .innerJoin('members as m', 'm.id', 'p.submitter_id').innerJoin('calls as k', 'k.id', 'p.call_id')
    .where('s.member_id', '=', memberId)
    .select(['p.title', 'k.title as call', 'm.full_name as submitted_by', 's.state', 's.invited_at', 's.answered_at'])
    .orderBy('s.invited_at').orderBy('s.id').execute()
}

/** Reviews the member wrote (the proposal by title: under blind review they never saw the speaker). */
export async function ownReviews (db: Db, memberId: number) {
  return db.selectFrom('reviews as r').innerJoin('proposals as p', 'p.id', 'r.proposal_id').innerJoin('calls as k', 'k.id', 'p.call_id')
    .where('r.reviewer_id', '=', memberId)
    .select(['k.title as call', 'p.title as proposal', 'r.score', 'r.scores', 'r.comment', 'r.note_to_speaker', 'r.submitted_at', 'r.updated_at'])
    .orderBy('r.submitted_at').orderBy('r.id').execute()
}

/** Sessions the member put on their agenda. */
export async function ownSessionPicks (db: Db, memberId: number) {
  return db.selectFrom('session_picks as k').innerJoin('agenda_sessions as s', 's.id', 'k.session_id').innerJoin('events as e', 'e.id', 's.event_id')
    .where('k.member_id', '=', memberId)
    .select(['e.title as event', 's.title as session', 's.starts_at', 's.room', 'k.picked_at'])
    .orderBy('s.starts_at').orderBy('s.id').execute()
}

export async function countActiveSessions (db: Db, memberId: number): Promise<number> {
  const row = await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('member_id', '=', memberId).where('expires_at', '>', new Date()).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Events the member was checked in at, newest first; with `viewerId`, only in communities the viewer belongs to. */
export async function eventsAttended (db: Db, memberId: number, viewerId: number | null, limit = 20) {
  let q = db.selectFrom('check_ins as k').innerJoin('events as e', 'e.id', 'k.event_id').innerJoin('communities as c', 'c.id', 'e.community_id')
    .where('k.member_id', '=', memberId)
    .select(['e.id', 'e.title', 'e.starts_at', 'c.slug', 'c.name as community'])
  if (viewerId !== null) {
    q = q.where((eb) => eb.exists(eb.selectFrom('memberships as v').select('v.id')
      .whereRef('v.community_id', '=', 'e.community_id').where('v.member_id', '=', viewerId).where('v.suspended_at', 'is', null)))
  }
  return q.orderBy('e.starts_at', 'desc').orderBy('e.id', 'desc').limit(limit).execute()
}

/** The member's connections: the other by name, where they met (the event) or who introduced them. */
export async function ownConnections (db: Db, memberId: number) {
  return db.selectFrom('connections as c')
    .innerJoin('members as o', (j) => j.on(sql<boolean>`o.id = case when c.member_a = ${memberId} then c.member_b else c.member_a end`))
    .leftJoin('events as e', 'e.id', 'c.event_id')
    .leftJoin('members as i', 'i.id', 'c.introduced_by')
    .where((eb) => eb.or([eb('c.member_a', '=', memberId), eb('c.member_b', '=', memberId)]))
    .select(['o.full_name as with', 'e.title as metAt', 'e.starts_at as eventStartsAt', 'i.full_name as introducedBy', 'c.created_at'])
    .orderBy('c.created_at').orderBy('c.id').execute()
}

/** "I met them" notes: the ones the member made, and the ones others made about them (by name). */
export async function ownMetMarks (db: Db, memberId: number) {
  const made = await db.selectFrom('met_marks as k').innerJoin('members as o', 'o.id', 'k.met_id').leftJoin('events as e', 'e.id', 'k.event_id')
    .where('k.member_id', '=', memberId)
    .select(['o.full_name as met', 'e.title as at', 'k.created_at']).orderBy('k.created_at').orderBy('k.met_id').execute()
  const about = await db.selectFrom('met_marks as k').innerJoin('members as o', 'o.id', 'k.member_id').leftJoin('events as e', 'e.id', 'k.event_id')
    .where('k.met_id', '=', memberId)
    .select(['o.full_name as by', 'e.title as at', 'k.created_at']).orderBy('k.created_at').orderBy('k.member_id').execute()
  return { made, about }
}

/** Introductions of the member (to someone, by someone) and the ones they made, with names and their state. */
export async function ownIntroductions (db: Db, memberId: number) {
  return db.selectFrom('introductions as n')
    .innerJoin('members as a', 'a.id', 'n.member_a').innerJoin('members as b', 'b.id', 'n.member_b')
    .leftJoin('members as i', 'i.id', 'n.introduced_by')
    .where((eb) => eb.or([eb('n.member_a', '=', memberId), eb('n.member_b', '=', memberId), eb('n.introduced_by', '=', memberId)]))
    .select(['i.full_name as introducedBy', 'a.full_name as memberA', 'b.full_name as memberB', 'n.note', 'n.a_accepted_at', 'n.b_accepted_at',
      'n.declined_at', 'n.created_at'])
    .orderBy('n.created_at').orderBy('n.id').execute()
}
