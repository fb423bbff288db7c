import t from 'tap'
import { sql, type Kysely } from 'kysely'
import type { Database, Member } from '../../src/db/database.js'
import { DEFAULT_VISIBILITY, type Visibility } from '../../src/domain/members/visibility.js'
import { pairOf } from '../../src/domain/connections/connections.repository.js'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, createRsvp, signInAs } from '../fixtures/factories.js'
import { DAY } from '../fixtures/events.js'

// "People you haven't met yet" on the directory and on upcoming event pages: opt-in on both sides, only from
// what members show to members, never the viewer, their connections, removed pairs, suspended members or
// members of communities the viewer is not in; each suggestion says why. Orders are exact on both databases.

type Fields = Partial<Pick<Member, 'expertise' | 'region' | 'can_help_with' | 'looking_for' | 'suggestions_opt_in'>>

async function set (db: Kysely<Database>, m: Member, fields: Fields, visibility: Partial<Visibility> = {}) {
  await db.updateTable('members').set({ suggestions_opt_in: true, ...fields, visibility: JSON.stringify({ ...DEFAULT_VISIBILITY, ...visibility }) })
    .where('id', '=', m.id).execute()
}

/** The suggestions section: each suggested member's id and the line that says why, in order. */
function suggested (html: string): Array<{ id: number, why: string }> {
  const section = /<section[^>]*id="people-you-havent-met"[\s\S]*?<\/section>/.exec(html)?.[0] ?? ''
  return [...section.matchAll(/<a class="usa-link text-bold" href="\/members\/(\d+)">[\s\S]*?<span class="convene-muted">([^<]*)<\/span>/g)]
    .map((m) => ({ id: Number(m[1]), why: text(m[2]) }))
}

t.test('people you haven’t met yet', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const vera = await createMember(db, { full_name: 'Vera Viewer', region: 'Richmond, Virginia' })
  const ana = await createMember(db, { full_name: 'Ana Expert', agency: 'Ohio BCI' })
  const ben = await createMember(db, { full_name: 'Ben Neighbor', region: 'Richmond, Virginia' })
  const cara = await createMember(db, { full_name: 'Cara Helper' })
  const dan = await createMember(db, { full_name: 'Dan Discreet', region: 'Virginia' })
  const eve = await createMember(db, { full_name: 'Eve Optout' })
  const finn = await createMember(db, { full_name: 'Finn Friend' })
  const gil = await createMember(db, { full_name: 'Gil Gone' })
  const hal = await createMember(db, { full_name: 'Hal Goer' })
  const rita = await createMember(db, { full_name: 'Rita Records' })
  const sam = await createMember(db, { full_name: 'Sam Suspended' })
  const xavier = await createMember(db, { full_name: 'Xavier Outside' })
  await set(db, vera, { expertise: ['STR mixture analysis', 'CODIS'], looking_for: 'Validation of probabilistic genotyping software' })
  await set(db, ana, { expertise: ['STR Mixture Analysis', 'Serology'] })
  await set(db, ben, {})
  await set(db, cara, { can_help_with: 'Validation studies for genotyping software' })
  // Shares CODIS, but shows expertise only to connections: no reason from it (the region is the reason).
  await set(db, dan, { expertise: ['CODIS'] }, { expertise: 'connections' })
  await set(db, eve, { expertise: ['CODIS'], suggestions_opt_in: false })
  await set(db, finn, { expertise: ['CODIS'] })
  await set(db, gil, { expertise: ['CODIS'] })
  await set(db, hal, {})
  await set(db, rita, { expertise: ['codis'] })
  await set(db, sam, { expertise: ['CODIS'] })
  await set(db, xavier, { expertise: ['CODIS'] })
  const dna = await createCommunity(db, { slug: 'dna', name: 'Forensic DNA Analysts', organizer: vera, members: [ana, ben, cara, dan, eve, finn, gil, hal, sam] })
  await createCommunity(db, { slug: 'records', name: 'Records Managers', members: [vera, rita] })
  await createCommunity(db, { slug: 'other', name: 'Other Network', members: [xavier] })
  await db.insertInto('requirements').values({ community_id: dna.id, name: 'FBI QAS' }).execute()
  await db.updateTable('memberships').set({ suspended_at: new Date() }).where('member_id', '=', sam.id).execute()
  await db.insertInto('connections').values({ ...pairOf(vera.id, finn.id) }).execute()
  await db.insertInto('connection_removals').values({ ...pairOf(vera.id, gil.id), removed_by: gil.id }).execute()
  const meetup = await createEvent(db, dna, { title: 'Triangle meetup' })
  for (const m of [vera, ana, hal, eve, finn]) await createRsvp(db, meetup, m)
  await createRsvp(db, meetup, ben, { listed: false })
  await createRsvp(db, meetup, cara, { status: 'maybe' })

  const asVera = new Client(app)
  await signInAs(asVera, vera)

  t.test('the directory: the opted-in members who share something, best first, each saying why', async (t) => {
    const res = await asVera.get('/members')
    t.equal(res.statusCode, 200)
    t.match(text(res.body), 'People you haven’t met yet')
    const list = suggested(res.body)
    t.same(list.map((s) => s.id), [ana.id, cara.id, hal.id, ben.id, rita.id, dan.id])
    const why = Object.fromEntries(list.map((s) => [s.id, s.why]))
    t.equal(why[ana.id], 'Also going to Triangle meetup; also works on STR Mixture Analysis; also works to FBI QAS.')
    t.equal(why[cara.id], 'Can help with what you’re looking for (validation, genotyping and software); also works to FBI QAS.')
    t.equal(why[hal.id], 'Also going to Triangle meetup; also works to FBI QAS.')
    t.equal(why[ben.id], 'Also in Richmond, Virginia; also works to FBI QAS.', 'not listed as going: the event is no reason')
    t.equal(why[rita.id], 'Also works on codis.')
    t.equal(why[dan.id], 'Also in Virginia; also works to FBI QAS.', 'expertise shown only to connections gives no reason')
    for (const m of [vera, eve, finn, gil, sam, xavier]) t.notOk(list.some((s) => s.id === m.id), `never ${m.full_name}`)
  })

  t.test('a community’s directory suggests only its members', async (t) => {
    const list = suggested((await asVera.get('/c/dna/members')).body)
    t.same(list.map((s) => s.id), [ana.id, cara.id, hal.id, ben.id, dan.id])
  })

  t.test('not above a search’s results, nor past the first page', async (t) => {
    t.same(suggested((await asVera.get('/members?q=ana')).body), [])
    t.notMatch(text((await asVera.get('/members?q=ana')).body), 'People you haven’t met yet')
  })

  t.test('without opting in: no suggestions, a short explanation and where to turn them on; and not suggested', async (t) => {
    const asAna = new Client(app)
    await signInAs(asAna, eve)
    const res = await asAna.get('/members')
    t.equal(res.statusCode, 200)
    t.match(text(res.body), 'Only members who turn this on see suggestions or are suggested')
    t.match(res.body, 'href="/profile#suggestions"')
    t.same(suggested(res.body), [])
    // Ana sees Vera (both opted in), never Eve.
    const asAnaReally = new Client(app)
    await signInAs(asAnaReally, ana)
    const anas = suggested((await asAnaReally.get('/members')).body).map((s) => s.id)
    t.ok(anas.includes(vera.id), 'Vera is suggested to Ana')
    t.notOk(anas.includes(eve.id), 'Eve (not opted in) is not')
  })

  t.test('the event page: among the others going, with a reason besides being there', async (t) => {
    const res = await asVera.get(`/c/dna/events/${meetup.id}`)
    t.equal(res.statusCode, 200)
    const list = suggested(res.body)
    // Hal is going but shares nothing else; Ben is not listed; Cara answered maybe; Eve did not opt in; Finn is a connection.
    t.same(list, [{ id: ana.id, why: 'Also works on STR Mixture Analysis; also works to FBI QAS.' }])
    t.match(text(res.body), 'Among the others going')
  })

  t.test('not for a member who is not going, nor on a past event', async (t) => {
    const asCara = new Client(app)
    await signInAs(asCara, cara)
    t.notMatch(text((await asCara.get(`/c/dna/events/${meetup.id}`)).body), 'People you haven’t met yet')
    const past = await createEvent(db, dna, { title: 'Last year’s meetup' })
    await db.updateTable('events').set({ starts_at: new Date(Date.now() - 30 * DAY), ends_at: new Date(Date.now() - 30 * DAY + 7200_000) }).where('id', '=', past.id).execute()
    for (const m of [vera, ana]) await createRsvp(db, past, m)
    t.notMatch(text((await asVera.get(`/c/dna/events/${past.id}`)).body), 'People you haven’t met yet')
  })

  t.test('the opt-in checkbox is saved and shown again', async (t) => {
    const asEve = new Client(app)
    await signInAs(asEve, eve)
    t.notMatch((await asEve.get('/profile')).body, /name="suggestions" value="yes" checked/)
    const on = await asEve.post('/profile', { full_name: 'Eve Optout', agency: 'Lab', suggestions: 'yes' }, { csrfFrom: '/profile' })
    t.equal(on.statusCode, 303)
    t.match((await asEve.get('/profile')).body, /name="suggestions" value="yes" checked/)
    const row = await db.selectFrom('members').select('suggestions_opt_in').where('id', '=', eve.id).executeTakeFirstOrThrow()
    t.equal(row.suggestions_opt_in, true)
    // Now Eve (CODIS) is suggested to Vera.
    t.ok(suggested((await asVera.get('/members')).body).length === 6, 'still six at most')
    const bad = await asEve.post('/profile', { full_name: '', agency: 'Lab', suggestions: 'yes' }, { csrfFrom: '/profile' })
    t.equal(bad.statusCode, 400)
    t.match(bad.body, /name="suggestions" value="yes" checked/, 'kept on a form with errors')
    const off = await asEve.post('/profile', { full_name: 'Eve Optout', agency: 'Lab' }, { csrfFrom: '/profile' })
    t.equal(off.statusCode, 303)
    t.notMatch((await asEve.get('/profile')).body, /name="suggestions" value="yes" checked/)
    t.notOk(suggested((await asVera.get('/members')).body).some((s) => s.id === eve.id), 'no longer suggested')
  })
})

t.test('a large event: the members scored are the most promising of those going, not the first 200', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const vera = await createMember(db, { full_name: 'Vera Viewer' })
  const olive = await createMember(db, { full_name: 'Olive Organizer' })
  const dna = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: olive, members: [vera] })
  const conference = await createEvent(db, dna, { title: 'Annual conference', capacity: null })
  await set(db, vera, { expertise: ['Rapid DNA'] })
  // 230 opted-in members going who share nothing with Vera (lower ids), then one who works on Rapid DNA.
  await sql`insert into members (email, full_name, agency, suggestions_opt_in, email_verified_at)
    select 'goer' || g || '@lab.gov', 'Goer ' || g, 'Lab', true, now() from generate_series(1, 230) g`.execute(db)
  const rapid = await createMember(db, { full_name: 'Rita Rapid' })
  await set(db, rapid, { expertise: ['Rapid DNA'] })
  const goers = await db.selectFrom('members').select('id').where((eb) => eb.or([eb('email', 'like', 'goer%'), eb('id', '=', rapid.id)])).execute()
  await db.insertInto('memberships').values(goers.map((g) => ({ community_id: dna.id, member_id: g.id, norms_accepted_at: new Date() }))).execute()
  await db.insertInto('rsvps').values([vera, ...goers].map((g) => ({ event_id: conference.id, member_id: g.id, status: 'going' as const }))).execute()
  const asVera = new Client(app)
  await signInAs(asVera, vera)
  const list = suggested((await asVera.get(`/c/dna/events/${conference.id}`)).body)
  t.same(list, [{ id: rapid.id, why: 'Also works on Rapid DNA.' }], 'Rita, past the first 200 going, is found')
})

t.test('the other way round: members looking for what you can help with', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const olive = await createMember(db, { full_name: 'Olive Organizer' })
  const vera = await createMember(db, { full_name: 'Vera Viewer' })
  const lou = await createMember(db, { full_name: 'Lou Looking', agency: 'Texas DPS' })
  const hidden = await createMember(db, { full_name: 'Hana Hidden' })
  const mo = await createMember(db, { full_name: 'Mo Mismatch' })
  const dna = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: olive, members: [vera, lou, hidden, mo] })
  await set(db, vera, { can_help_with: 'Courtroom testimony coaching' })
  await db.updateTable('members').set({ ask_me_about: 'Kinship analysis' }).where('id', '=', vera.id).execute()
  await set(db, lou, { looking_for: 'Someone to rehearse courtroom testimony with, and kinship cases' })
  // The same words, but "I'm looking for" shown only to connections: not a reason, not a candidate.
  await set(db, hidden, { looking_for: 'Courtroom testimony practice' }, { looking_for: 'connections' })
  await set(db, mo, { looking_for: 'Serology reagents' })
  const asVera = new Client(app)
  await signInAs(asVera, vera)
  const directory = suggested((await asVera.get('/members')).body)
  t.same(directory, [{ id: lou.id, why: 'Looking for what you can help with (courtroom, testimony and kinship).' }],
    'Lou, whose looking-for holds words of Vera\'s can-help-with and ask-me-about; not Hana (hidden field), not Mo')
  const meetup = await createEvent(db, dna, { title: 'Triangle meetup' })
  for (const m of [vera, lou, hidden, mo]) await createRsvp(db, meetup, m)
  const onEvent = suggested((await asVera.get(`/c/dna/events/${meetup.id}`)).body)
  t.same(onEvent, [{ id: lou.id, why: 'Looking for what you can help with (courtroom, testimony and kinship).' }], 'on the event page too')
})
