import t from 'tap'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, signInAs } from '../fixtures/factories.js'
import { buildWorld } from '../fixtures/world.js'

t.test('the audit log records organizer and admin actions, and only the right people read it', async (t) => {
  const { app } = await createTestApp(t)
  const admin = await createMember(app.db, { full_name: 'Sam Admin', email: 'sam@gsa.gov', is_admin: true })
  const w = await buildWorld(app.db, { community: { slug: 'records', name: 'Records Managers', allowed_domains: ['*.gov'] } })
  const [ada, ben] = w.members
  const other = await createCommunity(app.db, { slug: 'dna', name: 'DNA Analysts', organizer: await createMember(app.db, { full_name: 'Dee Other' }) })
  await createEvent(app.db, other, { title: 'Secret DNA meetup', status: 'draft' })

  const orga = new Client(app)
  await signInAs(orga, w.organizer)
  const draft = await createEvent(app.db, w.community, { title: 'Records Day 2027', status: 'draft' })
  t.equal((await orga.post(`/c/records/orga/events/${draft.id}/publish`, { confirm: 'yes' }, { csrfFrom: '/c/records/orga/requests' })).statusCode, 303)
  t.equal((await orga.post(`/c/records/orga/events/${w.event!.id}/cancel`, {})).statusCode, 303)
  const rita = await createMember(app.db, { full_name: 'Rita Requester', email: 'rita@nara.gov' })
  const reqs = await app.db.insertInto('join_requests').values([
    { community_id: w.community.id, email: 'rita@nara.gov', full_name: 'Rita Requester', agency: 'NARA', status: 'pending', member_id: rita.id },
    { community_id: w.community.id, email: 'dan@nara.gov', full_name: 'Dan Declined', agency: 'NARA', status: 'pending' }
  ]).returning('id').execute()
  t.equal((await orga.post(`/c/records/orga/requests/${reqs[0].id}/approve`, {})).statusCode, 303)
  t.equal((await orga.post(`/c/records/orga/requests/${reqs[1].id}/decline`, { decision_note: 'Not a records role', confirm: 'yes' })).statusCode, 303)
  t.equal((await orga.post('/c/records/orga/organizers', { email: ada.email, starts_on: '', ends_on: '' })).statusCode, 303)
  const term = await app.db.selectFrom('coordinator_terms').select('id').where('member_id', '=', ada.id).executeTakeFirstOrThrow()
  t.equal((await orga.post(`/c/records/orga/organizers/${term.id}/end`, {})).statusCode, 303)
  t.equal((await orga.post('/c/records/orga/invitations', { emails: 'ivy@usda.gov' })).statusCode, 303)
  t.equal((await orga.post('/c/records/orga/settings', {
    name: 'Records Managers', about: 'Records.', requirements: '', norms: 'Be present', public_records_notice: 'FOIA.', allowed_domains: '*.gov'
  })).statusCode, 303)

  const boss = new Client(app)
  await signInAs(boss, admin)
  t.equal((await boss.post('/admin/admins', { email: ben.email }, { csrfFrom: '/admin' })).statusCode, 303)
  t.equal((await boss.post(`/admin/admins/${ben.id}/remove`, {})).statusCode, 303)
  t.equal((await boss.post('/admin/communities/new', {
    slug: 'grants', name: 'Grants People', about: '', requirements: '', norms: 'Be kind', public_records_notice: 'FOIA.', allowed_domains: '*.gov'
  })).statusCode, 303)

  t.test('a site admin reads every entry at /admin/audit, newest first', async (t) => {
    const res = await boss.get('/admin/audit')
    t.equal(res.statusCode, 200)
    const page = text(res.body)
    const expected = [
      'Sam Admin Created a community Grants People Grants People',
      'Sam Admin Removed a site admin — Ben Bench',
      'Sam Admin Made a site admin — Ben Bench',
      'Olive Organizer Changed the community settings Records Managers Records Managers',
      'Olive Organizer Sent invitations to join Records Managers ivy@usda.gov',
      'Olive Organizer Ended an organizer term Records Managers Ada Analyst',
      'Olive Organizer Added an organizer term Records Managers Ada Analyst',
      'Olive Organizer Declined a request to join Records Managers Dan Declined Not a records role',
      'Olive Organizer Approved a request to join Records Managers Rita Requester',
      'Olive Organizer Cancelled an event Records Managers Regional meetup',
      'Olive Organizer Published an event Records Managers Records Day 2027'
    ]
    let at = -1
    for (const line of expected) {
      const i = page.indexOf(line)
      t.ok(i > at, `in order: ${line}`)
      at = i
    }
    t.match(page, '11 entries, newest first.')
    t.match((await boss.get('/admin')).body, 'href="/admin/audit"')
  })

  t.test('organizers read their own community\'s log, nothing of another community', async (t) => {
    const res = await orga.get('/c/records/orga/audit')
    t.equal(res.statusCode, 200)
    const page = text(res.body)
    t.match(page, 'Audit log of Records Managers')
    t.match(page, 'Declined a request to join Dan Declined Not a records role')
    t.notMatch(page, 'Made a site admin')
    t.notMatch(page, 'Grants People')
    t.equal((await orga.get('/c/dna/orga/audit')).statusCode, 404)
  })

  t.test('members get 403, others 404; the site log is for site admins only', async (t) => {
    const member = new Client(app)
    await signInAs(member, ben)
    t.equal((await member.get('/c/records/orga/audit')).statusCode, 403)
    t.equal((await member.get('/admin/audit')).statusCode, 404)
    t.equal((await orga.get('/admin/audit')).statusCode, 404)
    t.equal((await new Client(app).get('/admin/audit')).statusCode, 404)
  })

  t.test('the log is paged, 50 a page', async (t) => {
    await app.db.insertInto('audit_entries').values(Array.from({ length: 45 }, (_, i) => ({
      actor_id: admin.id, actor_name: 'Sam Admin', action: 'settings.changed', community_id: w.community.id, target: `filler ${i}`
    }))).execute()
    const first = text((await boss.get('/admin/audit')).body)
    t.match(first, '56 entries, newest first.')
    t.match(first, 'Page 1 of 2')
    t.match(first, 'filler 44')
    t.notMatch(first, 'Records Day 2027')
    const second = await boss.get('/admin/audit?page=2')
    t.match(text(second.body), 'Published an event Records Managers Records Day 2027')
    t.match(text(second.body), 'Page 2 of 2')
    const bad = await boss.get('/admin/audit?page=zero')
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'The page number must be a whole number from 1.')
  })

  t.test('an action that fails writes no entry', async (t) => {
    const before = await app.db.selectFrom('audit_entries').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    const again = await orga.post(`/c/records/orga/requests/${reqs[0].id}/approve`, {})
    t.equal(again.statusCode, 409)
    const after = await app.db.selectFrom('audit_entries').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    t.equal(after.n, before.n)
  })
})
