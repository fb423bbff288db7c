import t from 'tap'
import { sql } from 'kysely'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, signInAs } from '../../fixtures/factories.js'
import { createCall, ensureTemplates } from '../../../src/domain/proposals/calls.service.js'
import { DEFAULT_FORMATS } from '../../../src/domain/proposals/templates.js'

// The review dashboard and a reviewer's list filter, sort, count and page in SQL: each page must hold exactly
// what sorting every proposal would put there. The expected orders are worked out here from the same data, by
// the rules the dashboard states (highest mean first, largest spread first, fewest reviews first, title; then
// the proposal's number; proposals without reviews last by mean and spread).

const DAY = 86_400_000
const FORMATS = ['lightning', 'talk', 'panel', 'workshop']
const TITLES = ['delta', 'Alpha', 'charlie', 'Bravo']

t.test('review lists paged in SQL: sorts, filters, page boundaries', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@orga.gov' })
  const rita = await createMember(db, { full_name: 'Rita Reviewer', agency: 'Records Office', email: 'rita@records.gov' })
  const sam = await createMember(db, { full_name: 'Sam Second', email: 'sam@second.gov' })
  const tia = await createMember(db, { full_name: 'Tia Third', email: 'tia@third.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [rita, sam, tia] })
  const conference = await createEvent(db, community, { title: 'Regional conference' })
  const [template] = await ensureTemplates(db, community.id)
  const now = Date.now()
  const call = await createCall(db, community.id, {
    target: { kind: 'event', id: conference.id, timeZone: 'America/New_York' }, title: 'Talks',
    lookingFor: 'Experience reports.', opensAt: new Date(now - DAY), closesAt: new Date(now + 30 * DAY),
    formats: DEFAULT_FORMATS, topics: ['CODIS', 'STR'], templateIds: [template.id], maxPerPerson: 20, blindReview: false
  }, orga.id)
  await db.updateTable('calls').set({ same_agency_conflict: true }).where('id', '=', call.id).execute()

  // 60 speakers; proposal g: format, topic, first time and title from g; every 10th from Rita's agency (records.gov).
  await sql`insert into members (email, full_name, agency, email_verified_at)
    select 'spk' || g || case when g % 10 = 0 then '@records.gov' else '@lab' || g || '.gov' end, 'Speaker ' || g, 'Lab ' || g, now()
    from generate_series(1, 60) g`.execute(db)
  await sql`insert into memberships (community_id, member_id, norms_accepted_at)
    select ${community.id}, id, now() from members where email like 'spk%'`.execute(db)
  await sql`
    insert into proposals (call_id, submitter_id, template_id, title, format, topic, first_time, answers, bio, pledged_at, state, submitted_at)
    select ${call.id}, m.id, ${template.id}, (${sql.val(TITLES)}::text[])[1 + g % 4] || ' ' || lpad(g::text, 2, '0'),
           (${sql.val(FORMATS)}::text[])[1 + g % 4], case when g % 3 = 0 then 'CODIS' when g % 3 = 1 then 'STR' end, g % 5 = 0,
           '{}'::jsonb, '', now(), 'submitted', now()
    from generate_series(1, 60) g join members m on m.email like 'spk' || g || '@%'
    order by g`.execute(db)
  // Rita's own proposal and one she co-speaks on: never in her list.
  const own = await db.insertInto('proposals').values({
    call_id: call.id, submitter_id: rita.id, template_id: template.id, title: 'Rita’s own talk', format: 'talk', answers: '{}', bio: '',
    pledged_at: new Date(), state: 'submitted', submitted_at: new Date()
  }).returning('id').executeTakeFirstOrThrow()
  const ids = (await db.selectFrom('proposals').select('id').where('call_id', '=', call.id).where('id', '<>', own.id).orderBy('id').execute()).map((r) => r.id)
  const coSpoken = ids[6] // proposal g = 7
  await db.insertInto('proposal_speakers').values({ proposal_id: coSpoken, email: rita.email, member_id: rita.id, state: 'accepted' }).execute()

  // Reviews: proposal g has g % 4 reviews (Sam, Tia, Olive in turn), reviewer k scoring 1 + (g·k) mod 5.
  const reviewers = [sam.id, tia.id, orga.id]
  const scoreOf = (g: number, k: number) => 1 + (g * (k + 1)) % 5
  const reviewRows = ids.flatMap((id, i) => {
    const g = i + 1
    return reviewers.slice(0, g % 4).map((r, k) => ({ proposal_id: id, reviewer_id: r, scores: JSON.stringify({ relevant: scoreOf(g, k) }), score: scoreOf(g, k) }))
  })
  await db.insertInto('reviews').values(reviewRows).execute()
  await db.insertInto('call_reviewers').values([rita, sam, tia].map((m) => ({ call_id: call.id, member_id: m.id, added_by: orga.id }))).execute()
  // Rita is assigned proposals g = 1, 2 (reviewed by her) and 10 (her agency: a conflict, not shown).
  await db.insertInto('review_assignments').values([ids[0], ids[1], ids[9]].map((id) => ({ proposal_id: id, reviewer_id: rita.id }))).execute()
  await db.insertInto('reviews').values({ proposal_id: ids[1], reviewer_id: rita.id, scores: JSON.stringify({ relevant: 4 }), score: 4 }).execute()

  // The expected rows, from the same data.
  const rows = [...ids.map((id, i) => {
    const g = i + 1
    const scores = reviewers.slice(0, g % 4).map((_, k) => scoreOf(g, k)).concat(g === 2 ? [4] : [])
    return {
      id, g, title: `${TITLES[g % 4]} ${String(g).padStart(2, '0')}`, format: FORMATS[g % 4], topic: g % 3 === 0 ? 'CODIS' : g % 3 === 1 ? 'STR' : null,
      firstTime: g % 5 === 0, count: scores.length,
      mean: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
      spread: scores.length ? Math.max(...scores) - Math.min(...scores) : null
    }
  }), { id: own.id, g: 0, title: 'Rita’s own talk', format: 'talk', topic: null, firstTime: false, count: 0, mean: null, spread: null }]
  const num = (n: number | null) => n ?? -1
  const byKey = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0
  const sorted = (sort: string, list = rows) => [...list].sort((a, b) => {
    if (sort === 'title') return byKey(a.title.toLowerCase(), b.title.toLowerCase()) || byKey(a.title, b.title) || a.id - b.id
    if (sort === 'count') return a.count - b.count || a.id - b.id
    if (sort === 'spread') return num(b.spread) - num(a.spread) || a.id - b.id
    return num(b.mean) - num(a.mean) || a.id - b.id
  }).map((r) => r.id)

  const organizer = new Client(app)
  await signInAs(organizer, orga)
  const dash = `/c/dna/orga/calls/${call.id}/reviews`
  const shownIds = (body: string) => [...body.matchAll(new RegExp(`/calls/${call.id}/review/(\\d+)"`, 'g'))].map((m) => Number(m[1]))

  await t.test('each sort: page 1 has the first 50, page 2 the last 11, in the order of the whole list', async (t) => {
    for (const sort of ['mean', 'spread', 'count', 'title']) {
      const expected = sorted(sort)
      const q = sort === 'mean' ? '' : `sort=${sort}&`
      const first = await organizer.get(`${dash}?${q}`)
      t.equal(first.statusCode, 200, sort)
      t.same(shownIds(first.body), expected.slice(0, 50), `${sort}: page 1`)
      t.match(text(first.body), '61 proposals; showing 1–50.', `${sort}: the count`)
      const second = await organizer.get(`${dash}?${q}page=2`)
      t.same(shownIds(second.body), expected.slice(50), `${sort}: page 2, the last page`)
      t.match(text(second.body), '61 proposals; showing 51–61.')
      t.match(text(second.body), 'Page 2 of 2')
    }
  })

  await t.test('filters combined with a sort, counted and paged alike', async (t) => {
    const talks = rows.filter((r) => r.format === 'talk')
    const res = await organizer.get(`${dash}?format=talk&sort=count`)
    t.same(shownIds(res.body), sorted('count', talks), 'talks only, fewest reviews first')
    t.match(text(res.body), `${talks.length} proposals.`)
    const codisFirst = rows.filter((r) => r.topic === 'CODIS' && r.firstTime)
    const both = await organizer.get(`${dash}?topic=CODIS&first_time=yes&sort=spread`)
    t.same(shownIds(both.body), sorted('spread', codisFirst), 'CODIS, first-time speakers, largest spread first')
    t.match(text(both.body), `${codisFirst.length} proposals.`)
    const none = await organizer.get(`${dash}?format=panel&topic=CODIS&first_time=yes`)
    t.same(shownIds(none.body), sorted('mean', rows.filter((r) => r.format === 'panel' && r.topic === 'CODIS' && r.firstTime)))
    const nothing = await organizer.get(`${dash}?format=nonexistent`)
    t.match(text(nothing.body), 'No submitted proposals match.')
  })

  await t.test('a page past the end is empty and says so; page 0 is an error naming the page', async (t) => {
    const past = await organizer.get(`${dash}?sort=title&page=3`)
    t.equal(past.statusCode, 200)
    t.same(shownIds(past.body), [])
    t.match(text(past.body), 'There are no proposals on this page.')
    const filteredPast = await organizer.get(`${dash}?format=talk&page=2`)
    t.match(text(filteredPast.body), 'There are no proposals on this page.')
    const zero = await organizer.get(`${dash}?page=0`)
    t.equal(zero.statusCode, 400)
    t.match(text(zero.body), 'The page number must be a whole number from 1.')
  })

  await t.test('the export has every proposal in the order of the pages', async (t) => {
    const csv = await organizer.get(`/c/dna/orga/calls/${call.id}/reviews.csv?sort=spread`)
    const exported = csv.body.trim().split('\n').slice(1).map((line) => Number(line.split(',')[0]))
    t.same(exported, sorted('spread'))
  })

  await t.test('the dashboard counts each reviewer’s assignments and reviews', async (t) => {
    const page = text((await organizer.get(dash)).body)
    t.match(page, /Rita Reviewer\s*3\s*1/, 'Rita: 3 assigned, 1 reviewed')
  })

  await t.test('a reviewer’s list: conflicts left out in SQL, others paged by number', async (t) => {
    const reviewer = new Client(app)
    await signInAs(reviewer, rita)
    const list = await reviewer.get(`/c/dna/calls/${call.id}/review`)
    t.equal(list.statusCode, 200)
    const page = text(list.body)
    t.match(page, 'Assigned to you (2)', 'proposal 10 (her agency) is not shown though assigned')
    // Not hers, not co-spoken, not from records.gov (g = 10, 20 … 60), not assigned to her.
    const others = ids.filter((id, i) => id !== coSpoken && (i + 1) % 10 !== 0 && i > 1)
    t.match(page, `Other proposals you may review (${others.length})`)
    const shown = shownIds(list.body)
    t.same(shown.slice(0, 2), [ids[0], ids[1]], 'the assigned ones first')
    t.same(shown.slice(2), others.slice(0, 50), 'then the first 50 others by number')
    t.notOk(shown.includes(own.id), 'not her own proposal')
    t.notOk(shown.includes(coSpoken), 'not one she co-speaks on')
    t.match(page, /charlie 02\s*panel\s*3\s*Reviewed/, 'the one she reviewed says so')
    const last = await reviewer.get(`/c/dna/calls/${call.id}/review?page=2`)
    t.same(shownIds(last.body), [ids[0], ids[1], ...others.slice(50)])
    const past = await reviewer.get(`/c/dna/calls/${call.id}/review?page=3`)
    t.match(text(past.body), 'There are no proposals on this page.')
    const next = await reviewer.get(`/c/dna/calls/${call.id}/review/next`)
    t.equal(next.headers.location, `/c/dna/calls/${call.id}/review/${ids[0]}`, 'review next: the assigned one not reviewed yet')
  })
})
