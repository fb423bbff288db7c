import t from 'tap'
import { DateTime } from 'luxon'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, signInAs } from '../../../fixtures/factories.js'
import { listMembersAmong } from '../../../../src/domain/events/events.repository.js'

// A suspended member counts as a member nowhere in the community: the host form never makes them a host, even
// from a hand-built POST that names their id or their address.

const jan = `${DateTime.now().year + 1}-01-14`

t.test('a suspended member cannot be made a host', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@agency.gov' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', email: 'ada@lab.gov' })
  const sue = await createMember(db, { full_name: 'Sue Suspended', email: 'sue@lab.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada, sue] })
  await db.updateTable('memberships').set({ suspended_at: new Date(), suspended_reason: 'Shared personal data' })
    .where('community_id', '=', community.id).where('member_id', '=', sue.id).execute()
  const organizer = new Client(app)
  await signInAs(organizer, orga)
  const fields = {
    title: 'Kit validation meetup', kind: 'meetup', why_it_matters: 'See how another lab validated its kit.', summary: '',
    time_zone: 'America/New_York', start_date: jan, start_time: '12:00', end_time: '13:00', venue_name: 'State Lab', capacity: '',
    hosts_shown: 'yes', hosts: [String(orga.id)], host_email: ''
  }
  const events = async () => (await db.selectFrom('events').select('id').where('community_id', '=', community.id).execute()).length

  t.test('listMembersAmong leaves suspended members out', async (t) => {
    const found = await listMembersAmong(db, community.id, [orga.id, ada.id, sue.id])
    t.same(found.map((m) => m.full_name), ['Ada Analyst', 'Olive Organizer'])
  })

  t.test('a hand-built POST naming a suspended member’s id: 400 under Hosts, input kept, nothing created', async (t) => {
    const before = await events()
    const res = await organizer.post('/c/dna/orga/events/new', { ...fields, hosts: [String(orga.id), String(sue.id)] }, { csrfFrom: '/c/dna/orga/events/new' })
    t.equal(res.statusCode, 400)
    t.match(text(res.body), 'Hosts must be members of this community who are not suspended.')
    t.match(res.body, 'value="Kit validation meetup"', 'the input is kept')
    t.notMatch(text(res.body), 'Sue Suspended', 'the suspended member is not named back')
    t.equal(await events(), before)
  })

  t.test('a suspended member’s address in "add a host": 400 under that field', async (t) => {
    const res = await organizer.post('/c/dna/orga/events/new', { ...fields, host_email: 'sue@lab.gov' }, { csrfFrom: '/c/dna/orga/events/new' })
    t.equal(res.statusCode, 400)
    t.match(text(res.body), 'No member of this community has that email address. Check it, or invite them first (a suspended member cannot host).')
  })

  t.test('the edit form: a suspended member cannot be added to an event either', async (t) => {
    const event = await createEvent(db, community, { by: orga, title: 'Standing call' })
    const edit = `/c/dna/orga/events/${event.id}/edit`
    const form = await organizer.get(edit)
    t.notMatch(form.body, `name="hosts" value="${sue.id}"`, 'not offered as a host')
    const res = await organizer.post(edit, { ...fields, title: 'Standing call', hosts: [String(sue.id)] }, { csrfFrom: edit })
    t.equal(res.statusCode, 400)
    t.match(text(res.body), 'Hosts must be members of this community who are not suspended.')
    const hosts = await db.selectFrom('event_hosts').select('member_id').where('event_id', '=', event.id).execute()
    t.same(hosts.map((h) => h.member_id), [orga.id], 'the hosts are unchanged')
  })

  t.test('members in good standing still can be', async (t) => {
    const res = await organizer.post('/c/dna/orga/events/new', { ...fields, host_email: 'ada@lab.gov' }, { csrfFrom: '/c/dna/orga/events/new' })
    t.equal(res.statusCode, 303)
  })
})
