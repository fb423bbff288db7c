import t from 'tap'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { setupCode } from '../../src/domain/site/site.service.js'

const form = {
  email: 'Ada.Admin@nist.gov',
  full_name: 'Ada Admin',
  agency: 'National Institute of Standards and Technology',
  name: 'Forensic DNA Analysts',
  slug: 'dna-analysts',
  about: 'DNA analysts from public crime laboratories.',
  requirements: 'FBI Quality Assurance Standards for DNA Databasing Laboratories',
  allowed_domains: '*.gov, *.mil'
}

t.test('first-run setup', async (t) => {
  const { app } = await createTestApp(t)
  const code = (await setupCode(app.db))!
  t.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/)

  t.test('the home page points a first visitor to /setup; the form asks for the code', async (t) => {
    const c = new Client(app)
    const home = await c.get('/')
    t.match(text(home.body), 'This Convene is new')
    t.match(home.body, 'href="/setup"')
    const page = await c.get('/setup')
    t.equal(page.statusCode, 200)
    t.match(text(page.body), 'Set up Convene')
    t.match(text(page.body), 'Setup code')
    t.match(page.body, 'value="*.gov, *.mil"', 'allowed domains default to *.gov, *.mil')
  })

  t.test('a wrong code is refused with the input kept, and creates nothing', async (t) => {
    const c = new Client(app)
    const res = await c.post('/setup', { ...form, code: 'AAAA-BBBB-CCCC' }, { csrfFrom: '/setup' })
    t.equal(res.statusCode, 403)
    t.match(text(res.body), 'That setup code is not right')
    t.match(res.body, 'value="Ada Admin"')
    t.match(res.body, 'value="dna-analysts"')
    t.equal((await app.db.selectFrom('members').select('id').execute()).length, 0)
    t.equal((await app.db.selectFrom('communities').select('id').execute()).length, 0)

    const none = await c.post('/setup', { ...form, code: '' })
    t.equal(none.statusCode, 403)
    t.match(text(none.body), 'Enter the setup code printed in the server’s console')
  })

  t.test('with the right code, missing fields are explained and the code still works', async (t) => {
    const c = new Client(app)
    const res = await c.post('/setup', { ...form, code, full_name: '', slug: 'Not A Slug!', allowed_domains: 'gov.evil com' }, { csrfFrom: '/setup' })
    t.equal(res.statusCode, 400)
    const page = text(res.body)
    t.match(page, 'Enter your full name.')
    t.match(page, 'Use only lowercase letters, digits and hyphens')
    t.match(page, 'not an email domain')
    t.match(res.body, 'value="Ada.Admin@nist.gov"')
    const long = await c.post('/setup', { ...form, code, agency: 'A'.repeat(161), about: 'b'.repeat(2001) }, { csrfFrom: '/setup' })
    t.equal(long.statusCode, 400)
    t.match(text(long.body), 'Your agency must be 160 characters or fewer (you entered 161).')
    t.match(text(long.body), 'What we’re about must be 2000 characters or fewer (you entered 2001).')
    t.match(long.body, `value="${'A'.repeat(161)}"`, 'the input is kept, uncut')
    t.ok(await app.db.selectFrom('site_settings').select('key').where('key', '=', 'setup_code').executeTakeFirst(), 'the code is not used up')
  })

  t.test('the right code creates the admin, the community and the organizer term, and signs in', async (t) => {
    const c = new Client(app)
    // Typed in lower case with spaces around: still the code.
    const res = await c.post('/setup', { ...form, code: ` ${code.toLowerCase()} ` }, { csrfFrom: '/setup' })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/c/dna-analysts')
    const home = await c.get('/')
    t.match(text(home.body), 'Sign out (Ada Admin)')
    t.match(text(home.body), 'Convene is set up')
    t.notMatch(text(home.body), 'This Convene is new')

    const admin = await app.db.selectFrom('members').selectAll().executeTakeFirstOrThrow()
    t.equal(admin.email, 'ada.admin@nist.gov')
    t.equal(admin.is_admin, true)
    t.equal(admin.agency, 'National Institute of Standards and Technology')
    const community = await app.db.selectFrom('communities').selectAll().executeTakeFirstOrThrow()
    t.equal(community.name, 'Forensic DNA Analysts')
    t.same(community.allowed_domains, ['*.gov', '*.mil'])
    t.equal(community.requires_approval, true)
    t.same(community.norms, ['Be present', 'Make space, take space', 'Embrace a culture of learning'])
    t.match(community.public_records_notice, 'public-records requests')
    const reqs = await app.db.selectFrom('requirements').select('name').where('community_id', '=', community.id).execute()
    t.same(reqs.map((r) => r.name), ['FBI Quality Assurance Standards for DNA Databasing Laboratories'])
    const term = await app.db.selectFrom('coordinator_terms').selectAll().where('community_id', '=', community.id).executeTakeFirstOrThrow()
    t.equal(term.member_id, admin.id)
    t.equal(term.ends_on, null)
    t.ok(await app.db.selectFrom('memberships').select('id').where('member_id', '=', admin.id).where('community_id', '=', community.id).executeTakeFirst())
    t.notOk(await app.db.selectFrom('site_settings').select('key').where('key', '=', 'setup_code').executeTakeFirst(), 'the code is used up')
    t.equal(await setupCode(app.db), null, 'no new code is printed once an admin exists')

    const adminPage = await c.get('/admin')
    t.equal(adminPage.statusCode, 200)
    t.match(text(adminPage.body), 'Forensic DNA Analysts 1 0')
  })

  t.test('after setup, /setup does not exist', async (t) => {
    const c = new Client(app)
    const page = await c.get('/setup')
    t.equal(page.statusCode, 404)
    t.match(text(page.body), 'Page not found')
    const post = await c.post('/setup', { ...form, code, email: 'mallory@evil.gov' }, { csrfFrom: '/sign-in' })
    t.equal(post.statusCode, 404)
    t.equal((await app.db.selectFrom('members').select('id').execute()).length, 1)
    t.notMatch(text((await c.get('/')).body), 'This Convene is new')
  })
})

t.test('setup POSTs are rate limited', async (t) => {
  const { app } = await createTestApp(t)
  await setupCode(app.db)
  const c = new Client(app)
  await c.get('/setup')
  let last
  for (let i = 0; i < 11; i++) last = await c.post('/setup', { ...form, code: `WRONG-CODE-${i}` })
  t.equal(last!.statusCode, 429)
  t.ok(last!.headers['retry-after'])
  t.match(text(last!.body), 'too many times')
})
