import t from 'tap'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, createRsvp, createSeries, signInAs } from '../../../fixtures/factories.js'
import { buildWorld } from '../../../fixtures/world.js'

t.test('delete a draft event', async (t) => {
  const { app } = await createTestApp(t)
  const w = await buildWorld(app.db)
  const draft = await createEvent(app.db, w.community, { title: 'Half-planned workshop', status: 'draft' })
  const orga = new Client(app)
  await signInAs(orga, w.organizer)

  const page = await orga.get(`/c/${w.community.slug}/events/${draft.id}`)
  t.match(text(page.body), 'Delete this draft')
  t.notMatch(text((await orga.get(`/c/${w.community.slug}/events/${w.event!.id}`)).body), 'Delete this draft', 'no delete button on a published event')

  const member = new Client(app)
  await signInAs(member, w.members[0])
  t.equal((await member.post(`/c/${w.community.slug}/orga/events/${draft.id}/delete`, {}, { csrfFrom: `/c/${w.community.slug}` })).statusCode, 403)

  const published = await orga.post(`/c/${w.community.slug}/orga/events/${w.event!.id}/delete`, {})
  t.equal(published.statusCode, 303)
  t.match(text((await orga.get(published.headers.location as string)).body), 'Only a draft can be deleted')
  t.ok(await app.db.selectFrom('events').select('id').where('id', '=', w.event!.id).executeTakeFirst(), 'a published event stays')

  const { series } = await createSeries(app.db, w.community, { by: w.organizer })
  const occurrence = await app.db.updateTable('events').set({ status: 'draft' }).where('series_id', '=', series.id).returning('id').executeTakeFirstOrThrow()
  await orga.post(`/c/${w.community.slug}/orga/events/${occurrence.id}/delete`, {})
  t.ok(await app.db.selectFrom('events').select('id').where('id', '=', occurrence.id).executeTakeFirst(), 'an occurrence of a series is not deleted')

  const res = await orga.post(`/c/${w.community.slug}/orga/events/${draft.id}/delete`, {})
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/c/${w.community.slug}/events`)
  t.match(text((await orga.get(res.headers.location as string)).body), 'The draft “Half-planned workshop” is deleted.')
  t.equal((await orga.get(`/c/${w.community.slug}/events/${draft.id}`)).statusCode, 404)
  t.match(text((await orga.get(`/c/${w.community.slug}/orga/audit`)).body), 'Deleted a draft event Half-planned workshop')
})

t.test('members for organizers: find by name, export, suspend, lift, remove', async (t) => {
  const { app } = await createTestApp(t)
  const w = await buildWorld(app.db, {
    community: { slug: 'records', name: 'Records Managers' },
    members: [{ full_name: 'Ada Analyst', agency: 'GSA' }, { full_name: 'Ben Bench', agency: 'NARA' }, { full_name: '=HYPERLINK("http://evil")', agency: '@SUM(1)' }],
    event: { title: 'Records Day', capacity: 1 }
  })
  const [ada, ben, evil] = w.members
  const stranger = await createMember(app.db, { full_name: 'Ada Outsider', agency: 'DOJ' })
  await createCommunity(app.db, { slug: 'other', name: 'Other', organizer: stranger })
  await createRsvp(app.db, w.event!, ada, { status: 'going' })
  await createRsvp(app.db, w.event!, ben, { status: 'waitlisted' })
  const orga = new Client(app)
  await signInAs(orga, w.organizer)
  const asAda = new Client(app)
  await signInAs(asAda, ada)

  await t.test('only organizers; a search lists members of this community only, by name and agency', async (t) => {
    t.equal((await asAda.get('/c/records/orga/members')).statusCode, 403)
    const found = await orga.get('/c/records/orga/members?q=ada')
    t.equal(found.statusCode, 200)
    const page = text(found.body)
    t.match(page, '1 member match “ada”')
    t.match(page, 'Ada Analyst GSA')
    t.notMatch(page, 'Ada Outsider', 'a member of another community is never shown')
    t.equal((await orga.get(`/c/records/orga/members/${stranger.id}`)).statusCode, 404)
    const long = await orga.get(`/c/records/orga/members?q=${'x'.repeat(101)}`)
    t.equal(long.statusCode, 400)
    t.match(text(long.body), 'The search must be 100 characters or fewer (you entered 101).')
  })

  await t.test('the member list as CSV, safe to open in a spreadsheet', async (t) => {
    const res = await orga.get('/c/records/orga/members.csv')
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], 'text/csv')
    t.match(res.headers['content-disposition'], 'attachment; filename="members-records.csv"')
    t.match(res.body, /^Name,Agency,Email,Job title,Region,Joined at,Suspended at\r\n/)
    t.match(res.body, 'Ada Analyst,GSA,')
    t.match(res.body, `"'=HYPERLINK(""http://evil"")",'@SUM(1),`)
    t.notMatch(res.body, 'Ada Outsider')
    t.equal((await asAda.get('/c/records/orga/members.csv')).statusCode, 403)
  })

  await t.test('suspend needs a reason; a suspended member loses their seat and the members-only pages', async (t) => {
    const empty = await orga.post(`/c/records/orga/members/${ada.id}/suspend`, { reason: '   ' }, { csrfFrom: `/c/records/orga/members/${ada.id}` })
    t.equal(empty.statusCode, 400)
    t.match(text(empty.body), 'Enter the reason (up to 500 characters): it is kept in the audit log.')
    t.equal((await asAda.get('/c/records/events')).statusCode, 200, 'nothing changed yet')

    const res = await orga.post(`/c/records/orga/members/${ada.id}/suspend`, { reason: 'Posted a colleague’s personal data' })
    t.equal(res.statusCode, 303)
    t.match(text((await orga.get(res.headers.location as string)).body), 'Ada Analyst is suspended. Their answer to 1 upcoming event was withdrawn.')
    const rsvps = await app.db.selectFrom('rsvps').select(['member_id', 'status']).where('event_id', '=', w.event!.id).orderBy('member_id').execute()
    t.same(rsvps.map((r) => [r.member_id, r.status]), [[ada.id, 'declined'], [ben.id, 'going']], 'withdrawn through the RSVP rules: the waitlist moves up')

    t.equal((await asAda.get('/c/records/events')).statusCode, 404, 'members-only pages are closed to them')
    t.equal((await asAda.get(`/c/records/events/${w.event!.id}`)).statusCode, 404)
    const rsvp = await asAda.post(`/c/records/events/${w.event!.id}/rsvp`, { choice: 'going' }, { csrfFrom: '/c/records' })
    t.equal(rsvp.statusCode, 404, 'no RSVP')
    t.notMatch(text((await orga.get('/c/records/members')).body), 'Ada Analyst', 'not in the directory')
    t.match(text((await orga.get('/c/records/orga/members?q=ada')).body), 'Ada Analyst GSA')
    t.match(text((await orga.get('/c/records/orga/members?q=ada')).body), 'Suspended')
    t.match(text((await orga.get('/c/records/orga/audit')).body), 'Suspended a member Ada Analyst Posted a colleague’s personal data')
  })

  await t.test('lifting the suspension opens the pages again', async (t) => {
    const res = await orga.post(`/c/records/orga/members/${ada.id}/reinstate`, {}, { csrfFrom: `/c/records/orga/members/${ada.id}` })
    t.equal(res.statusCode, 303)
    t.equal((await asAda.get('/c/records/events')).statusCode, 200)
    t.match(text((await orga.get('/c/records/orga/audit')).body), 'Lifted a suspension Ada Analyst')
  })

  await t.test('remove a member, with a reason; never an organizer', async (t) => {
    const self = await orga.post(`/c/records/orga/members/${w.organizer.id}/remove`, { reason: 'x' }, { csrfFrom: `/c/records/orga/members/${evil.id}` })
    t.equal(self.statusCode, 409)
    const res = await orga.post(`/c/records/orga/members/${evil.id}/remove`, { reason: 'Spam account' }, { csrfFrom: `/c/records/orga/members/${evil.id}` })
    t.equal(res.statusCode, 303)
    t.notOk(await app.db.selectFrom('memberships').select('id').where('member_id', '=', evil.id).executeTakeFirst())
    t.match(text((await orga.get('/c/records/orga/audit')).body), 'Removed a member =HYPERLINK("http://evil") Spam account')
  })
})

t.test('organizer and host forms pick a member of this community by name and agency', async (t) => {
  const { app } = await createTestApp(t)
  const w = await buildWorld(app.db, { community: { slug: 'records', name: 'Records Managers' }, members: [{ full_name: 'Ada Analyst', agency: 'GSA', email: 'ada@gsa.gov' }] })
  const outsider = await createMember(app.db, { full_name: 'Otto Outsider', agency: 'DOJ', email: 'otto@doj.gov' })
  await createCommunity(app.db, { slug: 'other', name: 'Other', organizer: outsider })
  const orga = new Client(app)
  await signInAs(orga, w.organizer)

  const page = await orga.get('/c/records/orga/organizers')
  t.match(page.body, /<select class="usa-select" id="email" name="email"[^>]*>/)
  t.match(page.body, '<option value="ada@gsa.gov">Ada Analyst, GSA</option>')
  t.notMatch(page.body, 'Otto Outsider', 'no member of another community is offered')
  const none = await orga.post('/c/records/orga/organizers', { email: '', starts_on: '', ends_on: '' })
  t.equal(none.statusCode, 400)
  t.match(text(none.body), 'Choose the member who will organize.')
  const res = await orga.post('/c/records/orga/organizers', { email: 'ada@gsa.gov', starts_on: '', ends_on: '' })
  t.equal(res.statusCode, 303)
  t.match(text((await orga.get('/c/records/orga/organizers')).body), /Ada Analyst is an organizer from/)
  const sneaky = await orga.post('/c/records/orga/organizers', { email: 'otto@doj.gov', starts_on: '', ends_on: '' })
  t.equal(sneaky.statusCode, 400, 'an address from elsewhere is still refused')

  const form = await orga.get('/c/records/orga/events/new')
  t.match(form.body, /<select class="usa-select" id="host_email" name="host_email"/)
  t.match(form.body, '<option value="ada@gsa.gov">Ada Analyst, GSA</option>')
  t.notMatch(form.body, 'Otto Outsider')
})
