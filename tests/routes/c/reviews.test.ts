import t, { type Test } from 'tap'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, signInAs } from '../../fixtures/factories.js'
import { createCall, ensureTemplates } from '../../../src/domain/proposals/calls.service.js'
import { DEFAULT_FORMATS } from '../../../src/domain/proposals/templates.js'
import type { Db, Member } from '../../../src/db/database.js'

const DAY = 86_400_000

/** Everything on a page that would tell a reviewer who the speakers of the blind proposal are. */
const IDENTITY = ['Ada Lovelace', 'Falcon County Crime Lab', 'Project Nightjar', 'ada@falconlab.gov', 'leads the DNA unit', 'Ben Bramble', 'Heron State Police']

t.test('reviewing proposals: reviewers, blind review, conflicts, scores, assignment, dashboard', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@orga.gov' })
  const ada = await createMember(db, { full_name: 'Ada Lovelace', agency: 'Falcon County Crime Lab', email: 'ada@falconlab.gov' })
  const ben = await createMember(db, { full_name: 'Ben Bramble', agency: 'Heron State Police', email: 'ben@heron.gov' })
  const carl = await createMember(db, { full_name: 'Carl Colleague', agency: 'Falcon County Crime Lab', email: 'carl@falconlab.gov' })
  const rita = await createMember(db, { full_name: 'Rita Reviewer', agency: 'Records Office', email: 'rita@records.gov' })
  const ray = await createMember(db, { full_name: 'Ray Reader', agency: 'Audit Office', email: 'ray@audit.gov' })
  const mo = await createMember(db, { full_name: 'Mo Member', email: 'mo@members.gov' })
  const stranger = await createMember(db, { full_name: 'Sam Stranger', email: 'sam@else.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada, ben, carl, rita, ray, mo] })
  await createCommunity(db, { slug: 'records', name: 'Records', organizer: stranger })
  const conference = await createEvent(db, community, { title: 'Regional conference' })
  const templates = await ensureTemplates(db, community.id)
  const experience = templates.find((tpl) => tpl.name === 'Experience report')!
  const now = Date.now()
  const call = await createCall(db, community.id, {
    target: { kind: 'event', id: conference.id, timeZone: 'America/New_York' }, title: 'Talks for the regional conference',
    lookingFor: 'Experience reports.', opensAt: new Date(now - DAY), closesAt: new Date(now + 30 * DAY),
    formats: DEFAULT_FORMATS, topics: ['Backlog reduction', 'Validation'], templateIds: [experience.id], maxPerPerson: 5, blindReview: true
  }, orga.id)
  const propose = async (db: Db, by: Member, over: { title: string, format?: string, topic?: string, first_time?: boolean, identifying?: string[], state?: 'submitted' | 'draft' }) => {
    const p = await db.insertInto('proposals').values({
      call_id: call.id, submitter_id: by.id, template_id: experience.id, title: over.title, format: over.format ?? 'talk', topic: over.topic ?? 'Backlog reduction',
      answers: JSON.stringify({ problem: 'At Falcon County Crime Lab, Project Nightjar had a backlog of 1,400 kits.', tried: 'Ada tried batching in Canada.', happened: 'Halved.', reuse: 'A table.', pitch: 'Ada Lovelace on backlogs.' }),
      identifying: over.identifying ?? [], bio: 'Ada leads the DNA unit.', affiliation: 'government', pledged_at: new Date(), first_time: over.first_time ?? false,
      state: over.state ?? 'submitted', submitted_at: new Date()
    }).returningAll().executeTakeFirstOrThrow()
    return p
  }
  const blindOne = await propose(db, ada, { title: 'How Project Nightjar halved our backlog', identifying: ['Project Nightjar'], first_time: true })
  await db.insertInto('proposal_speakers').values({ proposal_id: blindOne.id, email: ben.email, member_id: ben.id, state: 'accepted' }).execute()
  const second = await propose(db, mo, { title: 'Validation on a budget', topic: 'Validation', format: 'lightning' })
  const third = await propose(db, ray, { title: '=HYPERLINK("http://evil.example")', topic: 'Validation' })
  await propose(db, mo, { title: 'A draft nobody reviews', state: 'draft' })

  const as = async (m: Member | null) => {
    const c = new Client(app)
    if (m) await signInAs(c, m)
    return c
  }
  const organizer = await as(orga)
  const review = `/c/dna/calls/${call.id}/review`
  const dash = `/c/dna/orga/calls/${call.id}/reviews`
  const hasNoIdentity = (t: Test, body: string, where: string) => {
    for (const s of IDENTITY) t.notMatch(body, s, `${where}: “${s}” is hidden`)
  }

  await t.test('only organizers and the call’s reviewers reach the review pages', async (t) => {
    t.equal((await (await as(null)).get(review)).statusCode, 404)
    t.equal((await (await as(stranger)).get(review)).statusCode, 404)
    t.equal((await (await as(rita)).get(review)).statusCode, 404, 'a member who is not a reviewer of the call: 404')
    t.equal((await (await as(rita)).get(dash)).statusCode, 403, 'members never reach the organizers’ dashboard')
    t.equal((await organizer.get(review)).statusCode, 200, 'organizers review every call of their community')
    t.equal((await organizer.get(`/c/dna/calls/${call.id + 1000}/review`)).statusCode, 404)
  })

  await t.test('organizers add and remove reviewers; bad input is re-shown with a message', async (t) => {
    const bad = await organizer.post(`${dash}/reviewers`, { email: 'sam@else.gov' }, { csrfFrom: dash })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'No member of this community has that email address')
    t.match(bad.body, 'value="sam@else.gov"')
    const notEmail = await organizer.post(`${dash}/reviewers`, { email: 'not an email' }, { csrfFrom: dash })
    t.equal(notEmail.statusCode, 400)
    t.match(text(notEmail.body), 'Enter an email address')
    for (const m of [rita, ray, carl, ada, ben, mo]) {
      const res = await organizer.post(`${dash}/reviewers`, { email: m.email.toUpperCase() }, { csrfFrom: dash })
      t.equal(res.statusCode, 303)
    }
    const again = await organizer.post(`${dash}/reviewers`, { email: rita.email }, { csrfFrom: dash })
    t.equal(again.statusCode, 400)
    t.match(text(again.body), 'Rita Reviewer already reviews this call')
    t.equal((await (await as(rita)).get(review)).statusCode, 200, 'a reviewer now reaches the review pages')
    t.match((await (await as(rita)).get(`/c/dna/calls/${call.id}`)).body, `href="${review}"`, 'the call page links reviewers to their review')
    const removed = await organizer.post(`${dash}/reviewers/${mo.id}/remove`, {}, { csrfFrom: dash })
    t.equal(removed.statusCode, 303)
    t.equal((await (await as(mo)).get(review)).statusCode, 404, 'a removed reviewer no longer does')
    t.notMatch((await (await as(mo)).get(`/c/dna/calls/${call.id}`)).body, `href="${review}"`, 'nor sees the link')
    const noCsrf = await organizer.post(`${dash}/reviewers`, { email: mo.email }, { csrf: false })
    t.equal(noCsrf.statusCode, 403)
  })

  await t.test('blind review hides who the speakers are on every page a reviewer opens', async (t) => {
    const reviewer = await as(rita)
    const list = await reviewer.get(review)
    t.equal(list.statusCode, 200)
    t.match(text(list.body), 'How [hidden] halved our backlog')
    hasNoIdentity(t, list.body, 'list')
    const page = await reviewer.get(`${review}/${blindOne.id}`)
    t.equal(page.statusCode, 200)
    t.match(text(page.body), 'Hidden during blind review')
    t.match(text(page.body), 'At [hidden], [hidden] had a backlog of 1,400 kits.')
    t.match(text(page.body), '[hidden] tried batching in Canada.', 'a first name alone is hidden too, as a whole word')
    t.notMatch(text(page.body), /\bAda\b/)
    hasNoIdentity(t, page.body, 'proposal')
    const reshown = await reviewer.post(`${review}/${blindOne.id}`, { score_relevant: '9', comment: 'Hmm.' })
    t.equal(reshown.statusCode, 400, 'a review with problems is re-shown')
    hasNoIdentity(t, reshown.body, 'proposal re-shown with errors')
    const csv = await reviewer.get(`${review}.csv`)
    t.equal(csv.statusCode, 200)
    t.match(csv.headers['content-type'], 'text/csv')
    hasNoIdentity(t, csv.body, 'export')
    const orgaPage = await organizer.get(dash)
    // Ada and Ben review this call too, so their names are in the reviewers' part: the proposals' part hides them.
    const proposalsPart = orgaPage.body.slice(orgaPage.body.indexOf('<h2>Proposals</h2>'), orgaPage.body.indexOf('<h2>Reviewers of this call</h2>'))
    t.match(text(proposalsPart), 'How [hidden] halved our backlog (first time) Hidden during blind review')
    hasNoIdentity(t, proposalsPart, 'dashboard')
    const orgaCsv = await organizer.get(`/c/dna/orga/calls/${call.id}/reviews.csv`)
    hasNoIdentity(t, orgaCsv.body, 'dashboard export')
  })

  await t.test('conflicts: own, co-speaker and same-agency proposals are refused and left out', async (t) => {
    for (const [m, message] of [[ada, 'your own proposal'], [ben, 'a co-speaker on'], [carl, 'from your own agency']] as const) {
      const c = await as(m)
      const list = await c.get(review)
      t.notMatch(list.body, `${review}/${blindOne.id}"`, `${m.full_name}: not listed`)
      const page = await c.get(`${review}/${blindOne.id}`)
      t.equal(page.statusCode, 403)
      t.match(text(page.body), message)
      await c.get(review)
      const post = await c.post(`${review}/${blindOne.id}`, { score_relevant: '5', score_experience: '5', score_practical: '5', score_clear: '5' })
      t.equal(post.statusCode, 403)
    }
    t.equal(Number((await db.selectFrom('reviews').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n), 0)
  })

  await t.test('organizers edit the rubric; bad weights are refused with the input kept', async (t) => {
    const bad = await organizer.post(`${dash}/settings`, {
      crit_key: ['relevant', 'experience', 'practical', 'clear', ''], crit_label: ['Relevant', 'From real experience', 'Practical', 'Clear', 'Brave'],
      crit_weight: ['2', '1', '1', '1', 'lots'], blind_review: 'yes', same_agency_conflict: 'yes', reviewers_per_proposal: '2'
    }, { csrfFrom: dash })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'Criterion 5 (“Brave”): the weight must be a whole number from 1 to 10.')
    t.match(bad.body, 'value="lots"')
    const ok = await organizer.post(`${dash}/settings`, {
      crit_key: ['relevant', 'experience', 'practical', 'clear', ''], crit_label: ['Relevant', 'From real experience', 'Practical', 'Clear', ''],
      crit_weight: ['2', '1', '1', '1', ''], blind_review: 'yes', same_agency_conflict: 'yes', reviewers_per_proposal: '2'
    }, { csrfFrom: dash })
    t.equal(ok.statusCode, 303)
    const saved = await db.selectFrom('calls').select(['rubric', 'reviewers_per_proposal']).where('id', '=', call.id).executeTakeFirstOrThrow()
    t.same(saved.rubric, [{ key: 'relevant', label: 'Relevant', weight: 2 }, { key: 'experience', label: 'From real experience', weight: 1 },
      { key: 'practical', label: 'Practical', weight: 1 }, { key: 'clear', label: 'Clear', weight: 1 }])
    t.equal(saved.reviewers_per_proposal, 2)
  })

  await t.test('a review: a score per criterion, weighted mean stored, others’ scores only after one’s own', async (t) => {
    const rayC = await as(ray)
    const url = `${review}/${second.id}`
    const form = await rayC.get(url)
    t.match(form.body, '<legend class="usa-legend">Relevant (weight 2)')
    t.match(text(form.body), 'You see the other reviewers’ scores once you have submitted yours.')
    const missing = await rayC.post(url, { score_relevant: '5', score_experience: '9', comment: 'Solid.' })
    t.equal(missing.statusCode, 400)
    t.match(text(missing.body), 'Choose a score from 1 to 5 for “From real experience”.')
    t.match(missing.body, 'Solid.</textarea>')
    t.match(missing.body, /id="score_relevant_5"[^>]*checked/)
    const ok = await rayC.post(url, { score_relevant: '5', score_experience: '2', score_practical: '4', score_clear: '3', comment: 'Solid.', note_to_speaker: 'Add numbers.' })
    t.equal(ok.statusCode, 303)
    const row = await db.selectFrom('reviews').selectAll().where('proposal_id', '=', second.id).executeTakeFirstOrThrow()
    t.equal(row.score, 3.8, '(5×2 + 2 + 4 + 3) / 5')
    t.same(row.scores, { relevant: 5, experience: 2, practical: 4, clear: 3 })

    const ritaC = await as(rita)
    const before = await ritaC.get(url)
    t.notMatch(text(before.body), 'Score 3.80', 'Rita does not see Ray’s score before reviewing')
    await ritaC.post(url, { score_relevant: '1', score_experience: '1', score_practical: '1', score_clear: '1' })
    const after = await ritaC.get(url)
    t.match(text(after.body), 'Score 3.80: Solid.')
  })

  await t.test('assign evenly balances reviewers, respects conflicts; review next goes to the fewest-reviewed', async (t) => {
    const res = await organizer.post(`${dash}/assign`, {}, { csrfFrom: dash })
    t.equal(res.statusCode, 303)
    const rows = await db.selectFrom('review_assignments').selectAll().execute()
    const byProposal = new Map<number, number[]>()
    for (const r of rows) byProposal.set(r.proposal_id, [...(byProposal.get(r.proposal_id) ?? []), r.reviewer_id])
    for (const p of [blindOne, second, third]) t.equal(byProposal.get(p.id)?.length, 2, `proposal ${p.id} has 2 reviewers`)
    t.notOk(byProposal.get(blindOne.id)!.some((id) => [ada.id, ben.id, carl.id].includes(id)), 'no conflicted reviewer on the blind one')
    t.notOk(byProposal.get(third.id)!.includes(ray.id), 'Ray is not assigned his own proposal')
    const load = new Map<number, number>()
    for (const r of rows) load.set(r.reviewer_id, (load.get(r.reviewer_id) ?? 0) + 1)
    t.ok(Math.max(...load.values()) - Math.min(...load.values()) <= 1, 'loads differ by one at most')
    const again = await organizer.post(`${dash}/assign`, {}, { csrfFrom: dash })
    t.equal(again.statusCode, 303)
    t.equal((await db.selectFrom('review_assignments').selectAll().execute()).length, rows.length, 'assigning again adds nothing')

    for (const m of [rita, ray, carl, ada, ben]) {
      const c = await as(m)
      const mine = rows.filter((r) => r.reviewer_id === m.id).map((r) => r.proposal_id)
      const next = await c.get(`${review}/next`)
      t.equal(next.statusCode, 303)
      const reviewed = (await db.selectFrom('reviews').select('proposal_id').where('reviewer_id', '=', m.id).execute()).map((r) => r.proposal_id)
      const open = mine.filter((id) => !reviewed.includes(id))
      if (!open.length) {
        t.equal(next.headers.location, review)
        continue
      }
      const target = Number(String(next.headers.location).split('/').pop())
      t.ok(open.includes(target), `${m.full_name}: next is assigned and not reviewed yet`)
      const page = await c.get(String(next.headers.location))
      t.equal(page.statusCode, 200)
      if (target === blindOne.id) hasNoIdentity(t, page.body, 'review next')
    }
  })

  await t.test('the dashboard: progress, mean and spread, sorted and filtered, formula-safe CSV', async (t) => {
    const page = await organizer.get(`${dash}?sort=spread`)
    t.equal(page.statusCode, 200)
    const body = text(page.body)
    t.match(body, 'Rita Reviewer')
    t.match(body, /Validation on a budget Hidden during blind review Lightning talk 2 2\.40 2\.80/, 'two reviews: 3.80 and 1.00')
    t.match(page.body, '<strong aria-current="true">Largest spread</strong>')
    const filtered = text((await organizer.get(`${dash}?format=lightning`)).body)
    t.match(filtered, 'Validation on a budget')
    t.notMatch(filtered, 'halved our backlog')
    const first = text((await organizer.get(`${dash}?first_time=yes`)).body)
    t.match(first, 'halved our backlog')
    t.notMatch(first, 'Validation on a budget')
    const topic = text((await organizer.get(`${dash}?topic=Validation&sort=title`)).body)
    t.notMatch(topic, 'halved our backlog')
    t.ok(topic.indexOf('=HYPERLINK') < topic.indexOf('Validation on a budget'), 'sorted by title')
    const csv = await organizer.get(`/c/dna/orga/calls/${call.id}/reviews.csv`)
    t.match(csv.body, `'=HYPERLINK`)
    t.notMatch(csv.body, /(^|,)"?=HYPERLINK/m)
    t.equal((await organizer.get(`${dash}?sort=${'x'.repeat(50)}`)).statusCode, 400)
  })

  await t.test('blind review off, or decisions released: reviewers see the speakers', async (t) => {
    await organizer.post(`${dash}/settings`, {
      crit_key: ['relevant'], crit_label: ['Relevant'], crit_weight: ['1'], same_agency_conflict: 'yes', reviewers_per_proposal: '2'
    }, { csrfFrom: dash })
    const open = await (await as(rita)).get(`${review}/${blindOne.id}`)
    t.match(text(open.body), 'Ada Lovelace, Falcon County Crime Lab; Ben Bramble, Heron State Police')
    t.match(text(open.body), 'Project Nightjar')
    // Decisions are released per proposal (its mail sent): this one's is, so its speakers show; the call is blind again.
    await db.updateTable('calls').set({ blind_review: true, decisions_released_at: new Date() }).where('id', '=', call.id).execute()
    await db.updateTable('proposals').set({ decision: 'accepted', decision_mailed_at: new Date() }).where('id', '=', blindOne.id).execute()
    const released = await (await as(rita)).get(`${review}/${blindOne.id}`)
    t.match(text(released.body), 'Ada Lovelace')
    t.match(text(released.body), 'its review is closed')
  })
})
