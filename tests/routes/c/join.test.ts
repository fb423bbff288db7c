import t from 'tap'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../../fixtures/factories.js'

type App = Client['app']

async function mailsTo (app: App, to: string) {
  return app.db.selectFrom('mail_messages').selectAll().where('to_address', '=', to).orderBy('id').execute()
}

/** The path and token of the link in the latest message to `to`. */
async function linkIn (app: App, to: string, path: string): Promise<{ url: string, token: string }> {
  const mails = await mailsTo(app, to)
  const body = mails.at(-1)?.text_body ?? ''
  const m = new RegExp(`http://convene\\.test(${path.replace(/\//g, '\\/')}\\?token=[\\w%-]+)`).exec(body)
  if (!m) throw new Error(`no ${path} link in: ${body}`)
  return { url: m[1], token: new URL('http://x' + m[1]).searchParams.get('token')! }
}

async function ask (app: App, slug: string, fields: Record<string, string>) {
  const c = new Client(app)
  const res = await c.post(`/c/${slug}/join`, { full_name: 'Pat Analyst', agency: 'State Crime Lab', note: '', ...fields }, { csrfFrom: '/sign-in' })
  return { c, res }
}

t.test('joining a community', async (t) => {
  const { app } = await createTestApp(t)
  const organizer = await createMember(app.db, { email: 'olive@fbi.gov', full_name: 'Olive Organizer' })
  await createCommunity(app.db, { slug: 'dna', name: 'DNA Analysts', organizer, allowed_domains: ['*.gov', '*.mil'], requires_approval: false })
  const fbi = await createCommunity(app.db, { slug: 'codis', name: 'CODIS Users', organizer, allowed_domains: ['fbi.gov'], requires_approval: false })
  const closed = await createCommunity(app.db, { slug: 'inner', name: 'Inner Circle', organizer, invitation_only: true })
  // Each test asks several times from the same address: start each with fresh rate-limit counts.
  t.beforeEach(async () => { await app.db.deleteFrom('rate_limits').execute() })

  t.test('an allowed domain: request → verify → norms → member', async (t) => {
    const form = await new Client(app).get('/c/dna/join')
    t.equal(form.statusCode, 200)
    t.match(text(form.body), 'Ask to join DNA Analysts')
    t.match(text(form.body), 'Anyone with a verified email address at *.gov, *.mil may ask to join.')

    const { c, res } = await ask(app, 'dna', { email: 'Pat@Lab.VA.gov', note: 'I run the QA program.' })
    t.equal(res.statusCode, 200)
    t.match(text(res.body), 'Check your email')
    t.match(text(res.body), 'We sent a link to pat@lab.va.gov')
    const { url, token } = await linkIn(app, 'pat@lab.va.gov', '/join/verify')

    // Opening the link (as a mail scanner does, several times) changes nothing.
    for (const client of [c, new Client(app), new Client(app)]) {
      const page = await client.get(url)
      t.equal(page.statusCode, 200)
      t.equal(page.headers['referrer-policy'], 'no-referrer')
      t.equal(page.headers['cache-control'], 'no-store')
      t.match(text(page.body), 'Press the button to confirm that pat@lab.va.gov is your address')
    }
    t.equal((await app.db.selectFrom('join_requests').select('status').where('email', '=', 'pat@lab.va.gov').executeTakeFirstOrThrow()).status, 'unverified')
    t.notOk(await app.db.selectFrom('members').select('id').where('email', '=', 'pat@lab.va.gov').executeTakeFirst(), 'no account from a GET')
    t.equal((await app.db.selectFrom('email_tokens').select('used_at').where('purpose', '=', 'verify-email').executeTakeFirstOrThrow()).used_at, null)

    const beforeSignIn = c.lastCsrf!
    const verified = await c.post('/join/verify', { token })
    t.equal(verified.statusCode, 303)
    t.equal(verified.headers.location, '/c/dna/join/norms')
    const stale = await c.post('/c/dna/join/norms', { accept_norms: 'yes', _csrf: beforeSignIn })
    t.equal(stale.statusCode, 403, 'confirming the address signs in with a new CSRF secret: a token from before is refused')
    const member = await app.db.selectFrom('members').selectAll().where('email', '=', 'pat@lab.va.gov').executeTakeFirstOrThrow()
    t.equal(member.full_name, 'Pat Analyst')
    t.equal(member.agency, 'State Crime Lab')
    t.ok(member.email_verified_at)

    const norms = await c.get('/c/dna/join/norms')
    t.equal(norms.statusCode, 200)
    t.match(text(norms.body), 'Accept the norms of DNA Analysts')
    t.match(text(norms.body), 'Be present')
    t.match(text(norms.body), 'Make space, take space')
    t.match(text(norms.body), 'What you post may be subject to FOIA.')

    const unticked = await c.post('/c/dna/join/norms', {})
    t.equal(unticked.statusCode, 400)
    t.match(text(unticked.body), 'Tick the box to accept the norms')
    t.notOk(await app.db.selectFrom('memberships').select('id').where('member_id', '=', member.id).executeTakeFirst(), 'not a member without accepting')

    const accepted = await c.post('/c/dna/join/norms', { accept_norms: 'yes' })
    t.equal(accepted.statusCode, 303)
    t.equal(accepted.headers.location, '/c/dna')
    const home = await c.get('/c/dna')
    t.match(text(home.body), 'Welcome to DNA Analysts! You are now a member.')
    t.match(text(home.body), 'Member directory')
    t.match(text(home.body), 'Olive Organizer')
    t.match(text(home.body), 'Sign out (Pat Analyst)')

    const again = await new Client(app).post('/join/verify', { token }, { csrfFrom: '/sign-in' })
    t.equal(again.statusCode, 400)
    t.match(text(again.body), 'already been used')

    const twice = await c.get('/c/dna/join')
    t.equal(twice.statusCode, 303, 'a member asking again is told they are a member')
    t.match(text((await c.get('/c/dna')).body), 'You are already a member of DNA Analysts.')
  })

  t.test('a disallowed domain is refused with the domains that may join', async (t) => {
    const { res } = await ask(app, 'dna', { email: 'pat@gmail.com' })
    t.equal(res.statusCode, 403)
    t.match(text(res.body), 'This address can’t join DNA Analysts')
    t.match(text(res.body), 'pat@gmail.com is not at an email domain this community accepts')
    t.match(text(res.body), '*.gov')
    t.match(text(res.body), '*.mil')
    t.match(text(res.body), 'an organizer of the community can invite you')
    t.same(await mailsTo(app, 'pat@gmail.com'), [], 'no link is mailed')
  })

  t.test('look-alike domains are refused; case does not matter', async (t) => {
    for (const [slug, email] of [['dna', 'someone@agency.gov.evil.com'], ['codis', 'someone@fbi.gov.evil.com'], ['codis', 'someone@evilfbi.gov'], ['codis', 'someone@la.fbi.gov']]) {
      const { res } = await ask(app, slug, { email })
      t.equal(res.statusCode, 403, email)
      t.match(text(res.body), 'This address can’t join', email)
    }
    const { res } = await ask(app, 'codis', { email: 'Special.Agent@FBI.GOV' })
    t.equal(res.statusCode, 200)
    t.match(text(res.body), 'Check your email')
    t.equal((await mailsTo(app, 'special.agent@fbi.gov')).length, 1)
    t.same(await app.db.selectFrom('mail_messages').select('to_address').where('to_address', 'like', '%evil%').execute(), [])
  })

  t.test('the domain is checked again when the address is verified', async (t) => {
    const { c } = await ask(app, 'codis', { email: 'late@fbi.gov' })
    const { token } = await linkIn(app, 'late@fbi.gov', '/join/verify')
    await app.db.updateTable('communities').set({ allowed_domains: ['doj.gov'] }).where('id', '=', fbi.id).execute()
    t.teardown(() => app.db.updateTable('communities').set({ allowed_domains: ['fbi.gov'] }).where('id', '=', fbi.id).execute())
    const res = await c.post('/join/verify', { token })
    t.equal(res.statusCode, 403)
    t.match(text(res.body), 'Addresses at these domains may join')
    t.match(text(res.body), 'doj.gov')
    t.notOk(await app.db.selectFrom('members').select('id').where('email', '=', 'late@fbi.gov').executeTakeFirst(), 'no account for a refused address')
  })

  t.test('invitation-only communities refuse requests', async (t) => {
    const page = await new Client(app).get('/c/inner/join')
    t.equal(page.statusCode, 200)
    t.match(text(page.body), 'Inner Circle is by invitation only')
    t.notMatch(page.body, 'name="email"')
    const { res } = await ask(app, 'inner', { email: 'pat@agency.gov' })
    t.equal(res.statusCode, 403)
    t.match(text(res.body), 'it does not take requests to join')
    t.same(await mailsTo(app, 'pat@agency.gov'), [])
    t.ok(closed)
  })

  t.test('missing fields are shown with the input kept', async (t) => {
    const { res } = await ask(app, 'dna', { email: 'not-an-address', full_name: '', agency: '', note: 'Hello <organizers>' })
    t.equal(res.statusCode, 400)
    const page = text(res.body)
    t.match(page, 'There are 3 problems')
    t.match(page, 'Enter an email address in the format name@agency.gov.')
    t.match(page, 'Enter your full name.')
    t.match(page, 'Enter your agency.')
    t.match(res.body, 'value="not-an-address"')
    t.match(res.body, 'Hello &lt;organizers&gt;')
  })

  t.test('over-long fields are errors naming the field and its limit, with the input kept', async (t) => {
    const note = 'n'.repeat(1001)
    const { res } = await ask(app, 'dna', { email: 'long@agency.gov', agency: 'A'.repeat(201), note })
    t.equal(res.statusCode, 400)
    const page = text(res.body)
    t.match(page, 'Your agency must be 200 characters or fewer (you entered 201).')
    t.match(page, 'Your note must be 1000 characters or fewer (you entered 1001).')
    t.match(res.body, `>${note}</textarea>`, 'the note is kept whole')
    t.same(await mailsTo(app, 'long@agency.gov'), [], 'nothing sent')
    const address = await ask(app, 'dna', { email: `${'e'.repeat(250)}@agency.gov` })
    t.match(text(address.res.body), 'Your work email address must be 254 characters or fewer (you entered 261).')
  })

  t.test('a signed-in member joins another community without verifying again', async (t) => {
    const member = await createMember(app.db, { email: 'sam@lab.gov', full_name: 'Sam Signed' })
    const c = new Client(app)
    await signInAs(c, member)
    const form = await c.get('/c/dna/join')
    t.match(text(form.body), 'You are asking as Sam Signed')
    t.notMatch(form.body, 'name="email"')
    const res = await c.post('/c/dna/join', { note: '' })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/c/dna/join/norms')
    t.same(await mailsTo(app, 'sam@lab.gov'), [], 'no verification mail')
    await c.post('/c/dna/join/norms', { accept_norms: 'yes' }, { csrfFrom: '/c/dna/join/norms' })
    t.match(text((await c.get('/c/dna')).body), 'Welcome to DNA Analysts!')
  })

  t.test('the norms page needs an approved request', async (t) => {
    const member = await createMember(app.db, { email: 'nobody@lab.gov' })
    const c = new Client(app)
    t.equal((await c.get('/c/dna/join/norms')).headers.location, '/sign-in?next=%2Fc%2Fdna%2Fjoin%2Fnorms')
    await signInAs(c, member)
    const res = await c.get('/c/dna/join/norms')
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/c/dna/join')
    const post = await c.post('/c/dna/join/norms', { accept_norms: 'yes' }, { csrfFrom: '/c/dna/join' })
    t.equal(post.headers.location, '/c/dna/join')
    t.notOk(await app.db.selectFrom('memberships').select('id').where('member_id', '=', member.id).executeTakeFirst())
  })

  t.test('a bad or expired verify link is refused', async (t) => {
    const bad = await new Client(app).get('/join/verify?token=nope')
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'This link is not valid')
    const { c } = await ask(app, 'dna', { email: 'slow@agency.gov' })
    const { url, token } = await linkIn(app, 'slow@agency.gov', '/join/verify')
    await app.db.updateTable('email_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('email', '=', 'slow@agency.gov').execute()
    const page = await c.get(url)
    t.equal(page.statusCode, 400)
    t.match(text(page.body), 'This link has expired')
    t.match(page.body, 'href="/c/dna/join"')
    t.equal((await c.post('/join/verify', { token })).statusCode, 400)
  })

  t.test('requests to join: past 5 for one address the same answer but no mail (nobody can lock its owner out); per IP a 429', async (t) => {
    const c = new Client(app, { ip: '203.0.113.8' })
    await c.get('/c/dna/join')
    const pages: { status: number, page: string }[] = []
    for (let i = 0; i < 8; i++) {
      const res = await c.post('/c/dna/join', { email: 'burst@agency.gov', full_name: 'B', agency: 'A' })
      pages.push({ status: res.statusCode, page: text(res.body) })
    }
    t.same(pages.map((p) => p.status), Array(8).fill(200), 'never a 429 for an address')
    t.ok(pages.every((p) => p.page === pages[0].page), 'the same page every time')
    t.match(pages[0].page, 'Check your email')
    t.equal((await mailsTo(app, 'burst@agency.gov')).length, 5, 'one address is mailed at most 5 times in 15 minutes')
    t.equal(await app.db.selectFrom('join_requests').select('id').where('email', '=', 'burst@agency.gov').execute().then((r) => r.length), 5,
      'and no request is recorded past the limit')
    const owner = new Client(app, { ip: '198.51.100.21' })
    const mine = await owner.post('/c/dna/join', { email: 'burst@agency.gov', full_name: 'B', agency: 'A' }, { csrfFrom: '/c/dna/join' })
    t.equal(mine.statusCode, 200, 'the owner, elsewhere, gets the same answer')
    t.equal(text(mine.body), pages[0].page)
    const { url, token } = await linkIn(app, 'burst@agency.gov', '/join/verify')
    await owner.get(url)
    t.equal((await owner.post('/join/verify', { token })).statusCode, 303, 'a link already mailed still works')

    const others: number[] = []
    let last
    for (let i = 0; i < 30; i++) {
      last = await c.post('/c/dna/join', { email: `colleague${i}@agency.gov`, full_name: 'B', agency: 'A' })
      others.push(last.statusCode)
    }
    t.same(others.slice(0, 22), Array(22).fill(200), 'colleagues behind the same IP get through')
    t.equal(others.at(-1), 429, 'but not without end: at most 30 requests per IP in 15 minutes')
    t.ok(Number(last!.headers['retry-after']) > 0)
    t.match(text(last!.body), 'too many times')
  })
})
