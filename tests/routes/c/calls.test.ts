import t from 'tap'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, signInAs } from '../../fixtures/factories.js'
import { createCall, ensureTemplates } from '../../../src/domain/proposals/calls.service.js'
import { DEFAULT_FORMATS } from '../../../src/domain/proposals/templates.js'
import type { Member } from '../../../src/db/database.js'

const DAY = 86_400_000
const x = (n: number, c = 'x') => c.repeat(n)

t.test('members propose talks to an open call', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer' })
  const ada = await createMember(db, { full_name: 'Ada Analyst' })
  const ben = await createMember(db, { full_name: 'Ben Bench' })
  const stranger = await createMember(db, { full_name: 'Sam Stranger' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada, ben] })
  const other = await createCommunity(db, { slug: 'records', name: 'Records', organizer: stranger })
  const conference = await createEvent(db, community, { title: 'Regional conference' })
  const templates = await ensureTemplates(db, community.id)
  const experience = templates.find((tpl) => tpl.name === 'Experience report')!
  const howTo = templates.find((tpl) => tpl.name === 'How-to / demo')!
  const now = Date.now()
  const call = await createCall(db, community.id, {
    target: { kind: 'event', id: conference.id, timeZone: 'America/New_York' }, title: 'Talks for the regional conference',
    lookingFor: 'Experience reports from labs that cut their backlog.', opensAt: new Date(now - DAY), closesAt: new Date(now + 30 * DAY),
    formats: DEFAULT_FORMATS, topics: ['Backlog reduction'], templateIds: [experience.id, howTo.id], maxPerPerson: 2, blindReview: true
  }, orga.id)
  const as = async (m: Member | null) => {
    const c = new Client(app)
    if (m) await signInAs(c, m)
    return c
  }
  const member = await as(ada)
  const callUrl = `/c/dna/calls/${call.id}`
  const full = (over: Record<string, string> = {}) => ({
    template_id: String(experience.id), title: 'How we halved our backlog', format: 'talk', topic: 'Backlog reduction',
    answer_problem: x(150, 'p'), answer_tried: x(150, 't'), answer_happened: x(150, 'h'), answer_reuse: x(80, 'r'), answer_why: x(60, 'w'), answer_pitch: x(80, 'e'),
    bio: 'Lab director in the state crime lab.', affiliation: 'government', affiliation_note: '', pledge: 'yes', intent: 'submit',
    ...over
  })

  await t.test('the community page and the event page show the open call; its page says what it looks for', async (t) => {
    const home = text((await member.get('/c/dna')).body)
    t.match(home, 'Calls for proposals Talks for the regional conference for Regional conference; closes')
    const event = await member.get(`/c/dna/events/${conference.id}`)
    t.match(text(event.body), 'Call for proposals Open until')
    t.match(event.body, `href="${callUrl}"`)
    const page = text((await member.get(callUrl)).body)
    t.match(page, 'Open for proposals until')
    t.match(page, 'What we’re looking for Experience reports from labs that cut their backlog.')
    t.match(page, 'Lightning talk, 5 minutes')
    t.match(page, 'Propose a talk')
  })

  await t.test('outsiders see nothing: the call, the propose form and my proposals are 404', async (t) => {
    for (const who of [await as(stranger), await as(null)]) {
      t.equal((await who.get(callUrl)).statusCode, 404)
      t.equal((await who.get(`${callUrl}/propose`)).statusCode, 404)
      t.equal((await who.get('/c/dna/calls/mine')).statusCode, 404)
    }
    // The call's id under another community is not found either.
    t.equal((await (await as(stranger)).get(`/c/records/calls/${call.id}`)).statusCode, 404)
    t.ok(other)
  })

  await t.test('with several templates the member chooses one; each field shows guidance, example and limits', async (t) => {
    const choose = await member.get(`${callUrl}/propose`)
    t.match(text(choose.body), 'Write an experience report')
    const form = await member.get(`${callUrl}/propose?template=${experience.id}`)
    t.equal(form.statusCode, 200)
    const body = text(form.body)
    t.match(body, 'The problem you faced')
    t.match(body, 'Describe the situation as it was')
    t.match(body, 'Example: In 2025 our sexual-assault kit backlog passed 1,400 cases')
    t.match(form.body, /<span class="usa-hint" id="answer_problem-limits"[^>]*>Between 100 and 1,200 characters<\/span>/)
    t.match(body, 'I speak from my own work; this is not a sales pitch')
    t.match(body, 'First time speaking')
  })

  await t.test('submitting checks every field’s length and the pledge; the form comes back with everything kept', async (t) => {
    const res = await member.post(`${callUrl}/propose`, full({ answer_problem: 'Too short.', answer_pitch: x(301, 'e'), pledge: '', title: 'Kept <b>title</b>', first_time: 'yes' }), { csrfFrom: `${callUrl}/propose?template=${experience.id}` })
    t.equal(res.statusCode, 400)
    const body = text(res.body)
    t.match(body, 'The problem you faced: 10 characters; write at least 100.')
    t.match(body, 'Elevator pitch: 301 characters; shorten it to 300 or fewer.')
    t.match(body, 'Tick “I speak from my own work; this is not a sales pitch” to submit.')
    t.match(res.body, 'value="Kept &lt;b&gt;title&lt;/b&gt;"')
    t.match(res.body, '>Too short.</textarea>')
    t.match(res.body, `>${x(150, 't')}</textarea>`)
    t.match(res.body, /id="first_time" type="checkbox" name="first_time" value="yes" checked/)
    t.equal((await db.selectFrom('proposals').select('id').execute()).length, 0, 'nothing saved')
  })

  await t.test('a draft saves half-written (only maxima checked); the speaker sees it in My proposals', async (t) => {
    const tooLong = await member.post(`${callUrl}/propose`, full({ intent: 'draft', answer_problem: x(1201), pledge: '' }))
    t.equal(tooLong.statusCode, 400)
    t.match(text(tooLong.body), 'The problem you faced: 1201 characters; shorten it to 1200 or fewer.')
    const res = await member.post(`${callUrl}/propose`, full({ intent: 'draft', answer_problem: 'Just a start.', answer_tried: '', pledge: '', bio: '' }))
    t.equal(res.statusCode, 303)
    const draft = await db.selectFrom('proposals').selectAll().executeTakeFirstOrThrow()
    t.equal(draft.state, 'draft')
    t.equal(draft.answers.problem, 'Just a start.')
    t.equal(res.headers.location, `${callUrl}/proposals/${draft.id}`)
    const mine = text((await member.get('/c/dna/calls/mine')).body)
    t.match(mine, 'How we halved our backlog Talks for the regional conference Draft (not submitted)')
  })

  const draft = await db.selectFrom('proposals').selectAll().where('submitter_id', '=', ada.id).executeTakeFirstOrThrow()
  const draftUrl = `${callUrl}/proposals/${draft.id}`

  await t.test('the draft is edited and submitted', async (t) => {
    const edit = await member.get(`${draftUrl}/edit`)
    t.equal(edit.statusCode, 200)
    t.match(edit.body, '>Just a start.</textarea>')
    const res = await member.post(`${draftUrl}/edit`, full())
    t.equal(res.statusCode, 303)
    const shown = await member.get(draftUrl)
    const page = text(shown.body)
    t.match(page, 'Proposal submitted.')
    t.match(page, 'State: Submitted')
    t.match(page, 'Taken: “I speak from my own work; this is not a sales pitch”')
    // What speakers write is shown as text: markup stays inert.
    const hostile = '<img src=x onerror=alert(1)>'
    await member.post(`${draftUrl}/edit`, full({ title: `Title ${hostile}`, bio: `Bio ${hostile}`, answer_reuse: `${'r'.repeat(70)} ${hostile}` }), { csrfFrom: `${draftUrl}/edit` })
    const escaped = await member.get(draftUrl)
    t.notMatch(escaped.body, '<img src=x')
    t.match(escaped.body, 'Title &lt;img src=x onerror=alert(1)&gt;')
    t.match(escaped.body, 'Bio &lt;img src=x onerror=alert(1)&gt;')
    await member.post(`${draftUrl}/edit`, full(), { csrfFrom: `${draftUrl}/edit` })
  })

  await t.test('the cap per person counts drafts and submitted proposals, and names the cap', async (t) => {
    t.equal((await member.post(`${callUrl}/propose`, full({ intent: 'draft', title: 'Second' }))).statusCode, 303)
    const third = await member.post(`${callUrl}/propose`, full({ title: 'Third' }))
    t.equal(third.statusCode, 400)
    t.match(text(third.body), 'This call takes at most 2 proposals per person, drafts included, and you have 2.')
    t.match(third.body, 'value="Third"', 'input kept')
  })

  await t.test('speakers see only their own proposals; organizers see all; other members get 404', async (t) => {
    t.equal((await (await as(ben)).get(draftUrl)).statusCode, 404)
    t.equal((await (await as(ben)).get(`${draftUrl}/edit`)).statusCode, 404)
    t.equal((await (await as(ben)).post(`${draftUrl}/withdraw`, { reason: 'mine now' }, { csrfFrom: '/c/dna' })).statusCode, 404)
    t.equal((await (await as(stranger)).get(draftUrl)).statusCode, 404)
    t.equal((await (await as(stranger)).get(`/c/records/calls/${call.id}/proposals/${draft.id}`)).statusCode, 404)
    const organizer = await as(orga)
    const seen = await organizer.get(draftUrl)
    t.equal(seen.statusCode, 200)
    t.match(text(seen.body), 'Ada Analyst')
    t.notMatch(text(seen.body), 'Edit the proposal', 'organizers read, the speaker writes')
    t.equal((await organizer.get(`${draftUrl}/edit`)).statusCode, 404)
    const orgaPage = text((await organizer.get(`/c/dna/orga/calls/${call.id}`)).body)
    t.match(orgaPage, 'How we halved our backlog Ada Analyst')
  })

  await t.test('withdrawing needs a reason; a withdrawn proposal no longer counts against the cap', async (t) => {
    const none = await member.post(`${draftUrl}/withdraw`, { reason: '' }, { csrfFrom: draftUrl })
    t.equal(none.statusCode, 400)
    t.match(text(none.body), 'Say why you withdraw the proposal (the organizers read it).')
    const res = await member.post(`${draftUrl}/withdraw`, { reason: 'My director wants me to wait a year.' })
    t.equal(res.statusCode, 303)
    const page = text((await member.get(draftUrl)).body)
    t.match(page, 'State: Withdrawn')
    t.match(page, 'Reason given: My director wants me to wait a year.')
    t.equal((await member.get(`${draftUrl}/edit`)).statusCode, 409)
    t.equal((await member.post(`${callUrl}/propose`, full({ title: 'Third, now allowed' }), { csrfFrom: callUrl })).statusCode, 303)
  })

  await t.test('after the call closes, proposals cannot be written or edited', async (t) => {
    const open = await db.selectFrom('proposals').select('id').where('title', '=', 'Second').executeTakeFirstOrThrow()
    await db.updateTable('calls').set({ closes_at: new Date(Date.now() - 1000), opens_at: new Date(Date.now() - DAY) }).where('id', '=', call.id).execute()
    const url = `${callUrl}/proposals/${open.id}`
    const page = await member.get(url)
    t.match(text(page.body), 'This call closed on')
    t.notMatch(text(page.body), 'Edit the proposal')
    const edit = await member.post(`${url}/edit`, full({ title: 'Late change' }), { csrfFrom: url })
    t.equal(edit.statusCode, 409)
    t.match(text(edit.body), 'proposals can no longer be written or changed')
    t.equal((await member.post(`${callUrl}/propose`, full())).statusCode, 409)
    const after = await db.selectFrom('proposals').select('title').where('id', '=', open.id).executeTakeFirstOrThrow()
    t.equal(after.title, 'Second', 'unchanged')
    t.notMatch(text((await member.get('/c/dna')).body), 'Talks for the regional conference for', 'no longer listed as open')
  })

  await t.test('a call not open yet is the organizers’ only', async (t) => {
    await db.updateTable('calls').set({ opens_at: new Date(Date.now() + DAY), closes_at: new Date(Date.now() + 2 * DAY) }).where('id', '=', call.id).execute()
    t.equal((await member.get(callUrl)).statusCode, 404)
    t.equal((await (await as(orga)).get(callUrl)).statusCode, 200)
  })
})
