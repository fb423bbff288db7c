import t from 'tap'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'

t.test('site admin index', async (t) => {
  const { app } = await createTestApp(t)
  const admin = await createMember(app.db, { full_name: 'Sam Admin', email: 'sam@gsa.gov', is_admin: true })
  const organizer = await createMember(app.db, { full_name: 'Olga Organizer', email: 'olga@fbi.gov' })
  const member = await createMember(app.db, { full_name: 'Mo Member', email: 'mo@doj.gov' })
  const dna = await createCommunity(app.db, { name: 'Forensic DNA Analysts', organizer, members: [member] })
  await createCommunity(app.db, { name: 'Records Managers Network', organizer })
  await app.db.insertInto('join_requests').values({
    community_id: dna.id, email: 'new@ksp.gov', full_name: 'New Person', agency: 'KSP', status: 'pending'
  }).execute()

  t.test('outsiders, members and organizers get 404', async (t) => {
    const outsider = await new Client(app).get('/admin')
    t.equal(outsider.statusCode, 404)
    t.match(text(outsider.body), 'Page not found')
    for (const who of [member, organizer]) {
      const c = new Client(app)
      await signInAs(c, who)
      const res = await c.get('/admin')
      t.equal(res.statusCode, 404, `${who.full_name} gets 404`)
      t.notMatch(text(res.body), 'Site admins')
      const post = await c.post('/admin/admins', { email: who.email }, { csrfFrom: '/profile' })
      t.equal(post.statusCode, 404)
    }
    t.equal((await app.db.selectFrom('members').select('id').where('is_admin', '=', true).execute()).length, 1, 'nobody made themselves admin')
  })

  t.test('the admin sees communities with member counts, a link to create one, and the admins', async (t) => {
    const c = new Client(app)
    await signInAs(c, admin)
    const res = await c.get('/admin')
    t.equal(res.statusCode, 200)
    const page = text(res.body)
    t.match(page, 'Site admin')
    t.match(page, 'Forensic DNA Analysts 2 1', 'two members, one pending request')
    t.match(page, 'Records Managers Network 1 0')
    t.match(res.body, 'href="/admin/communities/new"')
    t.match(page, 'Sam Admin')
    t.match(page, 'The only site admin')
  })

  t.test('making a member a site admin, and removing one', async (t) => {
    const c = new Client(app)
    await signInAs(c, admin)
    const unknown = await c.post('/admin/admins', { email: 'nobody@gsa.gov' }, { csrfFrom: '/admin' })
    t.equal(unknown.statusCode, 400)
    t.match(text(unknown.body), 'No member has the address nobody@gsa.gov')
    t.match(unknown.body, 'value="nobody@gsa.gov"')
    const long = `${'n'.repeat(250)}@gsa.gov`
    const over = await c.post('/admin/admins', { email: long }, { csrfFrom: '/admin' })
    t.equal(over.statusCode, 400)
    t.match(text(over.body), 'The member’s email address must be 254 characters or fewer (you entered 258).')
    t.match(over.body, `value="${long}"`, 'kept as typed')

    const made = await c.post('/admin/admins', { email: 'OLGA@fbi.gov' }, { csrfFrom: '/admin' })
    t.equal(made.statusCode, 303)
    const after = await c.get('/admin')
    t.match(text(after.body), 'Olga Organizer is now a site admin.')
    t.match(text(after.body), /Remove as site admin\s*: Olga Organizer/)

    const again = await c.post('/admin/admins', { email: 'olga@fbi.gov' }, { csrfFrom: '/admin' })
    t.equal(again.statusCode, 400)
    t.match(text(again.body), 'Olga Organizer is already a site admin.')

    const olga = new Client(app)
    await signInAs(olga, organizer)
    t.equal((await olga.get('/admin')).statusCode, 200, 'the new admin sees the admin page')

    const removed = await c.post(`/admin/admins/${organizer.id}/remove`, {}, { csrfFrom: '/admin' })
    t.equal(removed.statusCode, 303)
    t.match(text((await c.get('/admin')).body), 'Olga Organizer is no longer a site admin.')
    t.equal((await olga.get('/admin')).statusCode, 404, 'and no longer does')
  })

  t.test('the last site admin cannot be removed', async (t) => {
    const c = new Client(app)
    await signInAs(c, admin)
    const res = await c.post(`/admin/admins/${admin.id}/remove`, {}, { csrfFrom: '/admin' })
    t.equal(res.statusCode, 400)
    t.match(text(res.body), 'Convene needs at least one site admin')
    t.equal((await c.get('/admin')).statusCode, 200)
    const notAdmin = await c.post(`/admin/admins/${member.id}/remove`, {}, { csrfFrom: '/admin' })
    t.equal(notAdmin.statusCode, 400)
    t.match(text(notAdmin.body), 'That member is not a site admin.')
    const bad = await c.post('/admin/admins/abc/remove', {}, { csrfFrom: '/admin' })
    t.equal(bad.statusCode, 404)
  })

  t.test('an admin may step down while another admin remains', async (t) => {
    await app.db.updateTable('members').set({ is_admin: true }).where('id', '=', member.id).execute()
    const c = new Client(app)
    await signInAs(c, admin)
    const res = await c.post(`/admin/admins/${admin.id}/remove`, {}, { csrfFrom: '/admin' })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/')
    t.match(text((await c.get('/')).body), 'You are no longer a site admin.')
    t.equal((await c.get('/admin')).statusCode, 404)
  })
})

t.test('the new-community form: a limit is an error naming the field, with the input kept', async (t) => {
  const { app } = await createTestApp(t)
  const admin = await createMember(app.db, { full_name: 'Sam Admin', email: 'sam@gsa.gov', is_admin: true })
  const c = new Client(app)
  await signInAs(c, admin)
  const about = 'a'.repeat(2001)
  const fields = {
    slug: 'records', name: 'Records Managers', about, requirements: '', norms: 'Be present',
    public_records_notice: 'FOIA applies.', allowed_domains: `*.gov\n${'x'.repeat(300)}.gov`, requires_approval: 'yes'
  }
  const res = await c.post('/admin/communities/new', fields, { csrfFrom: '/admin/communities/new' })
  t.equal(res.statusCode, 400)
  const page = text(res.body)
  t.match(page, 'What we’re about must be 2000 characters or fewer (you entered 2001).')
  t.match(page, `“${'x'.repeat(40)}…” is not an email domain`, 'a bad domain is quoted by a short prefix')
  t.ok(res.body.includes(`>${about}</textarea>`), 'the text is kept, uncut')
  const long = await c.post('/admin/communities/new', { ...fields, about: '', allowed_domains: '*.gov', slug: 'r'.repeat(61) })
  t.equal(long.statusCode, 400)
  t.match(text(long.body), 'The address name must be 60 characters or fewer (you entered 61).')
  t.equal(await app.db.selectFrom('communities').select('id').executeTakeFirst(), undefined, 'nothing created')
})
