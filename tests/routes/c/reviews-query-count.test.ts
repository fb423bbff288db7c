import t from 'tap'
import { sql } from 'kysely'
import { Client, createTestApp } from '../../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, signInAs } from '../../fixtures/factories.js'
import { countQueries } from '../../fixtures/query-counter.js'
import { createCall, ensureTemplates } from '../../../src/domain/proposals/calls.service.js'
import { DEFAULT_FORMATS } from '../../../src/domain/proposals/templates.js'


t.test('the review dashboard and the reviewer list use a fixed number of queries (no N+1)', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const { during } = countQueries(t, db)
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@orga.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga })
  const event = await createEvent(db, community, { title: 'Conference' })
  const [template] = await ensureTemplates(db, community.id)
  const call = await createCall(db, community.id, {
    target: { kind: 'event', id: event.id, timeZone: 'America/New_York' }, title: 'Talks', lookingFor: '', opensAt: new Date(Date.now() - 86_400_000),
    closesAt: new Date(Date.now() + 86_400_000), formats: DEFAULT_FORMATS, topics: [], templateIds: [template.id], maxPerPerson: 3, blindReview: true
  }, orga.id)
  const add = async (from: number, n: number) => {
    await sql`insert into members (email, full_name, agency, email_verified_at)
      select 'qc' || g || '@lab' || g || '.gov', 'Speaker ' || g, 'Lab ' || g, now() from generate_series(${from}::int, ${from + n - 1}::int) g`.execute(db)
    await sql`insert into memberships (community_id, member_id, norms_accepted_at)
      select ${community.id}, id, now() from members where email like 'qc%' and id not in (select member_id from memberships where community_id = ${community.id})`.execute(db)
    await sql`insert into call_reviewers (call_id, member_id) select ${call.id}, id from members where email like 'qc%' on conflict do nothing`.execute(db)
    await sql`insert into proposals (call_id, submitter_id, template_id, title, format, state, submitted_at, pledged_at)
      select ${call.id}, m.id, ${template.id}, 'Talk by ' || m.full_name, 'talk', 'submitted', now(), now() from members m
      where m.email like 'qc%' and not exists (select 1 from proposals p where p.submitter_id = m.id)`.execute(db)
    await sql`insert into proposal_speakers (proposal_id, email, member_id, state)
      select p.id, 'co' || p.id || '@x.gov', null, 'invited' from proposals p where not exists (select 1 from proposal_speakers s where s.proposal_id = p.id)`.execute(db)
    await sql`insert into reviews (proposal_id, reviewer_id, scores, score)
      select p.id, r.id, '{"relevant":3}'::jsonb, 3 from proposals p join members r on r.email like 'qc%' and r.id <> p.submitter_id
      on conflict do nothing`.execute(db)
  }
  const c = new Client(app)
  await signInAs(c, orga)
  const urls = [`/c/dna/orga/calls/${call.id}/reviews`, `/c/dna/orga/calls/${call.id}/reviews.csv`, `/c/dna/calls/${call.id}/review`]
  await add(1, 3)
  for (const u of urls) await c.get(u)
  type Counted = { result: { statusCode: number }, queries: string[] }
  const few: Counted[] = []
  for (const u of urls) few.push(await during(() => c.get(u)))
  await add(4, 27)
  const many: Counted[] = []
  for (const u of urls) many.push(await during(() => c.get(u)))
  urls.forEach((u, i) => {
    t.equal(many[i].result.statusCode, 200, u)
    t.equal(many[i].queries.length, few[i].queries.length, `${u}: as many queries for 30 proposals as for 3`)
    t.ok(many[i].queries.length <= 8, `${u}: at most 8 queries (was ${many[i].queries.length})`)
  })
})
