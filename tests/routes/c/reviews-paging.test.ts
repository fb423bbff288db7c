import t from 'tap'
import { sql } from 'kysely'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, signInAs } from '../../fixtures/factories.js'
import { createCall, ensureTemplates } from '../../../src/domain/proposals/calls.service.js'
import { DEFAULT_FORMATS } from '../../../src/domain/proposals/templates.js'

const DAY = 86_400_000

t.test('a large call: the review dashboard and a reviewer’s list come in pages', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@orga.gov' })
  const rita = await createMember(db, { full_name: 'Rita Reviewer', agency: 'Records Office', email: 'rita@records.gov' })
  const speaker = await createMember(db, { full_name: 'Sol Speaker', agency: 'Heron Lab', email: 'sol@heron.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [rita, speaker] })
  const conference = await createEvent(db, community, { title: 'Regional conference' })
  const [template] = await ensureTemplates(db, community.id)
  const now = Date.now()
  const call = await createCall(db, community.id, {
    target: { kind: 'event', id: conference.id, timeZone: 'America/New_York' }, title: 'Talks',
    lookingFor: 'Experience reports.', opensAt: new Date(now - DAY), closesAt: new Date(now + 30 * DAY),
    formats: DEFAULT_FORMATS, topics: [], templateIds: [template.id], maxPerPerson: 20, blindReview: true
  }, orga.id)
  // 123 submitted proposals, titles numbered so that the order by title is known; two assigned to Rita.
  await sql`
    insert into proposals (call_id, submitter_id, template_id, title, format, answers, bio, pledged_at, state, submitted_at)
    select ${call.id}, ${speaker.id}, ${template.id}, 'Talk ' || lpad(g::text, 3, '0') || ' from Heron Lab', 'talk', '{}'::jsonb, '', now(), 'submitted', now()
    from generate_series(1, 123) g`.execute(db)
  await db.insertInto('call_reviewers').values({ call_id: call.id, member_id: rita.id, added_by: orga.id }).execute()
  const ids = (await db.selectFrom('proposals').select('id').where('call_id', '=', call.id).orderBy('id').execute()).map((r) => r.id)
  await db.insertInto('review_assignments').values(ids.slice(0, 2).map((id) => ({ proposal_id: id, reviewer_id: rita.id }))).execute()

  const organizer = new Client(app)
  await signInAs(organizer, orga)
  const dash = `/c/dna/orga/calls/${call.id}/reviews`
  const titles = (body: string) => [...body.matchAll(/Talk (\d{3}) from/g)].map((m) => Number(m[1]))

  await t.test('the dashboard shows 50 proposals a page, keeps the sort across pages, and says how many there are', async (t) => {
    const first = await organizer.get(`${dash}?sort=title`)
    t.equal(first.statusCode, 200)
    t.match(text(first.body), '123 proposals; showing 1–50.')
    t.same(titles(first.body), Array.from({ length: 50 }, (_, i) => i + 1), 'page 1: the first 50 by title')
    t.notMatch(first.body, 'Heron Lab', 'blind review still hides the agency in titles')
    t.match(first.body, `href="${dash}?sort=title&amp;page=2"`, 'the next page keeps the sort')
    const third = await organizer.get(`${dash}?sort=title&page=3`)
    t.same(titles(third.body), Array.from({ length: 23 }, (_, i) => i + 101), 'page 3: the last 23')
    t.match(text(third.body), 'Page 3 of 3')
    t.match(third.body, `href="${dash}?sort=title&amp;page=2"`, 'a link back')
    const past = await organizer.get(`${dash}?page=9`)
    t.equal(past.statusCode, 200)
    t.match(text(past.body), 'There are no proposals on this page.')
    const bad = await organizer.get(`${dash}?page=0`)
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'The page number must be a whole number from 1.')
  })

  await t.test('the CSV export has every proposal, whatever the page', async (t) => {
    const csv = await organizer.get(`/c/dna/orga/calls/${call.id}/reviews.csv?page=2`)
    t.equal(csv.statusCode, 200)
    t.equal(csv.body.trim().split('\n').length, 124, 'a header and 123 rows')
  })

  await t.test('a reviewer sees every proposal assigned to them and the others 50 a page', async (t) => {
    const reviewer = new Client(app)
    await signInAs(reviewer, rita)
    const list = await reviewer.get(`/c/dna/calls/${call.id}/review`)
    t.equal(list.statusCode, 200)
    const page = text(list.body)
    t.match(page, 'Assigned to you (2)')
    t.match(page, 'Other proposals you may review (121)')
    t.match(page, 'Showing 1–50.')
    t.equal(titles(list.body).length, 52, 'two assigned and 50 others')
    const last = await reviewer.get(`/c/dna/calls/${call.id}/review?page=3`)
    t.equal(titles(last.body).length, 2 + 21, 'the assigned ones and the last 21 others')
    t.match(last.body, `href="/c/dna/calls/${call.id}/review?page=2"`)
  })
})
