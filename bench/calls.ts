/**
 * The speakers' part of `npm run bench`: a call for proposals on one conference of the benchmark community with
 * 2,000 submitted proposals (one per member, three templates' worth of answers), 20 reviewers given the role
 * for the call, each proposal assigned to three of them and about two thirds of the assignments reviewed, and
 * a published two-day agenda of 60 sessions in four rooms. The call itself goes through the app's services;
 * the volume is set-based SQL.
 */
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { createCall, ensureTemplates } from '../src/domain/proposals/calls.service.js'
import { DEFAULT_FORMATS } from '../src/domain/proposals/templates.js'

export const PROPOSALS = 2_000
export const REVIEWERS = 20
export const SESSIONS = 60

export interface CallScenario {
  callId: number
  eventId: number
  organizerId: number
  reviewerIds: number[]
}

export async function seedCall (app: FastifyInstance, communityId: number, now = new Date()): Promise<CallScenario> {
  const db = app.db
  const members = (await db.selectFrom('memberships').select('member_id').where('community_id', '=', communityId)
    .orderBy('member_id').limit(PROPOSALS + REVIEWERS + 1).execute()).map((r) => r.member_id)
  const organizerId = members[0]
  const reviewerIds = members.slice(1, 1 + REVIEWERS)
  await db.insertInto('coordinator_terms').values({ community_id: communityId, member_id: organizerId, starts_on: '2026-01-01', ends_on: null, created_by: null }).execute()

  // A conference two months ahead, two days long.
  const starts = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 10, 13))
  const event = await db.insertInto('events').values({
    community_id: communityId, kind: 'conference', title: 'Benchmark conference', summary: 'Two days of talks.',
    why_it_matters: 'Where the community meets in person.', starts_at: starts, ends_at: new Date(starts.getTime() + 32 * 3_600_000),
    time_zone: 'America/New_York', venue_name: 'Convention Center', venue_address: '1 Federal Plaza, Washington, DC',
    status: 'published', created_by: organizerId
  }).returning('id').executeTakeFirstOrThrow()

  const templates = await ensureTemplates(db, communityId)
  const call = await createCall(db, communityId, {
    target: { kind: 'event', id: event.id, timeZone: 'America/New_York' },
    title: 'Talks for the benchmark conference',
    lookingFor: 'Experience reports from your own work.',
    opensAt: new Date(now.getTime() - 30 * 86_400_000),
    closesAt: new Date(now.getTime() - 86_400_000),
    formats: DEFAULT_FORMATS, topics: [], templateIds: templates.map((t) => t.id), maxPerPerson: 3, blindReview: true
  }, organizerId)

  const template = templates[0]
  const fields = (template.fields as unknown as Array<{ key: string }>).map((f) => f.key)
  const answers = Object.fromEntries(fields.map((k) => [k, `What we did about ${k}, what happened, and what another lab can reuse. `.repeat(4)]))
  const speakers = members.slice(1 + REVIEWERS)
  await sql`
    insert into proposals (call_id, submitter_id, template_id, title, format, answers, identifying, bio, affiliation,
                           pledged_at, first_time, wants_coaching, state, submitted_at)
    select ${call.id}, s.id, ${template.id}, 'Proposal ' || s.n || ': what our lab changed',
           (array['lightning', 'talk', 'panel', 'workshop'])[1 + s.n % 4], ${JSON.stringify(answers)}::jsonb,
           array['Agency ' || (s.n % 40)], 'Analyst with ten years of casework.',
           (array['government', 'contractor', 'academic'])[1 + s.n % 3], now(), s.n % 5 = 0, s.n % 10 = 0,
           'submitted', now() - (s.n || ' minutes')::interval
    from unnest(${sql.val(speakers)}::int[]) with ordinality as s(id, n)`.execute(db)

  await sql`
    insert into call_reviewers (call_id, member_id, added_by)
    select ${call.id}, r, ${organizerId} from unnest(${sql.val(reviewerIds)}::int[]) r`.execute(db)
  // Three reviewers per proposal, spread evenly; about two thirds of the assignments reviewed.
  await sql`
    insert into review_assignments (proposal_id, reviewer_id)
    select p.id, (${sql.val(reviewerIds)}::int[])[1 + (p.rn * 3 + k) % ${REVIEWERS}]
    from (select id, row_number() over (order by id) as rn from proposals where call_id = ${call.id}) p
    cross join generate_series(0, 2) k`.execute(db)
  await sql`
    insert into reviews (proposal_id, reviewer_id, scores, score, comment, note_to_speaker)
    select a.proposal_id, a.reviewer_id,
           jsonb_build_object('relevant', 1 + (a.proposal_id + a.reviewer_id) % 5, 'experience', 1 + a.proposal_id % 5,
                              'practical', 1 + a.reviewer_id % 5, 'clear', 3),
           1 + ((a.proposal_id + a.reviewer_id) % 40) / 10.0, 'Solid, could use more evidence.', ''
    from review_assignments a join proposals p on p.id = a.proposal_id
    where p.call_id = ${call.id} and (a.proposal_id + a.reviewer_id) % 3 <> 0`.execute(db)

  // The agenda: two days, four rooms, sessions of 45 minutes from 9:00, each holding an accepted talk.
  await sql`
    update proposals set decision = 'accepted', decided_at = now(), decided_by = ${organizerId}, decision_mailed_at = now(),
           confirmation = 'confirmed', confirmed_at = now()
    where id in (select id from proposals where call_id = ${call.id} order by id limit ${SESSIONS})`.execute(db)
  await sql`
    insert into agenda_sessions (event_id, proposal_id, title, why_this_matters, starts_at, ends_at, room, track, published)
    select ${event.id}, p.id, p.title, 'Why this talk matters to the community.',
           ${starts}::timestamptz + ((p.rn - 1) / 30) * interval '1 day' + (((p.rn - 1) % 30) / 4) * interval '45 minutes',
           ${starts}::timestamptz + ((p.rn - 1) / 30) * interval '1 day' + (((p.rn - 1) % 30) / 4) * interval '45 minutes' + interval '40 minutes',
           'Room ' || (1 + (p.rn - 1) % 4), (array['Casework', 'Lab management'])[1 + (p.rn - 1) % 2], true
    from (select id, title, row_number() over (order by id) as rn from proposals
          where call_id = ${call.id} and decision = 'accepted') p`.execute(db)
  await sql`analyze`.execute(db)
  return { callId: call.id, eventId: event.id, organizerId, reviewerIds }
}
