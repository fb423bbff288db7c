import t from 'tap'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../../../fixtures/factories.js'

type App = Client['app']

async function mailsTo (app: App, to: string) {
  return app.db.selectFrom('mail_messages').selectAll().where('to_address', '=', to).orderBy('id').execute()
}

async function linkIn (app: App, to: string, path: string): Promise<{ url: string, token: string }> {
  const body = (await mailsTo(app, to)).at(-1)?.text_body ?? ''
  const m = new RegExp(`http://convene\\.test(${path.replace(/\//g, '\\/')}\\?token=[\\w%-]+)`).exec(body)
  if (!m) throw new Error(`no ${path} link in: ${body}`)
  return { url: m[1], token: new URL('http://x' + m[1]).searchParams.get('token')! }
}

t.test('approval, decline and invitations', async (t) => {
  const { app } = await createTestApp(t)
  const organizer = await createMember(app.db, { email: 'olive@nist.gov', full_name: 'Olive Organizer' })
  const other = await createMember(app.db, { email: 'otto@nist.gov', full_name: 'Otto Organizer' })
  const community = await createCommunity(app.db, { slug: 'records', name: 'Records Managers', organizer, members: [other], allowed_domains: ['*.gov'], requires_approval: true })
  await app.db.insertInto('coordinator_terms').values({ community_id: community.id, member_id: other.id, starts_on: '2020-01-01', ends_on: null }).execute()
  const orga = new Client(app)
  await signInAs(orga, organizer)

  async function requestAndVerify (email: string, note: string) {
    const c = new Client(app)
    await c.post('/c/records/join', { email, full_name: 'Rita Requester', agency: 'National Archives', note }, { csrfFrom: '/c/records/join' })
    const { token } = await linkIn(app, email, '/join/verify')
    const res = await c.post('/join/verify', { token })
    return { c, res }
  }

  t.test('request → organizer sees the note → approve → mail → sign in → norms → member', async (t) => {
    const { c, res } = await requestAndVerify('rita@archives.gov', 'I manage e-records at NARA.')
    t.equal(res.statusCode, 200)
    t.match(text(res.body), 'Your request is waiting for an organizer')
    t.match(text(res.body), 'An organizer of Records Managers will review your request.')
    t.notOk(c.cookies.has('convene_session'), 'not signed in while pending')

    const notices = [...await mailsTo(app, 'olive@nist.gov'), ...await mailsTo(app, 'otto@nist.gov')]
    t.equal(notices.length, 2, 'every current organizer is told')
    t.match(notices[0].subject, 'Request to join Records Managers: Rita Requester')
    t.match(notices[0].text_body, 'I manage e-records at NARA.')
    t.match(notices[0].text_body, 'http://convene.test/c/records/orga/requests')

    const list = await orga.get('/c/records/orga/requests')
    t.equal(list.statusCode, 200)
    const page = text(list.body)
    t.match(page, 'Rita Requester')
    t.match(page, 'National Archives')
    t.match(page, 'rita@archives.gov')
    t.match(page, 'I manage e-records at NARA.')
    const id = /\/orga\/requests\/(\d+)\/approve/.exec(list.body)![1]

    const approved = await orga.post(`/c/records/orga/requests/${id}/approve`, {})
    t.equal(approved.statusCode, 303)
    t.match(text((await orga.get('/c/records/orga/requests')).body), 'Approved Rita Requester')
    t.match(text((await orga.get('/c/records/orga/requests')).body), 'No requests are waiting')
    const twice = await orga.post(`/c/records/orga/requests/${id}/approve`, {}, { csrfFrom: '/c/records/orga/requests' })
    t.equal(twice.statusCode, 409)
    t.match(text(twice.body), 'no longer waiting for a decision')

    const mail = (await mailsTo(app, 'rita@archives.gov')).at(-1)!
    t.match(mail.subject, 'your request to join Records Managers was approved')
    const { url, token } = await linkIn(app, 'rita@archives.gov', '/join/verify')
    const landing = await c.get(url)
    t.equal(landing.statusCode, 200)
    t.match(text(landing.body), 'An organizer approved your request')
    t.notOk(c.cookies.has('convene_session'), 'opening the link does not sign in')
    const signIn = await c.post('/join/verify', { token })
    t.equal(signIn.headers.location, '/c/records/join/norms')
    const norms = await c.get('/c/records/join/norms')
    t.match(text(norms.body), 'Accept the norms of Records Managers')
    t.match(text(norms.body), 'Sign out (Rita Requester)')
    await c.post('/c/records/join/norms', { accept_norms: 'yes' })
    const home = await c.get('/c/records')
    t.match(text(home.body), 'Welcome to Records Managers!')
    t.match(text(home.body), 'Member directory')
    t.notMatch(text(home.body), 'Requests to join', 'a member sees no organizer links')
  })

  t.test('a signed-in member who is approved finishes from the landing page', async (t) => {
    const member = await createMember(app.db, { email: 'mo@state.gov', full_name: 'Mo Member' })
    const c = new Client(app)
    await signInAs(c, member)
    const res = await c.post('/c/records/join', { note: 'Please' }, { csrfFrom: '/c/records/join' })
    t.equal(res.statusCode, 200)
    t.match(text(res.body), 'Your request is waiting for an organizer')
    t.match(text((await c.get('/c/records')).body), 'Your request to join is waiting for an organizer')
    t.match(text((await c.get('/c/records/join')).body), 'Your request is waiting for an organizer', 'no second request')
    t.equal((await app.db.selectFrom('join_requests').select('id').where('member_id', '=', member.id).execute()).length, 1)
    const list = await orga.get('/c/records/orga/requests')
    const id = new RegExp(`/orga/requests/(\\d+)/approve`).exec(list.body.slice(list.body.indexOf('Mo Member')))![1]
    await orga.post(`/c/records/orga/requests/${id}/approve`, {})
    const landing = await c.get('/c/records')
    t.match(text(landing.body), 'An organizer approved your request')
    t.match(landing.body, 'href="/c/records/join/norms"')
  })

  t.test('decline with a note', async (t) => {
    const { c } = await requestAndVerify('dee@agency.gov', 'Let me in')
    const list = await orga.get('/c/records/orga/requests')
    const id = /\/orga\/requests\/(\d+)\/decline/.exec(list.body)![1]
    const long = 'n'.repeat(2001)
    const tooLong = await orga.post(`/c/records/orga/requests/${id}/decline`, { decision_note: long })
    t.equal(tooLong.statusCode, 400, 'a note over its limit is an error, not mailed cut')
    t.match(text(tooLong.body), 'The note with a decline must be 2000 characters or fewer (you entered 2001).')
    t.ok(tooLong.body.includes(`>${long}</textarea>`), 'the note is kept, uncut')
    t.equal((await app.db.selectFrom('join_requests').select('status').where('email', '=', 'dee@agency.gov').executeTakeFirstOrThrow()).status, 'pending', 'nothing decided')
    const ask = await orga.post(`/c/records/orga/requests/${id}/decline`, { decision_note: 'This group is for records officers.' })
    t.equal(ask.statusCode, 200, 'a decline is confirmed on a page of its own first')
    t.match(text(ask.body), 'Decline the request from Rita Requester?')
    t.match(text(ask.body), 'This group is for records officers.')
    t.equal((await app.db.selectFrom('join_requests').select('status').where('email', '=', 'dee@agency.gov').executeTakeFirstOrThrow()).status, 'pending', 'not declined before the confirmation')
    t.equal(await mailsTo(app, 'dee@agency.gov').then((m) => m.filter((x) => x.kind === 'join-declined').length), 0, 'nobody mailed yet')
    t.match(ask.body, 'name="confirm" value="yes"')
    const res = await orga.post(`/c/records/orga/requests/${id}/decline`, { decision_note: 'This group is for records officers.', confirm: 'yes' })
    t.equal(res.statusCode, 303)
    t.match(text((await orga.get('/c/records/orga/requests')).body), 'Declined the request from Rita Requester')
    const mail = (await mailsTo(app, 'dee@agency.gov')).at(-1)!
    t.match(mail.text_body, 'has declined your request')
    t.match(mail.text_body, 'This group is for records officers.')
    const row = await app.db.selectFrom('join_requests').selectAll().where('email', '=', 'dee@agency.gov').executeTakeFirstOrThrow()
    t.equal(row.status, 'rejected')
    t.equal(row.decided_by, organizer.id)
    t.equal((await c.get('/c/records')).statusCode, 200)
    const history = text((await orga.get('/c/records/orga/requests')).body)
    t.match(history, 'Decided requests')
    t.match(history, /Rita Requester, National Archives Declined Olive Organizer .* This group is for records officers\./, 'the decision, by whom, when, with the note')
    t.match(history, /Rita Requester, National Archives Approved( \(joined\))? Olive Organizer/, 'the earlier approval too')
    t.notOk(await app.db.selectFrom('memberships').select('id').where('member_id', '=', row.member_id!).executeTakeFirst())
  })

  t.test('invitations: new person and existing member; bypass domain and approval', async (t) => {
    const form = await orga.get('/c/records/orga/invitations')
    t.equal(form.statusCode, 200)
    const bad = await orga.post('/c/records/orga/invitations', { emails: 'ivy@gmail.com\nnot an address' })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), '“not an address” is not an email address')
    t.match(bad.body, 'ivy@gmail.com\nnot an address')
    const tooMany = await orga.post('/c/records/orga/invitations', { emails: `ivy@gmail.com\n${'x'.repeat(50_000)}` })
    t.equal(tooMany.statusCode, 400)
    t.match(text(tooMany.body), 'The email addresses must be 50000 characters or fewer (you entered 50014).')
    t.ok(tooMany.body.includes('x'.repeat(50_000)), 'the list is kept, uncut')
    const existing = await createMember(app.db, { email: 'eve@contractor.com', full_name: 'Eve Existing' })
    const sent = await orga.post('/c/records/orga/invitations', { emails: 'Ivy@gmail.com\neve@contractor.com\nolive@nist.gov' })
    t.equal(sent.statusCode, 303)
    const after = text((await orga.get('/c/records/orga/invitations')).body)
    t.match(after, 'Sent 2 invitations. Already members, not invited: olive@nist.gov.')
    t.match(after, 'ivy@gmail.com')

    // A new person: one button, then a short form for name and agency, then the norms.
    const { url, token } = await linkIn(app, 'ivy@gmail.com', '/invitations/accept')
    const ivy = new Client(app)
    const page = await ivy.get(url)
    t.equal(page.statusCode, 200)
    t.equal(page.headers['referrer-policy'], 'no-referrer')
    t.match(text(page.body), 'You are invited to join Records Managers as ivy@gmail.com')
    t.equal((await app.db.selectFrom('email_tokens').select('used_at').where('email', '=', 'ivy@gmail.com').executeTakeFirstOrThrow()).used_at, null)
    const profile = await ivy.post('/invitations/accept', { token })
    t.equal(profile.statusCode, 200)
    t.match(text(profile.body), 'About you')
    const missing = await ivy.post('/invitations/accept', { token, profile: '1', full_name: 'Ivy Invitee', agency: '' })
    t.equal(missing.statusCode, 400)
    t.match(text(missing.body), 'Enter your agency.')
    t.match(missing.body, 'value="Ivy Invitee"')
    const long = await ivy.post('/invitations/accept', { token, profile: '1', full_name: 'I'.repeat(201), agency: 'GSA' })
    t.equal(long.statusCode, 400, 'an over-long name is an error, not cut')
    t.match(text(long.body), 'Your full name must be 200 characters or fewer (you entered 201).')
    t.match(long.body, `value="${'I'.repeat(201)}"`, 'the name is kept as typed')
    const done = await ivy.post('/invitations/accept', { token, profile: '1', full_name: 'Ivy Invitee', agency: 'GSA' })
    t.equal(done.statusCode, 303)
    t.equal(done.headers.location, '/c/records/join/norms')
    await ivy.get('/c/records/join/norms')
    await ivy.post('/c/records/join/norms', { accept_norms: 'yes' })
    t.match(text((await ivy.get('/c/records')).body), 'Welcome to Records Managers!')
    t.ok((await app.db.selectFrom('invitations').select('accepted_at').where('email', '=', 'ivy@gmail.com').executeTakeFirstOrThrow()).accepted_at)
    const reuse = await new Client(app).post('/invitations/accept', { token }, { csrfFrom: '/sign-in' })
    t.equal(reuse.statusCode, 400)
    t.match(text(reuse.body), 'already been used')

    // An existing account: one button signs in and goes to the norms.
    const eve = new Client(app)
    const link = await linkIn(app, 'eve@contractor.com', '/invitations/accept')
    await eve.get(link.url)
    const accepted = await eve.post('/invitations/accept', { token: link.token })
    t.equal(accepted.headers.location, '/c/records/join/norms')
    await eve.get('/c/records/join/norms')
    await eve.post('/c/records/join/norms', { accept_norms: 'yes' })
    const home = await eve.get('/c/records')
    t.match(text(home.body), 'Welcome to Records Managers!')
    t.match(text(home.body), 'Sign out (Eve Existing)')
    t.ok(existing)
  })

  t.test('an expired invitation is refused', async (t) => {
    await orga.post('/c/records/orga/invitations', { emails: 'late@agency.gov' }, { csrfFrom: '/c/records/orga/invitations' })
    const { url } = await linkIn(app, 'late@agency.gov', '/invitations/accept')
    await app.db.updateTable('email_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('email', '=', 'late@agency.gov').execute()
    const res = await new Client(app).get(url)
    t.equal(res.statusCode, 400)
    t.match(text(res.body), 'This invitation has expired')
  })
})
