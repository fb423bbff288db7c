import t from 'tap'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { addMembership, createMember, createRsvp, signInAs } from '../../fixtures/factories.js'
import { buildTwoCommunities } from '../../fixtures/two-communities.js'
import { DEFAULT_FORMATS } from '../../../src/domain/proposals/templates.js'

t.test('a member downloads their own data, and nobody else’s', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const { a, b } = await buildTwoCommunities(db)
  const [ada, ben] = a.members
  await db.updateTable('members').set({ ask_me_about: 'Ada asks about quagga triage', looking_for: 'Ada looks for a zebrafish lab' }).where('id', '=', ada.id).execute()
  // Ben: distinctive strings that must not leave with Ada's data.
  await db.updateTable('members').set({ ask_me_about: 'Ben secret xylophone topic', bio: 'Ben private biography', can_help_with: 'Ben kumquat help' })
    .where('id', '=', ben.id).execute()
  // Ada going to the event with her needs, checked in; Ben too (his needs are his).
  await createRsvp(db, a.event!, ada, { accessibilityNeeds: 'Ada needs step-free access' })
  await createRsvp(db, a.event!, ben, { dietaryNeeds: 'Ben walnut allergy' })
  await db.insertInto('check_ins').values([{ event_id: a.event!.id, member_id: ada.id }, { event_id: a.event!.id, member_id: ben.id }]).execute()
  // Ben co-speaks on Ada's proposal; Ada co-speaks on Ben's; Ada reviews Ben's.
  await db.insertInto('proposal_speakers').values({ proposal_id: a.proposalId, email: ben.email, member_id: ben.id, state: 'accepted' }).execute()
  const template = await db.selectFrom('proposals').select('template_id').where('id', '=', a.proposalId).executeTakeFirstOrThrow()
  const bens = await db.insertInto('proposals').values({
    call_id: a.call.id, submitter_id: ben.id, template_id: template.template_id, title: 'Ben proposal on walrus audits',
    format: DEFAULT_FORMATS[0].key, answers: JSON.stringify({ abstract: 'Ben abstract about yak shaving' }), bio: 'Ben speaker bio vole', state: 'submitted', submitted_at: new Date()
  }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('proposal_speakers').values({ proposal_id: bens.id, email: ada.email, member_id: ada.id, state: 'accepted' }).execute()
  await db.insertInto('reviews').values({
    proposal_id: bens.id, reviewer_id: ada.id, scores: JSON.stringify({ relevance: 4 }), score: 4, comment: 'Ada review comment: strong on audits'
  }).execute()
  await db.insertInto('reviews').values({
    proposal_id: a.proposalId, reviewer_id: ben.id, scores: JSON.stringify({ relevance: 2 }), score: 2, comment: 'Ben review comment ocelot'
  }).execute()

  const sessions = await db.insertInto('agenda_sessions').values([
    { event_id: a.event!.id, title: 'Ada picked session', starts_at: a.event!.starts_at, ends_at: a.event!.ends_at },
    { event_id: a.event!.id, title: 'Ben picked session heron', starts_at: a.event!.starts_at, ends_at: a.event!.ends_at }
  ]).returning('id').execute()
  await db.insertInto('session_picks').values([{ session_id: sessions[0].id, member_id: ada.id }, { session_id: sessions[1].id, member_id: ben.id }]).execute()

  // Who met whom: Ada and Ben connected at the meetup; Cleo says she met Ada; the organizer introduced Ada to Cleo
  // (a private note); Ben and Cleo are connected (Ada's export must not show it), introduced by Ada (she sees that).
  const cleo = await createMember(db, { full_name: 'Alpha Cleo Colleague', email: 'cleo.colleague@lab.gov' })
  await addMembership(db, a.community.id, cleo.id)
  const pair = (x: number, y: number) => ({ member_a: Math.min(x, y), member_b: Math.max(x, y) })
  await db.insertInto('connections').values({ ...pair(ada.id, ben.id), event_id: a.event!.id }).execute()
  await db.insertInto('met_marks').values([
    { member_id: ada.id, met_id: ben.id, event_id: a.event!.id }, { member_id: ben.id, met_id: ada.id, event_id: a.event!.id },
    { member_id: cleo.id, met_id: ada.id, event_id: a.event!.id }
  ]).execute()
  await db.insertInto('introductions').values({ ...pair(ada.id, cleo.id), introduced_by: a.organizer.id, note: 'You both triage quaggas', community_id: a.community.id }).execute()
  const benCleo = await db.insertInto('introductions').values({ ...pair(ben.id, cleo.id), introduced_by: ada.id, note: 'Ada thinks Ben and Cleo should talk', community_id: a.community.id })
    .returning('id').executeTakeFirstOrThrow()
  await db.insertInto('connections').values({ ...pair(ben.id, cleo.id), introduction_id: benCleo.id, introduced_by: ada.id }).execute()
  await db.insertInto('introductions').values({ ...pair(ben.id, a.organizer.id), introduced_by: cleo.id, note: 'Cleo private note about narwhals', community_id: a.community.id }).execute()

  t.test('outsiders are sent to sign in', async (t) => {
    const res = await new Client(app).get('/profile/data.json')
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/sign-in?next=%2Fprofile%2Fdata.json')
  })

  t.test('the profile page links to it', async (t) => {
    const c = new Client(app)
    await signInAs(c, ada)
    const page = await c.get('/profile')
    t.match(page.body, 'href="/profile/data.json" download')
    t.match(text(page.body), 'download your data (JSON)')
  })

  t.test('a JSON download of the member’s own data', async (t) => {
    const c = new Client(app)
    await signInAs(c, ada)
    const res = await c.get('/profile/data.json')
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], 'application/json')
    t.equal(res.headers['content-disposition'], 'attachment; filename="convene-my-data.json"')
    const data = JSON.parse(res.body)
    t.equal(data.profile.email, ada.email)
    t.equal(data.profile.full_name, 'Alpha Ada Analyst')
    t.equal(data.profile.ask_me_about, 'Ada asks about quagga triage')
    t.equal(data.profile.looking_for, 'Ada looks for a zebrafish lab')
    t.equal(data.profile.visibility.email, 'connections')
    t.equal(data.profile.suggestions_opt_in, false, 'the suggestions choice')
    t.same(data.mailPreferences, { reminders: true, calendar: true, metPrompts: true })
    t.same(data.memberships.map((m: { community: string }) => m.community), ['Alpha Analysts Community'])
    t.equal(data.rsvps.length, 1)
    t.equal(data.rsvps[0].event, 'Alpha kit validation meetup')
    t.equal(data.rsvps[0].accessibility_needs, 'Ada needs step-free access')
    t.equal(data.checkIns.length, 1)
    t.equal(data.proposals.length, 1)
    t.equal(data.proposals[0].title, 'Alpha proposal on triage')
    t.equal(data.proposals[0].bio, 'Alpha speaker bio')
    t.same(data.proposals[0].coSpeakers, [
      { name: 'Invited by email (not a member yet)', state: 'invited' },
      { name: 'Alpha Ben Bench', state: 'accepted' }
    ], 'co-speakers by name only')
    t.same(data.coSpeaking.map((p: { title: string, submitted_by: string }) => [p.title, p.submitted_by]), [['Ben proposal on walrus audits', 'Alpha Ben Bench']])
    t.same(data.reviewsWritten.map((r: { comment: string }) => r.comment), ['Ada review comment: strong on audits'])
    t.same(data.agendaPicks.map((p: { session: string }) => p.session), ['Ada picked session'])
    t.equal(data.activeSessions, 2, 'Ada signed in twice in this file')
    t.notOk('search_doc' in data.profile, 'no internal search document')
    t.same(data.connections.map((c: { with: string, metAt: string | null }) => [c.with, c.metAt]), [['Alpha Ben Bench', 'Alpha kit validation meetup']],
      'her connection, by name and where they met; not Ben and Cleo’s')
    t.same(data.metNotes.made.map((m: { met: string }) => m.met), ['Alpha Ben Bench'])
    t.same(data.metNotes.about.map((m: { by: string }) => m.by), ['Alpha Ben Bench', cleo.full_name], 'who says they met her, by name')
    t.same(data.introductions.map((n: { note: string }) => n.note), ['You both triage quaggas', 'Ada thinks Ben and Cleo should talk'],
      'introductions of her and by her; not one she is no part of')

    for (const foreign of [
      ben.email, 'cleo.alpha@lab.gov', a.organizer.email, 'Ben secret xylophone topic', 'Ben private biography', 'Ben kumquat help',
      'Ben walnut allergy', 'Ben abstract about yak shaving', 'Ben speaker bio vole', 'Ben review comment ocelot', 'Ben picked session heron', 'Alpha coaching note', 'Cleo private note about narwhals', 'cleo.colleague@lab.gov',
      ...b.secrets
    ]) {
      t.notMatch(res.body, foreign, `nothing of others: ${foreign}`)
    }
  })
})
