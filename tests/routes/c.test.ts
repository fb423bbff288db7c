import t from 'tap'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'

t.test('community pages', async (t) => {
  const { app } = await createTestApp(t)
  const organizer = await createMember(app.db, { email: 'olive@nist.gov', full_name: 'Olive Organizer', agency: 'NIST' })
  const member = await createMember(app.db, { email: 'max@nist.gov', full_name: 'Max Member' })
  const neighbour = await createMember(app.db, { email: 'nia@dot.gov', full_name: 'Nia Neighbour' })
  const admin = await createMember(app.db, { email: 'ada@gsa.gov', full_name: 'Ada Admin', is_admin: true })
  const community = await createCommunity(app.db, {
    slug: 'dna', name: 'DNA Analysts', about: 'Crime-lab DNA practice.', organizer, members: [member],
    allowed_domains: ['*.gov', 'fbi.gov'], requires_approval: true
  })
  await app.db.insertInto('requirements').values({ community_id: community.id, name: 'FBI Quality Assurance Standards for DNA databasing', position: 0 }).execute()
  await createCommunity(app.db, { slug: 'roads', name: 'Road Engineers', organizer: neighbour })

  async function as (who: typeof member | null) {
    const c = new Client(app)
    if (who) await signInAs(c, who)
    return c
  }

  t.test('outsiders and non-members see the public landing page only', async (t) => {
    for (const who of [null, neighbour]) {
      const res = await (await as(who)).get('/c/dna')
      t.equal(res.statusCode, 200)
      const page = text(res.body)
      t.match(page, 'DNA Analysts')
      t.match(page, 'Crime-lab DNA practice.')
      t.match(page, 'FBI Quality Assurance Standards for DNA databasing')
      t.match(page, 'Be present')
      t.match(page, 'What you post may be subject to FOIA.')
      t.match(page, 'Anyone with a verified email address at *.gov, fbi.gov may ask to join. An organizer reviews each request.')
      t.match(page, 'Ask to join')
      for (const name of ['Olive Organizer', 'Max Member', 'olive@nist.gov', 'max@nist.gov']) t.notMatch(page, name, `no ${name}`)
      t.notMatch(res.body, '/c/dna/members')
      t.notMatch(res.body, '/orga/')
    }
  })

  t.test('members see the community home; organizers also their pages', async (t) => {
    const m = await (await as(member)).get('/c/dna')
    const page = text(m.body)
    t.match(page, 'Organizers Olive Organizer , NIST')
    t.match(m.body, 'href="/c/dna/members"')
    t.notMatch(m.body, '/c/dna/orga/')
    t.notMatch(page, 'Ask to join')
    const o = await (await as(organizer)).get('/c/dna')
    for (const p of ['requests', 'invitations', 'organizers', 'settings']) t.match(o.body, `href="/c/dna/orga/${p}"`)
    const a = await (await as(admin)).get('/c/dna')
    t.match(a.body, 'href="/c/dna/orga/settings"', 'a site admin manages any community')
    t.equal((await (await as(null)).get('/c/no-such-community')).statusCode, 404)
  })

  t.test('a member of another community gets 404 on this one’s member pages', async (t) => {
    const c = await as(neighbour)
    for (const url of ['/c/dna/members', '/c/dna/orga/requests', '/c/dna/orga/settings']) {
      const res = await c.get(url)
      t.equal(res.statusCode, 404, url)
      t.notMatch(text(res.body), 'Max Member')
    }
    const own = await c.get('/c/roads')
    t.match(text(own.body), 'Member directory', 'their own community is their home')
  })

  t.test('site admins create communities; everyone else gets 404', async (t) => {
    for (const who of [null, member, organizer]) {
      t.equal((await (await as(who)).get('/admin/communities/new')).statusCode, 404)
    }
    const m = await as(member)
    t.equal((await m.post('/admin/communities/new', { slug: 'x', name: 'X' }, { csrfFrom: '/c/dna' })).statusCode, 404)

    const c = await as(admin)
    const form = await c.get('/admin/communities/new')
    t.equal(form.statusCode, 200)
    t.match(text(form.body), 'New community')
    t.match(form.body, 'Make space, take space', 'default norms filled in')

    const fields = {
      slug: 'DNA', name: 'Another DNA group', about: '', requirements: 'QAS', norms: 'Be present',
      public_records_notice: 'FOIA applies.', allowed_domains: '*.gov', requires_approval: 'yes'
    }
    const badSlug = await c.post('/admin/communities/new', fields)
    t.equal(badSlug.statusCode, 400)
    t.match(text(badSlug.body), 'Use only lowercase letters, digits and hyphens')
    t.match(badSlug.body, 'value="Another DNA group"')
    const taken = await c.post('/admin/communities/new', { ...fields, slug: 'dna' })
    t.equal(taken.statusCode, 400)
    t.match(text(taken.body), 'The address /c/dna is taken by another community. Choose another.')
    const created = await c.post('/admin/communities/new', { ...fields, slug: 'dna-west' })
    t.equal(created.statusCode, 303)
    t.equal(created.headers.location, '/c/dna-west')
    const home = await c.get('/c/dna-west')
    t.match(text(home.body), 'Another DNA group is created, and you are its first organizer.')
    t.match(text(home.body), 'Organizers Ada Admin')
    const row = await app.db.selectFrom('communities').selectAll().where('slug', '=', 'dna-west').executeTakeFirstOrThrow()
    t.same(row.allowed_domains, ['*.gov'])
    t.equal(row.requires_approval, true)
    t.equal(row.invitation_only, false)
  })
})
