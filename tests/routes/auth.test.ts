import t from 'tap'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createMember } from '../fixtures/factories.js'
import { safeNext } from '../../src/lib/http.js'

async function lastLink (app: Client['app'], to: string): Promise<string> {
  const mail = await app.db.selectFrom('mail_messages').selectAll().where('to_address', '=', to).orderBy('id', 'desc').executeTakeFirstOrThrow()
  const m = /http:\/\/convene\.test(\/auth\/sign-in\?token=[\w%-]+)/.exec(mail.text_body)
  if (!m) throw new Error('no link in ' + mail.text_body)
  return m[1]
}

t.test('magic-link sign-in', async (t) => {
  const { app } = await createTestApp(t)
  const member = await createMember(app.db, { email: 'ada@nist.gov', full_name: 'Ada Analyst' })
  // Each test asks for Ada's links again: start each with fresh rate-limit counts.
  t.beforeEach(async () => { await app.db.deleteFrom('rate_limits').execute() })

  t.test('known and unknown addresses get the same answer; only the known one gets mail', async (t) => {
    const c = new Client(app)
    const known = await c.post('/sign-in', { email: 'ADA@nist.gov' }, { csrfFrom: '/sign-in' })
    const unknown = await c.post('/sign-in', { email: 'nobody@nist.gov' }, { csrfFrom: '/sign-in' })
    t.equal(known.statusCode, 200)
    t.equal(unknown.statusCode, 200)
    t.equal(text(known.body).replace('ADA@nist.gov', 'X').replace('ada@nist.gov', 'X'), text(unknown.body).replace('nobody@nist.gov', 'X'))
    t.match(text(known.body), 'Check your email')
    const mails = await app.db.selectFrom('mail_messages').select('to_address').execute()
    t.same(mails.map((m) => m.to_address), ['ada@nist.gov'])
  })

  t.test('a bad address re-shows the form with the input kept', async (t) => {
    const c = new Client(app)
    const res = await c.post('/sign-in', { email: 'not an email' }, { csrfFrom: '/sign-in' })
    t.equal(res.statusCode, 400)
    t.match(text(res.body), 'Enter an email address in the format')
    t.match(res.body, 'value="not an email"')
    const long = `${'a'.repeat(250)}@nist.gov`
    const over = await c.post('/sign-in', { email: long }, { csrfFrom: '/sign-in' })
    t.equal(over.statusCode, 400, 'an over-long address is an error naming the field, not cut')
    t.match(text(over.body), 'Your email address must be 254 characters or fewer (you entered 259).')
    t.match(over.body, `value="${long}"`)
  })

  t.test('opening the link changes nothing; the button signs in once', async (t) => {
    const c = new Client(app)
    await c.post('/sign-in', { email: member.email }, { csrfFrom: '/sign-in' })
    const link = await lastLink(app, member.email)
    const page = await c.get(link)
    t.equal(page.statusCode, 200)
    t.equal(page.headers['referrer-policy'], 'no-referrer')
    t.equal(page.headers['cache-control'], 'no-store')
    t.match(text(page.body), 'You are signing in as ada@nist.gov')
    // A mail scanner opening the link twice more: still unused.
    await new Client(app).get(link)
    await new Client(app).get(link)
    t.equal(await app.db.selectFrom('sessions').select('id_hash').execute().then((r) => r.length), 0, 'no session from a GET')
    const token = new URL('http://x' + link).searchParams.get('token')!
    const signIn = await c.post('/auth/sign-in', { token, next: '/' })
    t.equal(signIn.statusCode, 303)
    t.equal(signIn.headers.location, '/')
    const home = await c.get('/')
    t.match(text(home.body), 'Sign out (Ada Analyst)')
    const again = await new Client(app).post('/auth/sign-in', { token, next: '/' }, { csrfFrom: '/sign-in' })
    t.equal(again.statusCode, 400)
    t.match(text(again.body), 'already been used')
  })

  t.test('an expired link is refused with a way to get a new one', async (t) => {
    const c = new Client(app)
    await c.post('/sign-in', { email: member.email }, { csrfFrom: '/sign-in' })
    const link = await lastLink(app, member.email)
    await app.db.updateTable('email_tokens').set({ expires_at: new Date(Date.now() - 1000) }).execute()
    const page = await c.get(link)
    t.equal(page.statusCode, 400)
    t.match(text(page.body), 'expired')
    t.match(page.body, 'href="/sign-in"')
    const token = new URL('http://x' + link).searchParams.get('token')!
    const post = await c.post('/auth/sign-in', { token })
    t.equal(post.statusCode, 400)
    t.notOk(c.cookies.has('convene_session'))
  })

  t.test('a tampered token is refused', async (t) => {
    const c = new Client(app)
    const page = await c.get('/auth/sign-in?token=abc')
    t.equal(page.statusCode, 400)
    t.match(text(page.body), 'not valid')
  })

  t.test('sign-out makes the old cookie useless; sign-in issues a new session id', async (t) => {
    const c = new Client(app)
    await c.post('/sign-in', { email: member.email }, { csrfFrom: '/sign-in' })
    const link = await lastLink(app, member.email)
    await c.get(link)
    await c.post('/auth/sign-in', { token: new URL('http://x' + link).searchParams.get('token')! })
    const first = c.cookies.get('convene_session')!
    t.ok(first)
    await c.post('/sign-in', { email: member.email }, { csrfFrom: '/sign-in' })
    const link2 = await lastLink(app, member.email)
    await c.get(link2)
    await c.post('/auth/sign-in', { token: new URL('http://x' + link2).searchParams.get('token')! })
    const second = c.cookies.get('convene_session')!
    t.not(first, second, 'a new session id on sign-in')
    const stale = new Client(app)
    stale.cookies.set('convene_session', first)
    t.notMatch(text((await stale.get('/')).body), 'Sign out', 'the replaced session no longer works')

    const out = await c.post('/sign-out', {}, { csrfFrom: '/' })
    t.equal(out.statusCode, 303)
    const replay = new Client(app)
    replay.cookies.set('convene_session', second)
    const home = await replay.get('/')
    t.notMatch(text(home.body), 'Sign out')
    t.match(text(home.body), 'Sign in')
  })

  t.test('signing in and out renews the CSRF secret: a token from before is refused after, new forms work', async (t) => {
    // Someone plants their own CSRF cookie in the victim's browser and keeps its token for a forged form.
    const planter = new Client(app)
    await planter.get('/sign-in')
    const plantedCookie = planter.cookies.get('convene_csrf')!
    const plantedToken = planter.lastCsrf!
    t.ok(plantedCookie && plantedToken)
    const c = new Client(app)
    c.cookies.set('convene_csrf', plantedCookie)
    await c.post('/sign-in', { email: member.email, _csrf: plantedToken })
    const link = await lastLink(app, member.email)
    await c.get(link)
    const signIn = await c.post('/auth/sign-in', { token: new URL('http://x' + link).searchParams.get('token')!, next: '/profile', _csrf: plantedToken })
    t.equal(signIn.statusCode, 303, 'signed in (the token was good until then)')
    t.not(c.cookies.get('convene_csrf'), plantedCookie, 'the sign-in answer sets a new CSRF secret')
    const forged = await c.post('/profile/calendar-feed', { _csrf: plantedToken })
    t.equal(forged.statusCode, 403, 'the token made before sign-in is refused with the session')
    t.match(text(forged.body), 'This form has expired or was not sent from Convene')

    const profile = await c.get('/profile')
    t.equal(profile.statusCode, 200)
    const fresh = await c.post('/profile/calendar-feed', {})
    t.equal(fresh.statusCode, 303, 'a form of a page shown after sign-in works')

    const before = c.lastCsrf!
    const out = await c.post('/sign-out', {})
    t.equal(out.statusCode, 303)
    const stale = await c.post('/sign-in', { email: member.email, _csrf: before })
    t.equal(stale.statusCode, 403, 'a token of the signed-in session is refused after signing out')
    t.equal((await c.post('/sign-in', { email: member.email }, { csrfFrom: '/sign-in' })).statusCode, 200, 'forms work again once shown')
  })

  t.test('the session cookie is HttpOnly and SameSite=Lax', async (t) => {
    const c = new Client(app)
    await c.post('/sign-in', { email: member.email }, { csrfFrom: '/sign-in' })
    const link = await lastLink(app, member.email)
    await c.get(link)
    const res = await c.post('/auth/sign-in', { token: new URL('http://x' + link).searchParams.get('token')! })
    const cookie = res.cookies.find((x) => x.name === 'convene_session')!
    t.equal(cookie.httpOnly, true)
    t.equal(cookie.sameSite, 'Lax')
  })

  t.test('a POST without a CSRF token is refused with 403', async (t) => {
    const res = await new Client(app).post('/sign-in', { email: member.email }, { csrf: false })
    t.equal(res.statusCode, 403)
    t.match(text(res.body), 'This form has expired or was not sent from Convene')
  })

  t.test('asking for links for someone else cannot lock them out: past 5 an address gets the same page and no more mail', async (t) => {
    const owner = await createMember(app.db, { email: 'owner@nist.gov', full_name: 'Olga Owner' })
    const signInMails = () => app.db.selectFrom('mail_messages').select('id').where('to_address', '=', owner.email).where('kind', '=', 'sign-in').execute().then((r) => r.length)
    // Someone else, from another IP, asks for the owner's links again and again.
    const attacker = new Client(app, { ip: '203.0.113.7' })
    await attacker.get('/sign-in')
    const normal = text((await attacker.post('/sign-in', { email: owner.email })).body)
    t.match(normal, 'Check your email')
    const first = await lastLink(app, owner.email)
    const answers: { status: number, page: string }[] = []
    for (let i = 0; i < 9; i++) {
      const res = await attacker.post('/sign-in', { email: owner.email })
      answers.push({ status: res.statusCode, page: text(res.body) })
    }
    t.same(answers.map((a) => a.status), Array(9).fill(200), 'never a 429 for an address')
    t.ok(answers.every((a) => a.page === normal), 'past the limit the very same page: nothing tells the limit was reached')
    t.notOk(answers.some((a) => /too many|wait/i.test(a.page)))
    t.equal(await signInMails(), 5, 'but one mailbox gets at most 5 links in 15 minutes')

    // The owner, from their own IP, asks too: the same page, no sixth mail; the links already sent still work.
    const me = new Client(app, { ip: '198.51.100.20' })
    await me.get('/sign-in')
    const mine = await me.post('/sign-in', { email: 'Owner@nist.gov' })
    t.equal(mine.statusCode, 200, 'the owner is not refused')
    t.equal(text(mine.body), normal)
    t.equal(await signInMails(), 5)
    await me.get(first)
    const used = await me.post('/auth/sign-in', { token: new URL('http://x' + first).searchParams.get('token')!, next: '/' })
    t.equal(used.statusCode, 303, 'the first link mailed still signs in')
    t.match(text((await me.get('/')).body), 'Sign out (Olga Owner)')

    // Signing in through a link starts the count again: the owner can be mailed links at once.
    const again = new Client(app, { ip: '198.51.100.20' })
    await again.get('/sign-in')
    await again.post('/sign-in', { email: owner.email })
    t.equal(await signInMails(), 6, 'a new link after signing in with one')
  })

  t.test('per IP, generously, against floods: 60 requests per 15 minutes, then 429 with Retry-After', async (t) => {
    const c = new Client(app)
    await c.get('/sign-in')
    // 40 colleagues behind one agency NAT address each ask once: none is turned away.
    const colleagues: number[] = []
    for (let i = 0; i < 40; i++) colleagues.push((await c.post('/sign-in', { email: `colleague${i}@nist.gov` })).statusCode)
    t.same([...new Set(colleagues)], [200], 'forty different people from one IP all get through')
    // But one IP can't ask for links without end.
    let ipLast
    for (let i = 0; i < 21; i++) ipLast = await c.post('/sign-in', { email: `spray${i}@nist.gov` })
    t.equal(ipLast!.statusCode, 429, 'past 60 requests from one IP in 15 minutes')
    t.ok(Number(ipLast!.headers['retry-after']) > 0, 'with Retry-After')
    t.match(text(ipLast!.body), 'too many times')
    const elsewhere = new Client(app, { ip: '198.51.100.99' })
    await elsewhere.get('/sign-in')
    t.equal((await elsewhere.post('/sign-in', { email: member.email })).statusCode, 200, 'someone on another IP is not concerned')
  })

  t.test('the emailed link brings the member back to the page that asked them to sign in', async (t) => {
    const c = new Client(app)
    await c.get('/sign-in?next=%2Fc%2Fdna%2Fevents%2F7')
    const res = await c.post('/sign-in', { email: member.email, next: '/c/dna/events/7' })
    t.equal(res.statusCode, 200)
    const mail = await app.db.selectFrom('mail_messages').select('text_body').where('kind', '=', 'sign-in').orderBy('id', 'desc').executeTakeFirstOrThrow()
    const link = /(http:\/\/convene\.test\/auth\/sign-in\?\S+)/.exec(mail.text_body)![1]
    t.match(link, '&next=%2Fc%2Fdna%2Fevents%2F7', 'the mailed link carries where to go next')
    const page = await c.get(link.slice('http://convene.test'.length))
    t.equal(page.statusCode, 200)
    const token = new URL(link).searchParams.get('token')!
    const done = await c.post('/auth/sign-in', { token, next: '/c/dna/events/7' })
    t.equal(done.statusCode, 303)
    t.equal(done.headers.location, '/c/dna/events/7')
  })

  t.test('where to go next is a local path only', async (t) => {
    for (const evil of ['//evil.com', '/\\evil.com', '/\t/evil.com', '/\n/evil.com', 'https://evil.com', '/ok path']) {
      t.equal(safeNext(evil), '/', JSON.stringify(evil))
    }
    t.equal(safeNext('/c/dna/events/7?x=1#top'), '/c/dna/events/7?x=1#top')
  })
})

t.test('behind a TLS proxy the session cookie is Secure', async (t) => {
  const { app } = await createTestApp(t, { config: { TRUST_PROXY: 'true' } })
  const member = await createMember(app.db, { email: 'tls@nist.gov' })
  const c = new Client(app)
  await c.post('/sign-in', { email: member.email }, { csrfFrom: '/sign-in' })
  const link = await lastLink(app, member.email)
  await c.get(link)
  const res = await app.inject({
    method: 'POST',
    url: '/auth/sign-in',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-forwarded-proto': 'https',
      cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    },
    payload: new URLSearchParams({ token: new URL('http://x' + link).searchParams.get('token')!, _csrf: c.lastCsrf! }).toString()
  })
  t.equal(res.statusCode, 303)
  const cookie = res.cookies.find((x) => x.name === 'convene_session')!
  t.equal(cookie.secure, true, 'Secure over https')
  t.equal(cookie.httpOnly, true)
})
