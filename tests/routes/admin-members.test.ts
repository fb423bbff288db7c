import t from 'tap'
import { Client, createTestApp, PUBLIC_URL, text } from '../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, signInAs } from '../fixtures/factories.js'
import { rsvpLinkUrls } from '../../src/domain/rsvps/rsvp-links.js'

t.test('site admins: look up a member across communities, deactivate an account, archive a community', async (t) => {
  const { app } = await createTestApp(t)
  const admin = await createMember(app.db, { full_name: 'Sam Admin', email: 'sam@gsa.gov', is_admin: true })
  const olive = await createMember(app.db, { full_name: 'Olive Organizer', email: 'olive@nist.gov' })
  const ada = await createMember(app.db, { full_name: 'Ada Analyst', email: 'ada@nist.gov', agency: 'NIST' })
  const dna = await createCommunity(app.db, { slug: 'dna', name: 'DNA Analysts', organizer: olive, members: [ada] })
  await createCommunity(app.db, { slug: 'records', name: 'Records Managers', organizer: olive, members: [ada] })
  const boss = new Client(app)
  await signInAs(boss, admin)

  await t.test('only site admins', async (t) => {
    const c = new Client(app)
    await signInAs(c, olive)
    t.equal((await c.get('/admin/members?q=ada')).statusCode, 404)
    t.equal((await c.post(`/admin/members/${ada.id}/deactivate`, { reason: 'x' }, { csrfFrom: '/profile' })).statusCode, 404)
    t.equal((await c.post(`/admin/communities/${dna.id}/archive`, {})).statusCode, 404)
  })

  await t.test('look up by name, agency or address, with their communities', async (t) => {
    const res = await boss.get('/admin/members?q=nist ada')
    t.equal(res.statusCode, 200)
    const page = text(res.body)
    t.match(page, '1 member match “nist ada”')
    t.match(page, 'Ada Analyst NIST ada@nist.gov DNA Analysts, Records Managers Active')
    t.match(text((await boss.get('/admin/members?q=olive@')).body), 'Olive Organizer')
    t.match(text((await boss.get(`/admin/members/${ada.id}`)).body), 'DNA Analysts , since')
    const long = await boss.get(`/admin/members?q=${'a'.repeat(101)}`)
    t.equal(long.statusCode, 400)
    t.match(text(long.body), 'The search must be 100 characters or fewer (you entered 101).')
  })

  await t.test('deactivate: a reason is required; then signed out, no sign-in link, logged', async (t) => {
    const asAda = new Client(app)
    await signInAs(asAda, ada)
    t.equal((await asAda.get('/profile')).statusCode, 200)
    const empty = await boss.post(`/admin/members/${ada.id}/deactivate`, { reason: '' }, { csrfFrom: `/admin/members/${ada.id}` })
    t.equal(empty.statusCode, 400)
    t.match(text(empty.body), 'Enter the reason (up to 500 characters): it is kept in the audit log.')
    t.equal((await boss.post(`/admin/members/${admin.id}/deactivate`, { reason: 'x' })).statusCode, 409, 'not oneself')

    const res = await boss.post(`/admin/members/${ada.id}/deactivate`, { reason: 'Left federal service' })
    t.equal(res.statusCode, 303)
    t.match(text((await boss.get(res.headers.location as string)).body), 'Ada Analyst’s account is deactivated')
    const profile = await asAda.get('/profile')
    t.equal(profile.statusCode, 303, 'their session no longer works')
    t.match(profile.headers.location, '/sign-in')
    const c = new Client(app)
    await c.post('/sign-in', { email: 'ada@nist.gov' }, { csrfFrom: '/sign-in' })
    const links = await app.db.selectFrom('mail_messages').select('id').where('to_address', '=', 'ada@nist.gov').where('kind', '=', 'sign-in').execute()
    t.equal(links.length, 0, 'no sign-in link is sent')
    t.match(text((await boss.get('/admin/audit')).body), 'Sam Admin Deactivated an account — Ada Analyst Left federal service')

    t.equal((await boss.post(`/admin/members/${ada.id}/reactivate`, {})).statusCode, 303)
    await c.post('/sign-in', { email: 'ada@nist.gov' }, { csrfFrom: '/sign-in' })
    t.equal((await app.db.selectFrom('mail_messages').select('id').where('to_address', '=', 'ada@nist.gov').where('kind', '=', 'sign-in').execute()).length, 1, 'reactivated: a link again')
  })

  await t.test('archive: off the home list, readable, read-only, logged', async (t) => {
    const asOlive = new Client(app)
    await signInAs(asOlive, olive)
    t.match(text((await asOlive.get('/')).body), 'DNA Analysts')
    const event = await createEvent(app.db, dna, { title: 'DNA meetup' })
    const link = new URL((await rsvpLinkUrls(app.db, app.secret, PUBLIC_URL, event.id, ada.id)).going).pathname
    const res = await boss.post(`/admin/communities/${dna.id}/archive`, {}, { csrfFrom: '/admin' })
    t.equal(res.statusCode, 303)
    t.match(text((await boss.get('/admin')).body), 'DNA Analysts Archived')
    t.notMatch(text((await asOlive.get('/')).body), 'DNA Analysts', 'hidden from the home list')
    t.match(text((await asOlive.get('/')).body), 'Records Managers')
    t.equal((await asOlive.get('/c/dna/events')).statusCode, 200, 'still readable')
    t.match(text((await asOlive.get('/c/dna')).body), 'This community is archived: its pages can be read')
    t.match(text((await new Client(app).get('/c/dna')).body), 'This community is archived', 'the landing page says so too')
    const write = await asOlive.post('/c/dna/orga/settings', { name: 'Changed' }, { csrfFrom: '/c/dna' })
    t.equal(write.statusCode, 403)
    t.match(text(write.body), 'This community is archived')
    t.match(text((await new Client(app).get(link)).body), 'This community is archived, so its events take no more answers.', 'emailed answer links stop too')
    t.match(text((await boss.get('/admin/audit')).body), 'Sam Admin Archived a community DNA Analysts DNA Analysts')
    t.equal((await boss.post(`/admin/communities/${dna.id}/archive`, {})).statusCode, 409)
  })
})
