import { sql } from 'kysely'
import type { Db } from '../../db/database.js'

/*
 * The SQL of reviewing proposals: a call's reviewers, review assignments and reviews. reviews.service.ts decides
 * who may review what (conflicts, blind review); these functions only read and write. Every lookup names the
 * call (or the proposal of a call) it must belong to.
 */

// ---- Reviewers

/** The members added as reviewers of a call, by name. */
export async function listCallReviewers (db: Db, callId: number) {
  return db.selectFrom('call_reviewers').innerJoin('members', 'members.id', 'call_reviewers.member_id')
    .select(['members.id', 'members.full_name', 'members.agency', 'members.email'])
    .where('call_reviewers.call_id', '=', callId).orderBy('members.full_name').orderBy('members.id').execute()
}

export async function isCallReviewer (db: Db, callId: number, memberId: number): Promise<boolean> {
  const row = await db.selectFrom('call_reviewers').select('member_id').where('call_id', '=', callId).where('member_id', '=', memberId).executeTakeFirst()
  return Boolean(row)
}

export async function insertCallReviewer (db: Db, callId: number, memberId: number, by: number): Promise<boolean> {
  const rows = await db.insertInto('call_reviewers').values({ call_id: callId, member_id: memberId, added_by: by })
    .onConflict((oc) => oc.constraint('call_reviewers_pk').doNothing()).returning('member_id').execute()
  return rows.length > 0
}

/** Removes a reviewer from a call, with their assignments on it (their reviews stay). */
export async function deleteCallReviewer (db: Db, callId: number, memberId: number): Promise<boolean> {
  await db.deleteFrom('review_assignments').where('reviewer_id', '=', memberId)
    .where('proposal_id', 'in', (eb) => eb.selectFrom('proposals').select('id').where('call_id', '=', callId)).execute()
  const res = await db.deleteFrom('call_reviewers').where('call_id', '=', callId).where('member_id', '=', memberId).executeTakeFirst()
  return Number(res.numDeletedRows) > 0
}

/** A member of the community (not suspended) by email address. */
export async function findCommunityMemberByEmail (db: Db, communityId: number, email: string) {
  return db.selectFrom('memberships').innerJoin('members', 'members.id', 'memberships.member_id')
    .select(['members.id', 'members.full_name', 'members.email'])
    .where('memberships.community_id', '=', communityId).where('memberships.suspended_at', 'is', null)
    .where(sql<string>`lower(members.email)`, '=', email.toLowerCase()).executeTakeFirst()
}

// ---- Proposals as reviewers see them

/**
 * The submitted proposals of a call with what review and conflict checks need: the submitter's name, agency
 * and email, the accepted co-speakers (member ids and names), and the reviews counted with their mean, spread.
 * Lists (`withText` false) leave out the answers and the bio: a list shows titles, and a call can have thousands.
 */
export async function listReviewableProposals (db: Db, callId: number, proposalId?: number, withText = true) {
  let q = reviewable(db, callId, withText)
  if (proposalId !== undefined) q = q.where('p.id', '=', proposalId)
  return q.orderBy('p.id').execute()
}

function reviewable (db: Db, callId: number, withText: boolean) {
  return db.selectFrom('proposals as p').innerJoin('members as m', 'm.id', 'p.submitter_id')
    .select(withText
      ? (eb) => [eb.ref('p.answers').as('answers'), eb.ref('p.bio').as('bio')]
      : () => [sql<Record<string, string>>`'{}'::jsonb`.as('answers'), sql<string>`''`.as('bio')])
    .select(['p.id', 'p.title', 'p.format', 'p.topic', 'p.identifying', 'p.affiliation', 'p.affiliation_note',
      'p.first_time', 'p.submitter_id', 'p.template_id', 'p.submitted_at', 'p.decision_mailed_at', 'm.full_name', 'm.agency', 'm.email'])
    .select(sql<number[]>`coalesce((select array_agg(ps.member_id order by ps.id) from proposal_speakers ps
      where ps.proposal_id = p.id and ps.state = 'accepted' and ps.member_id is not null), '{}')`.as('co_speaker_ids'))
    .select(sql<string[]>`coalesce((select array_agg(coalesce(cm.full_name, ps.email) order by ps.id) from proposal_speakers ps
      left join members cm on cm.id = ps.member_id where ps.proposal_id = p.id and ps.state <> 'declined'), '{}')`.as('co_speaker_names'))
    .select(sql<string[]>`coalesce((select array_agg(coalesce(cm.agency, '') order by ps.id) from proposal_speakers ps
      left join members cm on cm.id = ps.member_id where ps.proposal_id = p.id and ps.state <> 'declined'), '{}')`.as('co_speaker_agencies'))
    .select(sql<number>`(select count(*)::int from reviews r where r.proposal_id = p.id)`.as('review_count'))
    .select(sql<number | null>`(select avg(r.score)::float8 from reviews r where r.proposal_id = p.id)`.as('mean'))
    .select(sql<number | null>`(select (max(r.score) - min(r.score))::float8 from reviews r where r.proposal_id = p.id)`.as('spread'))
    .where('p.call_id', '=', callId).where('p.state', '=', 'submitted')
}

/** The dashboard's filters: a format, a topic, first-time speakers only. */
export interface ReviewFilters { format?: string, topic?: string, firstTime?: boolean }

/**
 * Which proposals a list shows: the filters, and for a reviewer's list those they are not in conflict with
 * (the rule of conflictReason in reviews.service.ts, in SQL: not their own, not one they co-speak on, and with
 * `sameAgencyDomain` not one whose submitter's email has that domain), assigned to them or not.
 */
export interface ReviewableWhere extends ReviewFilters {
  reviewer?: { id: number, sameAgencyDomain: string | null, assigned: boolean }
}

function narrowed<Q extends ReturnType<typeof reviewable>> (q: Q, where: ReviewableWhere): Q {
  let out = q
  if (where.format) out = out.where('p.format', '=', where.format) as Q
  if (where.topic) out = out.where('p.topic', '=', where.topic) as Q
  if (where.firstTime) out = out.where('p.first_time', '=', true) as Q
  const r = where.reviewer
  if (r) {
    out = out.where('p.submitter_id', '<>', r.id)
      .where(sql<boolean>`not exists (select 1 from proposal_speakers ps where ps.proposal_id = p.id and ps.state = 'accepted' and ps.member_id = ${r.id})`) as Q
    if (r.sameAgencyDomain !== null) out = out.where(sql<boolean>`lower(substring(m.email from '[^@]*$')) <> ${r.sameAgencyDomain}`) as Q
    out = out.where(sql<boolean>`${sql.raw(r.assigned ? '' : 'not')} exists (select 1 from review_assignments a where a.proposal_id = p.id and a.reviewer_id = ${r.id})`) as Q
  }
  return out
}

/** The dashboard's orders: highest weighted mean, largest spread, fewest reviews, title; then the proposal's id. */
export type ReviewOrder = 'mean' | 'spread' | 'count' | 'title' | 'id'

/**
 * One page of a call's submitted proposals (as listReviewableProposals, without the answers and the bio), filtered
 * and ordered in SQL; no `limit` gives them all. Proposals without reviews sort last by mean and by spread; titles
 * sort without regard to case, in byte order (the same on both databases).
 */
export async function listReviewablePage (db: Db, callId: number, where: ReviewableWhere, order: ReviewOrder, limit?: number, offset = 0) {
  const inner = narrowed(reviewable(db, callId, false), where)
  let q = db.selectFrom(inner.as('x')).selectAll()
  if (order === 'mean') q = q.orderBy(sql`coalesce(x.mean, -1)`, 'desc')
  if (order === 'spread') q = q.orderBy(sql`coalesce(x.spread, -1)`, 'desc')
  if (order === 'count') q = q.orderBy('x.review_count')
  if (order === 'title') q = q.orderBy(sql`lower(x.title) collate "C"`).orderBy(sql`x.title collate "C"`)
  q = q.orderBy('x.id')
  if (limit !== undefined) q = q.limit(limit).offset(offset)
  return q.execute()
}

/** How many proposals listReviewablePage would list without a limit. */
export async function countReviewable (db: Db, callId: number, where: ReviewableWhere): Promise<number> {
  // The subquery is pulled up into the count: the columns nobody reads (the reviews' aggregates) are not computed.
  const row = await db.selectFrom(narrowed(reviewable(db, callId, false), where).as('x')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The ids of those of `proposalIds` that `reviewerId` has reviewed. */
export async function reviewedBy (db: Db, reviewerId: number, proposalIds: number[]): Promise<Set<number>> {
  if (!proposalIds.length) return new Set()
  const rows = await db.selectFrom('reviews').select('proposal_id').where('reviewer_id', '=', reviewerId).where('proposal_id', 'in', proposalIds).execute()
  return new Set(rows.map((r) => r.proposal_id))
}

/**
 * Per reviewer of a call's proposals (assigned one or wrote a review): how many assigned, how many of those
 * reviewed, and the id of their first review (null when none). Names are looked up after grouping (a join
 * before it hashed every member).
 */
export async function reviewProgress (db: Db, callId: number) {
  const rows = await sql<{ reviewer_id: number, name: string, assigned: number, done: number, first_review: number | null }>`
    select x.reviewer_id, (select m.full_name from members m where m.id = x.reviewer_id) as name, count(*) filter (where x.assigned)::int as assigned,
           count(*) filter (where x.assigned and x.reviewed)::int as done, min(x.review_id) as first_review
    from (
      select a.reviewer_id, true as assigned,
             exists (select 1 from reviews r where r.proposal_id = a.proposal_id and r.reviewer_id = a.reviewer_id) as reviewed, null::int as review_id
      from review_assignments a join proposals p on p.id = a.proposal_id where p.call_id = ${callId}
      union all
      select r.reviewer_id, false, false, r.id from reviews r join proposals p on p.id = r.proposal_id where p.call_id = ${callId}
    ) x
    group by x.reviewer_id`.execute(db)
  return rows.rows
}

export type ReviewableProposal = Awaited<ReturnType<typeof listReviewableProposals>>[number]

// ---- Assignments

export async function listCallAssignments (db: Db, callId: number) {
  return db.selectFrom('review_assignments').innerJoin('proposals', 'proposals.id', 'review_assignments.proposal_id')
    .select(['review_assignments.proposal_id', 'review_assignments.reviewer_id'])
    .where('proposals.call_id', '=', callId).execute()
}

export async function insertAssignments (db: Db, rows: Array<{ proposal_id: number, reviewer_id: number }>): Promise<number> {
  if (!rows.length) return 0
  const res = await db.insertInto('review_assignments').values(rows)
    .onConflict((oc) => oc.constraint('review_assignments_pk').doNothing()).returning('proposal_id').execute()
  return res.length
}

// ---- Reviews

/** Every review of a call's proposals (for progress, "review next" and the dashboard), with its reviewer's name. */
export async function listCallReviews (db: Db, callId: number) {
  return db.selectFrom('reviews').innerJoin('proposals', 'proposals.id', 'reviews.proposal_id')
    .innerJoin('members', 'members.id', 'reviews.reviewer_id')
    .select(['reviews.id', 'reviews.proposal_id', 'reviews.reviewer_id', 'reviews.scores', 'reviews.score', 'reviews.comment',
      'reviews.note_to_speaker', 'reviews.submitted_at', 'members.full_name as reviewer_name'])
    .where('proposals.call_id', '=', callId).orderBy('reviews.id').execute()
}

export async function listProposalReviews (db: Db, proposalId: number) {
  return db.selectFrom('reviews').innerJoin('members', 'members.id', 'reviews.reviewer_id')
    .select(['reviews.id', 'reviews.reviewer_id', 'reviews.scores', 'reviews.score', 'reviews.comment', 'reviews.note_to_speaker',
      'members.full_name as reviewer_name'])
    .where('reviews.proposal_id', '=', proposalId).orderBy('reviews.id').execute()
}

export async function upsertReview (db: Db, row: { proposal_id: number, reviewer_id: number, scores: Record<string, number>, score: number, comment: string, note_to_speaker: string }): Promise<void> {
  const values = { ...row, scores: JSON.stringify(row.scores) }
  await db.insertInto('reviews').values(values)
    .onConflict((oc) => oc.constraint('reviews_once').doUpdateSet({
      scores: values.scores, score: row.score, comment: row.comment, note_to_speaker: row.note_to_speaker, updated_at: new Date()
    })).execute()
}
