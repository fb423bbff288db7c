import t from 'tap'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { addMembership, createCommunity, createMember, signInAs } from '../../fixtures/factories.js'

t.test('member profiles', async (t) => {
  const { app } = await createTestApp(t)
  const ada = await createMember(app.db, { full_name: 'Ada Analyst', agency: 'Ohio BCI', email: 'ada@bci.ohio.gov' })

  const good = {
    full_name: 'Ada Analyst', agency: 'Ohio Bureau of Criminal Investigation', job_title: 'Forensic Scientist',
    state: 'Massachusetts', metro: 'Greater Boston', expertise: 'STR analysis, CODIS, STR analysis',
    ask_me_about: 'Mixture interpretation', bio: 'Ten years at the bench.\n\nNow a technical leader.', pronouns: 'she/her'
  }

  t.test('outsiders are sent to sign in', async (t) => {
    const res = await new Client(app).get('/profile')
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/sign-in?next=%2Fprofile')
  })

  t.test('the form shows the current profile', async (t) => {
    const c = new Client(app)
    await signInAs(c, ada)
    const res = await c.get('/profile')
    t.equal(res.statusCode, 200)
    t.match(text(res.body), 'Your profile')
    t.match(res.body, 'value="Ohio BCI"')
    t.match(res.body, '<option value="Puerto Rico">Puerto Rico</option>', 'territories are choices')
    t.match(res.body, '<option value="District of Columbia">')
  })

  t.test('name and agency are required; input is kept', async (t) => {
    const c = new Client(app)
    await signInAs(c, ada)
    const res = await c.post('/profile', { ...good, full_name: '', agency: ' ' }, { csrfFrom: '/profile' })
    t.equal(res.statusCode, 400)
    const page = text(res.body)
    t.match(page, 'There are 2 problems')
    t.match(page, 'Enter your full name.')
    t.match(page, 'Enter your agency.')
    t.match(res.body, 'value="Forensic Scientist"')
    t.match(res.body, 'value="Greater Boston"')
    t.match(res.body, '<option value="Massachusetts" selected>')
    t.match(res.body, 'Ten years at the bench.')
    t.equal((await app.db.selectFrom('members').select('agency').where('id', '=', ada.id).executeTakeFirstOrThrow()).agency, 'Ohio BCI', 'nothing saved')
  })

  t.test('too-long input and an unknown state are refused, not cut', async (t) => {
    const c = new Client(app)
    await signInAs(c, ada)
    const long = 'x'.repeat(1001)
    const res = await c.post('/profile', {
      ...good, bio: long, full_name: 'A'.repeat(121), state: 'Atlantis', expertise: 'y'.repeat(41)
    }, { csrfFrom: '/profile' })
    t.equal(res.statusCode, 400)
    const page = text(res.body)
    t.match(page, 'Your bio must be 1000 characters or fewer (you entered 1001).')
    t.match(page, 'Your full name must be 120 characters or fewer (you entered 121).')
    t.match(page, 'Choose a state or territory from the list')
    t.match(page, 'Each area of expertise must be 40 characters or fewer')
    t.match(res.body, long, 'the long bio is kept for editing')
  })

  t.test('a valid profile is saved and shown', async (t) => {
    const c = new Client(app)
    await signInAs(c, ada)
    const res = await c.post('/profile', good, { csrfFrom: '/profile' })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, `/members/${ada.id}`)
    const page = await c.get(res.headers.location as string)
    t.equal(page.statusCode, 200)
    const body = text(page.body)
    t.match(body, 'Your profile is saved.')
    t.match(body, 'Ada Analyst (she/her)')
    t.match(body, 'Forensic Scientist, Ohio Bureau of Criminal Investigation')
    t.match(body, 'Region Greater Boston, Massachusetts')
    t.match(body, 'Ask me about Mixture interpretation')
    t.match(body, 'Edit your profile')
    t.match(page.body, '<p>Ten years at the bench.</p>')
    const row = await app.db.selectFrom('members').selectAll().where('id', '=', ada.id).executeTakeFirstOrThrow()
    t.same(row.expertise, ['STR analysis', 'CODIS'], 'tags split on commas, duplicates dropped')
    t.equal(row.region, 'Greater Boston, Massachusetts')
    const again = await c.get('/profile')
    t.match(again.body, '<option value="Massachusetts" selected>', 'the region splits back into its two fields')
    t.match(again.body, 'value="Greater Boston"')
    t.match(again.body, 'value="STR analysis, CODIS"')

    const cleared = await c.post('/profile', { full_name: 'Ada Analyst', agency: 'Ohio BCI' }, { csrfFrom: '/profile' })
    t.equal(cleared.statusCode, 303)
    const row2 = await app.db.selectFrom('members').selectAll().where('id', '=', ada.id).executeTakeFirstOrThrow()
    t.same([row2.job_title, row2.region, row2.expertise, row2.bio, row2.pronouns], [null, null, [], null, null], 'optional fields can be emptied')
  })
})

t.test('member pages: only for members who share a community', async (t) => {
  const { app } = await createTestApp(t)
  const viewer = await createMember(app.db, { full_name: 'Vera Viewer' })
  const peer = await createMember(app.db, { full_name: 'Pat Peer', agency: 'Texas DPS', job_title: 'CODIS Administrator', region: 'Texas' })
  const stranger = await createMember(app.db, { full_name: 'Stan Stranger', agency: 'Elsewhere Agency' })
  const admin = await createMember(app.db, { full_name: 'Sam Admin', is_admin: true })
  const shared = await createCommunity(app.db, { name: 'Forensic DNA Analysts', members: [viewer, peer] })
  await createCommunity(app.db, { name: 'Records Managers Network', members: [peer, stranger] })
  await app.db.updateTable('members').set({ ask_me_about: 'Keyboard searches', expertise: ['CODIS', 'NDIS'], pronouns: 'he/him', bio: 'Lab veteran.' })
    .where('id', '=', peer.id).execute()

  t.test('a member who shares a community sees the page, and only the shared communities', async (t) => {
    const c = new Client(app)
    await signInAs(c, viewer)
    const res = await c.get(`/members/${peer.id}`)
    t.equal(res.statusCode, 200)
    const page = text(res.body)
    t.match(page, 'Pat Peer (he/him)')
    t.match(page, 'CODIS Administrator, Texas DPS')
    t.match(page, 'Region Texas')
    t.match(page, 'Expertise CODIS NDIS')
    t.match(page, 'Ask me about Keyboard searches')
    t.match(page, 'Lab veteran.')
    t.match(page, 'Communities you share Forensic DNA Analysts')
    t.notMatch(page, 'Records Managers Network', 'not a community the viewer belongs to')
    t.notMatch(page, 'Edit your profile')
    t.match(res.body, `href="/c/${shared.slug}/members"`)
  })

  t.test('no shared community: 404, as if the member did not exist', async (t) => {
    const c = new Client(app)
    await signInAs(c, viewer)
    const res = await c.get(`/members/${stranger.id}`)
    t.equal(res.statusCode, 404)
    t.match(text(res.body), 'Page not found')
    t.notMatch(text(res.body), 'Stan Stranger')
    const missing = await c.get('/members/999999')
    t.equal(missing.statusCode, 404)
    t.equal(text(missing.body), text(res.body), 'the same page as for a member who does not exist')
  })

  t.test('outsiders get 404, including for odd ids', async (t) => {
    const c = new Client(app)
    for (const id of [String(peer.id), 'abc', '1e3', '-1', '0', '99999999999999999999', '%3Cscript%3E']) {
      const res = await c.get(`/members/${id}`)
      t.equal(res.statusCode, 404, `/members/${id}`)
      t.notMatch(text(res.body), 'Pat Peer')
    }
  })

  t.test('site admins see every member, with all their communities', async (t) => {
    const c = new Client(app)
    await signInAs(c, admin)
    const res = await c.get(`/members/${stranger.id}`)
    t.equal(res.statusCode, 200)
    t.match(text(res.body), 'Stan Stranger')
    t.match(text(res.body), 'Communities Records Managers Network')
  })

  t.test('a member sees their own page even before joining a community', async (t) => {
    const loner = await createMember(app.db, { full_name: 'Lou Loner' })
    const c = new Client(app)
    await signInAs(c, loner)
    const res = await c.get(`/members/${loner.id}`)
    t.equal(res.statusCode, 200)
    t.match(text(res.body), 'Not a member of any community yet.')
    t.equal((await c.get(`/members/${viewer.id}`)).statusCode, 404)
  })
})

t.test('community directory', async (t) => {
  const { app } = await createTestApp(t)
  const organizer = await createMember(app.db, { full_name: 'Olga Organizer', agency: 'FBI Laboratory' })
  const member = await createMember(app.db, { full_name: 'Mo Member', agency: 'Georgia Bureau of Investigation', region: 'Atlanta, Georgia' })
  const evil = await createMember(app.db, { full_name: '<script>alert(1)</script>', agency: 'A & B "Labs"' })
  const nonMember = await createMember(app.db, { full_name: 'Nora Nonmember' })
  const admin = await createMember(app.db, { full_name: 'Sam Admin', is_admin: true })
  const dna = await createCommunity(app.db, { slug: 'dna', name: 'Forensic DNA Analysts', organizer, members: [member, evil] })
  await createCommunity(app.db, { slug: 'records', name: 'Records Managers Network', members: [nonMember] })
  await app.db.updateTable('members').set({ expertise: ['Rapid DNA', 'CODIS'] }).where('id', '=', member.id).execute()
  // Enough members for three pages.
  for (let i = 0; i < 55; i++) {
    const m = await createMember(app.db, { full_name: `Zed Analyst ${String(i).padStart(2, '0')}`, agency: i % 2 ? 'Texas DPS' : 'Ohio BCI 100%' })
    await addMembership(app.db, dna.id, m.id)
  }

  t.test('outsiders and non-members get 404', async (t) => {
    const outsider = await new Client(app).get('/c/dna/members')
    t.equal(outsider.statusCode, 404)
    t.notMatch(text(outsider.body), 'Mo Member')
    const c = new Client(app)
    await signInAs(c, nonMember)
    const res = await c.get('/c/dna/members')
    t.equal(res.statusCode, 404)
    t.notMatch(text(res.body), 'Mo Member')
    t.equal((await c.get('/c/nope/members')).statusCode, 404)
  })

  t.test('members see the directory, paged, with links to member pages', async (t) => {
    const c = new Client(app)
    await signInAs(c, member)
    const res = await c.get('/c/dna/members')
    t.equal(res.statusCode, 200)
    const page = text(res.body)
    t.match(page, 'Members of Forensic DNA Analysts')
    t.match(page, '58 members; showing 1–25.')
    t.match(page, 'Mo Member')
    t.match(page, 'Georgia Bureau of Investigation')
    t.match(page, 'Rapid DNA · CODIS')
    t.match(res.body, `href="/members/${member.id}"`)
    t.match(page, 'Page 1 of 3')
    t.match(res.body, 'href="/c/dna/members?page=2"')
    const p3 = await c.get('/c/dna/members?page=3')
    t.match(text(p3.body), 'showing 51–58.')
    t.match(text(p3.body), 'Zed Analyst 54')
    t.match(p3.body, 'href="/c/dna/members?page=2"')
    t.notMatch(p3.body, 'page=4')
    const far = await c.get('/c/dna/members?page=99')
    t.equal(far.statusCode, 200)
    t.match(text(far.body), 'There are no more members on this page.')
    const junk = await c.get('/c/dna/members?page=abc')
    t.equal(junk.statusCode, 400, 'a page that is not a number is refused')
    t.match(text(junk.body), 'The page number must be a whole number from 1.')
  })

  t.test('search by name, agency, expertise and region', async (t) => {
    const c = new Client(app)
    await signInAs(c, member)
    const byName = text((await c.get('/c/dna/members?q=olga')).body)
    t.match(byName, '1 member match “olga”.')
    t.match(byName, 'Olga Organizer')
    const byAgency = text((await c.get('/c/dna/members?q=Texas+DPS')).body)
    t.match(byAgency, '27 members match “Texas DPS”')
    t.match(byAgency, 'Page 1 of 2')
    const paged = await c.get('/c/dna/members?q=Texas+DPS&page=2')
    t.match(paged.body, 'href="/c/dna/members?q=Texas%20DPS&amp;page=1"', 'paging keeps the search')
    t.match(text((await c.get('/c/dna/members?q=rapid')).body), 'Mo Member')
    t.match(text((await c.get('/c/dna/members?q=georgia')).body), '1 member match')
    t.match(text((await c.get('/c/dna/members?q=100%25')).body), '28 members match “100%”', '% is searched for, not a wildcard')
    const none = text((await c.get('/c/dna/members?q=Nora')).body)
    t.match(none, 'No members match “Nora”.', 'members of other communities are not found')
    const long = await c.get(`/c/dna/members?q=${'x'.repeat(101)}`)
    t.equal(long.statusCode, 400, 'an over-long search is refused, not cut')
    t.match(long.headers['content-type'], 'text/html')
    t.match(text(long.body), 'The search must be 100 characters or fewer (you entered 101).')
  })

  t.test('organizers and site admins see the directory', async (t) => {
    for (const who of [organizer, admin]) {
      const c = new Client(app)
      await signInAs(c, who)
      const res = await c.get('/c/dna/members?q=member')
      t.equal(res.statusCode, 200)
      t.match(text(res.body), 'Mo Member')
    }
  })

  t.test('names and agencies are escaped', async (t) => {
    const c = new Client(app)
    await signInAs(c, member)
    const list = await c.get('/c/dna/members?q=alert')
    t.notMatch(list.body, '<script>alert(1)</script>')
    t.match(list.body, '&lt;script&gt;alert(1)&lt;/script&gt;')
    t.match(list.body, 'A &amp; B &quot;Labs&quot;')
    const show = await c.get(`/members/${evil.id}`)
    t.equal(show.statusCode, 200)
    t.notMatch(show.body, '<script>alert(1)</script>')
    t.match(show.body, '<h1>&lt;script&gt;alert(1)&lt;/script&gt;')
    t.match(show.body, '<title>&lt;script&gt;alert(1)&lt;/script&gt; · Convene</title>')
    const search = await c.get('/c/dna/members?q=%3Cb%3Ebold')
    t.notMatch(search.body, '<b>bold')
    t.match(search.body, 'value="&lt;b&gt;bold"')
  })
})
