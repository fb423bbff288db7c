import t from 'tap'
import { DateTime } from 'luxon'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../../../fixtures/factories.js'

// A date in January, when New York and Los Angeles are on standard time (EST, PST).
const jan = `${DateTime.now().year + 1}-01-14`

t.test('organizer event pages: hosts, speaker, copy; the viewer’s time zone', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@agency.gov' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', email: 'ada@lab.gov' })
  const ben = await createMember(db, { full_name: 'Ben Bench', email: 'ben@lab.gov' })
  const stranger = await createMember(db, { full_name: 'Sam Stranger', email: 'sam@else.gov' })
  const admin = await createMember(db, { full_name: 'Site Admin', is_admin: true, email: 'admin@site.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada, ben] })
  const base = `/c/${community.slug}`
  const as = async (m: typeof ada | null) => {
    const c = new Client(app)
    if (m) await signInAs(c, m)
    return c
  }
  const organizer = await as(orga)
  const fields = {
    title: 'Kit validation meetup', kind: 'meetup', why_it_matters: 'See how another lab validated its kit.', summary: '',
    time_zone: 'America/New_York', start_date: jan, start_time: '12:00', end_time: '13:00', venue_name: 'State Lab', capacity: '',
    speaker_name: 'Dr. Ana Ruiz', hosts_shown: 'yes', hosts: [String(orga.id)], host_email: 'ben@lab.gov'
  }
  const hostsOf = async (id: number) => (await db.selectFrom('event_hosts').select('member_id').where('event_id', '=', id).orderBy('member_id').execute()).map((h) => h.member_id)
  let eventId = 0

  await t.test('hosts and speaker on the event form', async (t) => {
    const form = await organizer.get(`${base}/orga/events/new`)
    t.match(text(form.body), 'Hosts')
    t.match(form.body, `name="hosts" value="${orga.id}" checked`, 'the creator is offered as host')
    const bad = await organizer.post(`${base}/orga/events/new`, { ...fields, hosts: [], host_email: 'sam@else.gov' })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'No member of this community has that email address.')
    t.match(bad.body, 'value="Kit validation meetup"', 'input kept')
    t.match(bad.body, 'value="Dr. Ana Ruiz"')
    const ok = await organizer.post(`${base}/orga/events/new`, fields)
    t.equal(ok.statusCode, 303)
    eventId = Number(/\/events\/(\d+)$/.exec(ok.headers.location as string)![1])
    t.same(await hostsOf(eventId), [orga.id, ben.id].sort((a, b) => a - b))
    const page = text((await organizer.get(`${base}/events/${eventId}`)).body)
    t.match(page, 'Speaker Dr. Ana Ruiz')
    t.match(page, 'Hosted by Ben Bench, Olive Organizer')

    const edit = await organizer.get(`${base}/orga/events/${eventId}/edit`)
    t.match(edit.body, `name="hosts" value="${ben.id}" checked`)
    const none = await organizer.post(`${base}/orga/events/${eventId}/edit`, { ...fields, hosts: [], host_email: '', title: 'Renamed' })
    t.equal(none.statusCode, 400)
    t.match(text(none.body), 'Choose at least one host.')
    t.match(none.body, 'value="Renamed"', 'input kept')
    const onlyBen = await organizer.post(`${base}/orga/events/${eventId}/edit`, { ...fields, hosts: [String(ben.id)], host_email: '' })
    t.equal(onlyBen.statusCode, 303)
    t.same(await hostsOf(eventId), [ben.id], 'a host removed')
    await organizer.post(`${base}/orga/events/${eventId}/publish`, {}, { csrfFrom: `${base}/events/${eventId}` })
  })

  await t.test('copy an event: a new draft with the same details, opened in the edit form', async (t) => {
    const res = await organizer.post(`${base}/orga/events/${eventId}/copy`, {}, { csrfFrom: `${base}/events/${eventId}` })
    t.equal(res.statusCode, 303)
    const copyId = Number(/\/orga\/events\/(\d+)\/edit$/.exec(res.headers.location as string)![1])
    t.not(copyId, eventId)
    const edit = await organizer.get(res.headers.location as string)
    t.equal(edit.statusCode, 200)
    t.match(text(edit.body), 'This is a copy, saved as a draft.')
    t.match(edit.body, 'value="Kit validation meetup"')
    t.match(edit.body, 'value="Dr. Ana Ruiz"')
    const copy = await db.selectFrom('events').selectAll().where('id', '=', copyId).executeTakeFirstOrThrow()
    t.equal(copy.status, 'draft')
    t.equal(copy.venue_name, 'State Lab')
    t.same(await hostsOf(copyId), [ben.id], 'same hosts')
  })

  await t.test('the event page adds the viewer’s time when their zone differs', async (t) => {
    const member = await as(ada)
    const url = `${base}/events/${eventId}`
    t.notMatch(text((await member.get(url)).body), 'In your time zone', 'no zone chosen: event time only')
    const profile = { full_name: 'Ada Analyst', agency: 'State Crime Lab', time_zone: 'Mars/Olympus' }
    const bad = await member.post('/profile', profile, { csrfFrom: '/profile' })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'Choose a time zone from the list, or leave it empty.')
    t.match(bad.body, 'value="State Crime Lab"', 'input kept')
    t.equal((await member.post('/profile', { ...profile, time_zone: 'America/Los_Angeles' }, { csrfFrom: '/profile' })).statusCode, 303)
    t.match((await member.get('/profile')).body, '<option value="America/Los_Angeles" selected>')
    const la = text((await member.get(url)).body)
    t.match(la, '12:00 PM EST')
    t.match(la, 'In your time zone (America/Los Angeles):')
    t.match(la, '9:00 AM PST to 10:00 AM PST')
    await member.post('/profile', { ...profile, time_zone: 'America/Detroit' }, { csrfFrom: '/profile' })
    t.notMatch(text((await member.get(url)).body), 'In your time zone', 'same clock time: not repeated')
    await member.post('/profile', { ...profile, time_zone: 'America/New_York' }, { csrfFrom: '/profile' })
    t.notMatch(text((await member.get(url)).body), 'In your time zone', 'same zone: not repeated')
  })

  await t.test('permissions for copying', async (t) => {
    const path = `${base}/orga/events/${eventId}/copy`
    for (const [who, c] of [['outsider', await as(null)], ['non-member', await as(stranger)]] as const) {
      const res = await c.post(path, {}, { csrfFrom: '/sign-in' })
      t.equal(res.statusCode, 404, `${who}`)
      t.match(text(res.body), 'Page not found')
    }
    const member = await as(ada)
    const refused = await member.post(path, {}, { csrfFrom: `${base}/events` })
    t.equal(refused.statusCode, 403)
    t.match(text(refused.body), 'Only this community’s organizers can do that.')
    const before = await db.selectFrom('events').select('id').execute()
    const siteAdmin = await as(admin)
    t.equal((await siteAdmin.post(path, {}, { csrfFrom: `${base}/events/${eventId}` })).statusCode, 303, 'an admin may copy')
    t.equal((await db.selectFrom('events').select('id').execute()).length, before.length + 1)
  })
})
