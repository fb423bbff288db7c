import t from 'tap'
import { sql, type Kysely } from 'kysely'
import type { Database, Member } from '../../src/db/database.js'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'
import { INTRODUCTIONS_PER_DAY } from '../../src/domain/connections/introductions.service.js'

// Introductions (issue 13): a member introduces two members who each share a community with them, with a note;
// both are mailed (no addresses in the mail); each accepts or declines on /profile/introductions; only when both
// accept are they connected ("introduced by") and each sees the other's email address.

async function mailTo (db: Kysely<Database>, m: Member) {
  return db.selectFrom('mail_messages').select(['kind', 'subject', 'text_body', 'html_body']).where('member_id', '=', m.id).orderBy('id').execute()
}

t.test('introductions', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const olive = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@lab.gov' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', agency: 'Virginia DFS', email: 'ada@dfs.virginia.gov' })
  const ben = await createMember(db, { full_name: 'Ben Bench', agency: 'Ohio BCI', email: 'ben@bci.ohio.gov' })
  const cleo = await createMember(db, { full_name: 'Cleo Chemist', agency: 'Texas DPS', email: 'cleo@dps.texas.gov' })
  const xena = await createMember(db, { full_name: 'Xena Elsewhere', email: 'xena@else.gov' })
  await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: olive, members: [ada, ben, cleo] })
  await createCommunity(db, { slug: 'other', name: 'Other Network', members: [xena] })
  const client = async (m: Member) => { const c = new Client(app); await signInAs(c, m); return c }
  const asOlive = await client(olive)
  const asAda = await client(ada)
  const asBen = await client(ben)
  const asXena = await client(xena)
  const note = 'You both run CODIS audits.\nAda wrote the checklist Ben asked about.'

  await t.test('the member page links to the form; the form searches members of shared communities only', async (t) => {
    const page = await asOlive.get(`/members/${ada.id}`)
    t.match(text(page.body), 'Introduce Ada Analyst to someone')
    t.ok(page.body.includes(`href="/members/${ada.id}/introduce"`))
    const form = await asOlive.get(`/members/${ada.id}/introduce`)
    t.equal(form.statusCode, 200)
    t.match(text(form.body), 'Search by name above')
    t.notMatch(form.body, 'Ben Bench', 'nobody listed before a search')
    const found = await asOlive.get(`/members/${ada.id}/introduce?q=ben`)
    t.match(text(found.body), 'Ben Bench (Ohio BCI)')
    t.ok(found.body.includes(`name="other_id" value="${ben.id}"`))
    const xenaSearch = await asOlive.get(`/members/${ada.id}/introduce?q=xena`)
    t.notMatch(xenaSearch.body, 'Xena', 'a member of no shared community is not found')
    t.match(text(xenaSearch.body), 'No member of your communities matches “xena”')
    const self = await asOlive.get(`/members/${ada.id}/introduce?q=ada`)
    t.notOk(self.body.includes(`name="other_id" value="${ada.id}"`), 'not the member being introduced')
  })

  await t.test('outsiders and members of another community get 404', async (t) => {
    t.equal((await asXena.get(`/members/${ada.id}/introduce`)).statusCode, 404)
    t.equal((await asXena.post(`/members/${ada.id}/introduce`, { other_id: String(ben.id), note, q: '' }, { csrfFrom: '/profile' })).statusCode, 404)
    const out = await new Client(app).get(`/members/${ada.id}/introduce`)
    t.equal(out.statusCode, 303, 'signed out: sign in first')
    t.match(String(out.headers.location), /^\/sign-in\?next=/)
    t.equal(await db.selectFrom('introductions').select('id').executeTakeFirst(), undefined)
  })

  await t.test('a site admin outside the community sees the member page but no way to introduce them', async (t) => {
    const admin = await createMember(db, { full_name: 'Sam Siteadmin', is_admin: true })
    const asAdmin = await client(admin)
    const page = await asAdmin.get(`/members/${ada.id}`)
    t.equal(page.statusCode, 200, 'admins see every member page')
    t.notMatch(text(page.body), 'Introduce Ada Analyst', 'no link to a form that would be a 404')
    t.equal((await asAdmin.get(`/members/${ada.id}/introduce`)).statusCode, 404)
    t.match(text((await asXena.get(`/members/${xena.id}`)).body), 'Xena Elsewhere')
    t.notMatch(text((await asXena.get(`/members/${xena.id}`)).body), 'Introduce Xena', 'nor on one\'s own page')
  })

  await t.test('mistakes re-show the form with a 400, the message naming the field, the input kept', async (t) => {
    await asOlive.get(`/members/${ada.id}/introduce?q=ben`)
    const cases: Array<[string, Record<string, string>, string]> = [
      ['no note', { other_id: String(ben.id), note: '  ', q: 'ben' }, 'Enter the note'],
      ['a note too long', { other_id: String(ben.id), note: 'x'.repeat(501), q: 'ben' }, 'The note must be 500 characters or fewer'],
      ['nobody chosen', { other_id: '', note, q: 'ben' }, 'Choose the member to introduce Ada Analyst to'],
      ['the same person', { other_id: String(ada.id), note, q: 'ben' }, 'Choose someone other than Ada Analyst'],
      ['the introducer themself', { other_id: String(olive.id), note, q: 'ben' }, 'You cannot introduce yourself'],
      ['a member of no shared community', { other_id: String(xena.id), note, q: 'ben' }, 'Choose a member of a community you share']
    ]
    for (const [what, fields, message] of cases) {
      const res = await asOlive.post(`/members/${ada.id}/introduce`, fields)
      t.equal(res.statusCode, 400, what)
      t.match(text(res.body), message, what)
      if (fields.note.trim() && fields.note.length <= 500) t.ok(res.body.includes('You both run CODIS audits.\nAda wrote'), `${what}: the note kept`)
      if (what === 'a note too long') t.ok(res.body.includes('x'.repeat(501)), 'the long note kept, not cut')
      t.ok(res.body.includes(`name="other_id" value="${ben.id}"`), `${what}: the search results kept`)
    }
    t.notMatch((await asOlive.post(`/members/${ada.id}/introduce`, { other_id: String(xena.id), note, q: '' })).body, 'Xena', 'the outsider is not named')
    // A member may not introduce themself to someone (a cold message).
    const own = await asAda.post(`/members/${ada.id}/introduce`, { other_id: String(ben.id), note, q: '' }, { csrfFrom: `/members/${ben.id}` })
    t.equal(own.statusCode, 404)
    t.equal(await db.selectFrom('introductions').select('id').executeTakeFirst(), undefined, 'nothing made')
  })

  let introId = 0
  await t.test('introducing: both get a mail with the note and no addresses; the email stays hidden', async (t) => {
    const res = await asOlive.post(`/members/${ada.id}/introduce`, { other_id: String(ben.id), note, q: 'ben' })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/profile/introductions')
    const made = await asOlive.get('/profile/introductions')
    t.match(text(made.body), 'You introduced Ada Analyst and Ben Bench')
    t.match(text(made.body), 'Ada Analyst and Ben Bench')
    t.match(text(made.body), 'Waiting for their answers')
    introId = (await db.selectFrom('introductions').select('id').executeTakeFirstOrThrow()).id
    for (const [to, other, agency] of [[ada, ben, 'Ohio BCI'], [ben, ada, 'Virginia DFS']] as const) {
      const mails = await mailTo(db, to)
      t.equal(mails.length, 1, `${to.full_name}: one mail`)
      const m = mails[0]
      t.equal(m.kind, 'introduction')
      t.equal(m.subject, `Olive Organizer introduced you to ${other.full_name}`)
      t.match(m.text_body, `thinks you should meet ${other.full_name} (${agency})`)
      t.match(m.text_body, note)
      t.match(m.text_body, 'http://convene.test/profile/introductions')
      t.notMatch(m.text_body + m.html_body, /@/, 'no email address in the mail')
    }
    // Not yet: Ada's page and the introductions page do not show Ben's address.
    t.notMatch((await asAda.get(`/members/${ben.id}`)).body, 'ben@bci.ohio.gov')
    const page = await asAda.get('/profile/introductions')
    t.match(text(page.body), 'Ben Bench (Ohio BCI)')
    t.match(text(page.body), 'Olive Organizer introduced you')
    t.match(text(page.body), 'Waiting for your answer')
    t.notMatch(page.body, 'ben@bci.ohio.gov')
  })

  await t.test('an open introduction or an existing connection is refused, naming it', async (t) => {
    await asOlive.get(`/members/${ada.id}/introduce?q=ben`)
    const again = await asOlive.post(`/members/${ada.id}/introduce`, { other_id: String(ben.id), note, q: 'ben' })
    t.equal(again.statusCode, 400)
    t.match(text(again.body), 'Ada Analyst and Ben Bench already have an introduction waiting for an answer')
  })

  await t.test('someone else cannot answer it; accepting by one waits for the other; both → connected', async (t) => {
    await asXena.get('/profile/introductions')
    t.equal((await asXena.post(`/profile/introductions/${introId}/accept`)).statusCode, 404)
    await asOlive.get('/profile/introductions')
    t.equal((await asOlive.post(`/profile/introductions/${introId}/accept`)).statusCode, 404, 'the introducer does not answer for them')
    await asAda.get('/profile/introductions')
    const first = await asAda.post(`/profile/introductions/${introId}/accept`)
    t.equal(first.statusCode, 303)
    let page = await asAda.get('/profile/introductions')
    t.match(text(page.body), 'You accepted. When Ben Bench accepts too')
    t.match(text(page.body), 'You accepted; waiting for their answer')
    t.notMatch(page.body, 'ben@bci.ohio.gov', 'one acceptance: still hidden')
    t.equal(await db.selectFrom('connections').select('id').executeTakeFirst(), undefined)
    await asBen.get('/profile/introductions')
    await asBen.post(`/profile/introductions/${introId}/accept`)
    const conn = await db.selectFrom('connections').selectAll().executeTakeFirstOrThrow()
    t.same([conn.introduction_id, conn.introduced_by, conn.event_id], [introId, olive.id, null], 'connected, introduced by Olive')
    page = await asAda.get('/profile/introductions')
    t.match(text(page.body), 'Connected: you both accepted')
    t.match(page.body, 'mailto:ben@bci.ohio.gov', 'Ben\'s address on the introductions page')
    t.match((await asAda.get(`/members/${ben.id}`)).body, 'ben@bci.ohio.gov', 'and on his member page')
    t.match((await asBen.get('/profile/introductions')).body, 'ada@dfs.virginia.gov')
    for (const [to, other] of [[ada, ben], [ben, ada]] as const) {
      const mails = await mailTo(db, to)
      t.equal(mails.at(-1)!.subject, `You’re connected with ${other.full_name}`)
      t.notMatch(mails.at(-1)!.text_body, /@/, 'no address in the mail either')
    }
    t.match(text((await asOlive.get('/profile/introductions')).body), 'Connected: you both accepted')
    const twice = await asBen.post(`/profile/introductions/${introId}/accept`)
    t.equal(twice.statusCode, 409)
    await asOlive.get(`/members/${ada.id}/introduce?q=ben`)
    const connected = await asOlive.post(`/members/${ada.id}/introduce`, { other_id: String(ben.id), note, q: 'ben' })
    t.equal(connected.statusCode, 400)
    t.match(text(connected.body), 'Ada Analyst and Ben Bench are already connected')
  })

  await t.test('decline: the other sees only "not accepted"; the pair is not suggested again', async (t) => {
    await asOlive.get(`/members/${ada.id}/introduce?q=cleo`)
    t.equal((await asOlive.post(`/members/${ada.id}/introduce`, { other_id: String(cleo.id), note: 'Both on the STR panel.', q: 'cleo' })).statusCode, 303)
    const intro = await db.selectFrom('introductions').select('id').where('member_b', '=', Math.max(ada.id, cleo.id)).where('member_a', '=', Math.min(ada.id, cleo.id)).executeTakeFirstOrThrow()
    const asCleo = await client(cleo)
    await asCleo.get('/profile/introductions')
    const res = await asCleo.post(`/profile/introductions/${intro.id}/decline`)
    t.equal(res.statusCode, 303)
    t.match(text((await asCleo.get('/profile/introductions')).body), 'You declined the introduction to Ada Analyst')
    const adaPage = text((await asAda.get('/profile/introductions')).body)
    t.match(adaPage, 'Cleo Chemist (Texas DPS)')
    t.match(adaPage, 'Status: Not accepted')
    t.notMatch(adaPage, 'declined', 'Ada is not told who declined or how')
    t.notMatch((await asAda.get('/profile/introductions')).body, 'cleo@dps.texas.gov')
    t.match(text((await asOlive.get('/profile/introductions')).body), 'Ada Analyst and Cleo Chemist')
    t.ok(await db.selectFrom('connection_removals').selectAll().where('member_a', '=', Math.min(ada.id, cleo.id)).where('member_b', '=', Math.max(ada.id, cleo.id)).executeTakeFirst(), 'remembered as a removed pair')
    t.equal(await db.selectFrom('connections').select('id').where('introduction_id', '=', intro.id).executeTakeFirst(), undefined)
    await asAda.get('/profile/introductions')
    t.equal((await asAda.post(`/profile/introductions/${intro.id}/accept`)).statusCode, 409, 'a declined introduction is closed')
    // Nobody may introduce them again, and nobody learns why.
    const again = await asBen.post(`/members/${ada.id}/introduce`, { other_id: String(cleo.id), note: 'Try again?', q: 'cleo' }, { csrfFrom: `/members/${ada.id}/introduce?q=cleo` })
    t.equal(again.statusCode, 400)
    t.match(text(again.body), 'Ada Analyst and Cleo Chemist can’t be introduced to each other. Choose someone else.')
    t.notMatch(text(again.body), /declin/, 'the reason stays theirs')
    t.match(again.body, 'Try again?', 'the note is kept')
    t.equal((await db.selectFrom('introductions').select('id').where('note', '=', 'Try again?').execute()).length, 0)
  })

  await t.test('every POST needs the CSRF token', async (t) => {
    for (const url of [`/members/${ada.id}/introduce`, `/profile/introductions/${introId}/accept`, `/profile/introductions/${introId}/decline`]) {
      t.equal((await asOlive.post(url, { note, other_id: String(cleo.id), q: '' }, { csrf: false })).statusCode, 403, url)
    }
  })
})

t.test('at most INTRODUCTIONS_PER_DAY introductions by one member in 24 hours', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const olive = await createMember(db, { full_name: 'Olive Organizer' })
  const ada = await createMember(db, { full_name: 'Ada Analyst' })
  const ben = await createMember(db, { full_name: 'Ben Bench' })
  await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: olive, members: [ada, ben] })
  // Twenty introductions of other pairs in the last day (any pairs: the count is by introducer).
  const others = await Promise.all(Array.from({ length: INTRODUCTIONS_PER_DAY + 1 }, (_, i) => createMember(db, { full_name: `Other ${i}` })))
  await db.insertInto('introductions').values(others.slice(1).map((o) => ({
    member_a: Math.min(others[0].id, o.id), member_b: Math.max(others[0].id, o.id), introduced_by: olive.id, note: 'Earlier.'
  }))).execute()
  await sql`update introductions set created_at = now() - interval '1 hour'`.execute(db)
  const asOlive = new Client(app)
  await signInAs(asOlive, olive)
  const form = `/members/${ada.id}/introduce?q=ben`
  const refused = await asOlive.post(`/members/${ada.id}/introduce`, { other_id: String(ben.id), note: 'You both run CODIS audits.', q: 'ben' }, { csrfFrom: form })
  t.equal(refused.statusCode, 400)
  t.match(text(refused.body), `You have made ${INTRODUCTIONS_PER_DAY} introductions in the last 24 hours`)
  t.match(refused.body, 'You both run CODIS audits.', 'the note is kept')
  t.equal((await db.selectFrom('mail_messages').select('id').where('kind', '=', 'introduction').execute()).length, 0, 'nobody is mailed')
  // A day later the oldest no longer count.
  await sql`update introductions set created_at = now() - interval '25 hours' where introduced_by = ${olive.id}`.execute(db)
  const made = await asOlive.post(`/members/${ada.id}/introduce`, { other_id: String(ben.id), note: 'You both run CODIS audits.', q: 'ben' }, { csrfFrom: form })
  t.equal(made.statusCode, 303)
})
