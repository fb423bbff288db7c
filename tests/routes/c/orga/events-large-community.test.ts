import t from 'tap'
import { sql } from 'kysely'
import { DateTime } from 'luxon'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../../../fixtures/factories.js'
import { MEMBER_SELECT_MAX } from '../../../../src/domain/events/hosts.service.js'

// A community with more members than a list can hold (MEMBER_SELECT_MAX): the event, series and organizer forms
// take a member's email address, typed, instead of a select of every member (thousands of options).

const jan = `${DateTime.now().year + 1}-01-14`

t.test('past MEMBER_SELECT_MAX members the forms ask for an email address', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@agency.gov' })
  const community = await createCommunity(db, { slug: 'big', name: 'Big Network', organizer: orga })
  const small = await createCommunity(db, { slug: 'small', name: 'Small Network', organizer: orga })
  await sql`insert into members (email, full_name, agency, email_verified_at)
    select 'member' || g || '@lab.gov', 'Member ' || lpad(g::text, 4, '0'), 'Lab', now() from generate_series(1, ${MEMBER_SELECT_MAX}) g`.execute(db)
  await sql`insert into memberships (community_id, member_id, norms_accepted_at)
    select ${community.id}, id, now() from members where email like 'member%@lab.gov'`.execute(db)
  const c = new Client(app)
  await signInAs(c, orga)

  const form = await c.get('/c/big/orga/events/new')
  t.equal(form.statusCode, 200)
  t.notMatch(form.body, /<select[^>]*name="host_email"/, 'no select of 301 members')
  t.match(form.body, /<input class="usa-input" id="host_email" name="host_email" type="email"/)
  t.match(text(form.body), 'Add another member as host: their email address')
  t.notMatch(form.body, 'member250@lab.gov', 'no member addresses on the page')
  const created = await c.post('/c/big/orga/events/new', {
    title: 'Big meetup', kind: 'meetup', why_it_matters: 'Meet the network.', summary: '', time_zone: 'America/New_York',
    start_date: jan, start_time: '12:00', end_time: '13:00', venue_name: 'State Lab', capacity: '', speaker_name: '',
    hosts_shown: 'yes', hosts: [String(orga.id)], host_email: 'Member250@lab.gov'
  }, { csrfFrom: '/c/big/orga/events/new' })
  t.equal(created.statusCode, 303, 'a typed address adds the host')
  const event = await db.selectFrom('events').select('id').where('title', '=', 'Big meetup').executeTakeFirstOrThrow()
  const hosts = await db.selectFrom('event_hosts as h').innerJoin('members as m', 'm.id', 'h.member_id').select('m.email').where('h.event_id', '=', event.id).orderBy('m.email').execute()
  t.same(hosts.map((h) => h.email), ['member250@lab.gov', 'olive@agency.gov'])
  const wrong = await c.post('/c/big/orga/events/new', {
    title: 'Another', kind: 'meetup', why_it_matters: 'x', summary: '', time_zone: 'America/New_York',
    start_date: jan, start_time: '12:00', end_time: '13:00', venue_name: 'State Lab', capacity: '', speaker_name: '',
    hosts_shown: 'yes', hosts: [String(orga.id)], host_email: 'nobody@lab.gov'
  }, { csrfFrom: '/c/big/orga/events/new' })
  t.equal(wrong.statusCode, 400)
  t.match(text(wrong.body), 'No member of this community has that email address')
  t.match(wrong.body, 'value="nobody@lab.gov"', 'the typed address is kept')

  t.notMatch((await c.get('/c/big/orga/series/new')).body, /<select[^>]*name="host_email"/, 'the series form too')
  const organizers = await c.get('/c/big/orga/organizers')
  t.match(organizers.body, /<input class="usa-input" id="email" name="email" type="email"/, 'and the organizer form')
  t.notMatch(organizers.body, /<select[^>]*name="email"/)

  // A small community keeps its list.
  t.match((await c.get(`/c/${small.slug}/orga/events/new`)).body, /<select class="usa-select" id="host_email" name="host_email"/)
})
