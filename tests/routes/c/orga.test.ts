import t from 'tap'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../../fixtures/factories.js'

t.test('organizer pages', async (t) => {
  const { app } = await createTestApp(t)
  const organizer = await createMember(app.db, { email: 'olive@nist.gov', full_name: 'Olive Organizer' })
  const member = await createMember(app.db, { email: 'max@nist.gov', full_name: 'Max Member' })
  const stranger = await createMember(app.db, { email: 'sid@dot.gov', full_name: 'Sid Stranger' })
  const admin = await createMember(app.db, { email: 'ada@gsa.gov', full_name: 'Ada Admin', is_admin: true })
  const community = await createCommunity(app.db, { slug: 'forensics', name: 'Forensic Scientists', organizer, members: [member] })
  await createCommunity(app.db, { slug: 'elsewhere', name: 'Elsewhere', organizer: stranger })

  async function as (who: typeof member | null) {
    const c = new Client(app)
    if (who) await signInAs(c, who)
    return c
  }

  t.test('who may see them: outsider 404, non-member 404, member 403, organizer and admin 200', async (t) => {
    for (const page of ['requests', 'settings', 'organizers', 'invitations']) {
      const url = `/c/forensics/orga/${page}`
      const outsider = await (await as(null)).get(url)
      t.equal(outsider.statusCode, 404, `outsider ${page}`)
      t.match(text(outsider.body), 'Page not found')
      const nonMember = await (await as(stranger)).get(url)
      t.equal(nonMember.statusCode, 404, `non-member ${page}`)
      t.notMatch(text(nonMember.body), 'Forensic Scientists')
      const m = await (await as(member)).get(url)
      t.equal(m.statusCode, 403, `member ${page}`)
      t.match(text(m.body), 'Only this community’s organizers can do that.')
      const o = await (await as(organizer)).get(url)
      t.equal(o.statusCode, 200, `organizer ${page}`)
      t.match(text(o.body), 'Forensic Scientists')
      const a = await (await as(admin)).get(url)
      t.equal(a.statusCode, 200, `admin ${page}`)
    }
    const c = await as(member)
    const post = await c.post('/c/forensics/orga/settings', { name: 'Taken over' }, { csrfFrom: '/c/forensics' })
    t.equal(post.statusCode, 403, 'a member cannot POST either')
    t.equal((await app.db.selectFrom('communities').select('name').where('id', '=', community.id).executeTakeFirstOrThrow()).name, 'Forensic Scientists')
    t.equal((await (await as(stranger)).get('/c/nope/orga/requests')).statusCode, 404)
  })

  t.test('settings: validation keeps the input; a valid save shows everywhere', async (t) => {
    const c = await as(organizer)
    const page = await c.get('/c/forensics/orga/settings')
    t.match(page.body, 'name="allowed_domains"')
    t.match(page.body, '*.gov')
    const bad = await c.post('/c/forensics/orga/settings', {
      name: '', about: 'About <b>us</b>', requirements: 'FBI QAS', norms: '', public_records_notice: 'FOIA',
      allowed_domains: '*.gov\nagency .gov', requires_approval: 'yes'
    })
    t.equal(bad.statusCode, 400)
    const body = text(bad.body)
    t.match(body, 'There are 3 problems')
    t.match(body, 'Enter the community’s name.')
    t.match(body, 'Enter at least one norm')
    t.match(body, '“agency .gov” is not an email domain')
    t.match(bad.body, 'About &lt;b&gt;us&lt;/b&gt;')
    t.match(bad.body, '*.gov\nagency .gov')
    t.match(bad.body, /id="requires_approval"[^>]*checked/)

    const long = await c.post('/c/forensics/orga/settings', {
      name: 'n'.repeat(121), about: '', requirements: '', norms: 'Be present', public_records_notice: 'p'.repeat(2001), allowed_domains: '*.gov'
    })
    t.equal(long.statusCode, 400)
    t.match(text(long.body), 'The name must be 120 characters or fewer (you entered 121).')
    t.match(text(long.body), 'The public-records notice must be 2000 characters or fewer (you entered 2001).')
    t.ok(long.body.includes(`>${'p'.repeat(2001)}</textarea>`), 'the notice is kept, uncut')
    t.equal((await app.db.selectFrom('communities').select('name').where('id', '=', community.id).executeTakeFirstOrThrow()).name, 'Forensic Scientists', 'nothing saved')

    const good = await c.post('/c/forensics/orga/settings', {
      name: 'Forensic Scientists', about: 'Crime-lab practice.', requirements: 'FBI QAS\nISO/IEC 17025', norms: 'Be present\nAssume good intent',
      public_records_notice: 'Posts may be released under FOIA.', allowed_domains: '*.gov, fbi.gov', requires_approval: 'yes'
    })
    t.equal(good.statusCode, 303)
    t.match(text((await c.get('/c/forensics/orga/settings')).body), 'Settings saved.')
    const landing = text((await (await as(null)).get('/c/forensics')).body)
    t.match(landing, 'ISO/IEC 17025')
    t.match(landing, 'Assume good intent')
    t.match(landing, 'Posts may be released under FOIA.')
    t.match(landing, 'Anyone with a verified email address at *.gov, fbi.gov may ask to join. An organizer reviews each request.')
    const reqId = (await app.db.selectFrom('requirements').select('id').where('name', '=', 'FBI QAS').executeTakeFirstOrThrow()).id
    await c.post('/c/forensics/orga/settings', {
      name: 'Forensic Scientists', about: '', requirements: 'ISO/IEC 17025\nFBI QAS', norms: 'Be present',
      public_records_notice: 'FOIA', allowed_domains: '', invitation_only: 'yes'
    }, { csrfFrom: '/c/forensics/orga/settings' })
    const reqs = await app.db.selectFrom('requirements').select(['id', 'name']).where('community_id', '=', community.id).orderBy('position').execute()
    t.same(reqs.map((r) => r.name), ['ISO/IEC 17025', 'FBI QAS'])
    t.equal(reqs[1].id, reqId, 'a kept requirement keeps its id (events are tagged with it)')
    t.match(text((await (await as(null)).get('/c/forensics')).body), 'This community is by invitation only')
  })

  t.test('organizers: add, end, never none', async (t) => {
    const c = await as(organizer)
    const page = await c.get('/c/forensics/orga/organizers')
    t.match(text(page.body), 'Current organizers')
    t.match(text(page.body), 'Olive Organizer')

    const termId = (await app.db.selectFrom('coordinator_terms').select('id').where('member_id', '=', organizer.id).where('community_id', '=', community.id).executeTakeFirstOrThrow()).id
    const last = await c.post(`/c/forensics/orga/organizers/${termId}/end`, {})
    t.equal(last.statusCode, 409)
    t.match(text(last.body), 'Olive Organizer is the only current organizer. A community always keeps at least one organizer')
    t.equal((await app.db.selectFrom('coordinator_terms').select('ends_on').where('id', '=', termId).executeTakeFirstOrThrow()).ends_on, null)

    const notMember = await c.post('/c/forensics/orga/organizers', { email: 'sid@dot.gov', starts_on: '', ends_on: '' })
    t.equal(notMember.statusCode, 400)
    t.match(text(notMember.body), 'No member of this community has the address sid@dot.gov')
    t.match(notMember.body, /<select class="usa-select usa-input--error" id="email" name="email"/, 'the member list is shown again, marked in error (an address from elsewhere is never one of its options)')
    const longEmail = `${'m'.repeat(250)}@nist.gov`
    const tooLong = await c.post('/c/forensics/orga/organizers', { email: longEmail, starts_on: '2030-05-01 and on', ends_on: '' })
    t.equal(tooLong.statusCode, 400)
    t.match(text(tooLong.body), 'The email address must be 254 characters or fewer (you entered 259).')
    t.match(text(tooLong.body), 'Enter the start date as a real date, like 2026-01-31.')
    t.notMatch(tooLong.body, longEmail, 'an address that is no member\'s is not offered back')
    t.match(tooLong.body, 'value="2030-05-01 and on"')
    const badDates = await c.post('/c/forensics/orga/organizers', { email: 'max@nist.gov', starts_on: '2030-05-01', ends_on: '2030-04-01' })
    t.equal(badDates.statusCode, 400)
    t.match(text(badDates.body), 'The end date must be on or after the start date.')

    const added = await c.post('/c/forensics/orga/organizers', { email: 'MAX@nist.gov', starts_on: '', ends_on: '' })
    t.equal(added.statusCode, 303)
    const after = text((await c.get('/c/forensics/orga/organizers')).body)
    t.match(after, /Max Member is an organizer from \d{4}-\d{2}-\d{2}/)
    const maxClient = await as(member)
    t.equal((await maxClient.get('/c/forensics/orga/requests')).statusCode, 200, 'the new organizer has access today')
    const overlap = await c.post('/c/forensics/orga/organizers', { email: 'max@nist.gov', starts_on: '', ends_on: '' })
    t.match(text(overlap.body), 'Max Member already holds an organizer term in these dates')

    const future = await c.post('/c/forensics/orga/organizers', { email: 'olive@nist.gov', starts_on: '2099-01-01', ends_on: '2099-12-31' })
    t.equal(future.statusCode, 400, 'overlaps Olive’s open-ended term')

    // With Max in office, Olive's term can end: it moves to the past terms, and she loses access.
    const ended = await c.post(`/c/forensics/orga/organizers/${termId}/end`, {}, { csrfFrom: '/c/forensics/orga/organizers' })
    t.equal(ended.statusCode, 303)
    t.equal((await c.get('/c/forensics/orga/organizers')).statusCode, 403, 'Olive is a member again')
    const list = text((await maxClient.get('/c/forensics/orga/organizers')).body)
    t.match(list, /Past terms.*Olive Organizer/)
    const maxTerm = (await app.db.selectFrom('coordinator_terms').select('id').where('member_id', '=', member.id).executeTakeFirstOrThrow()).id
    const alone = await maxClient.post(`/c/forensics/orga/organizers/${maxTerm}/end`, {})
    t.equal(alone.statusCode, 409)
    t.match(text(alone.body), 'Max Member is the only current organizer')
    const unknown = await maxClient.post('/c/forensics/orga/organizers/999999/end', {}, { csrfFrom: '/c/forensics/orga/organizers' })
    t.equal(unknown.statusCode, 404)
  })

  t.test('every POST route refuses a missing CSRF token with 403', async (t) => {
    const c = await as(admin)
    await c.get('/c/forensics/orga/settings')
    const posts = [
      '/c/forensics/join', '/join/verify', '/c/forensics/join/norms', '/invitations/accept',
      '/c/forensics/orga/requests/1/approve', '/c/forensics/orga/requests/1/decline', '/c/forensics/orga/settings',
      '/c/forensics/orga/organizers', '/c/forensics/orga/organizers/1/end', '/c/forensics/orga/invitations',
      '/admin/communities/new'
    ]
    for (const url of posts) {
      const res = await c.post(url, { name: 'x', token: 'x', email: 'x@x.gov' }, { csrf: false })
      t.equal(res.statusCode, 403, url)
      t.match(text(res.body), 'This form has expired or was not sent from Convene', url)
    }
    t.equal((await app.db.selectFrom('communities').select('name').where('id', '=', community.id).executeTakeFirstOrThrow()).name, 'Forensic Scientists')
  })
})
