import t from 'tap'
import { sql } from 'kysely'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'
import { eventInput } from '../fixtures/events.js'
import { createEvent } from '../../src/domain/events/events.service.js'
import { listenToCache } from '../fixtures/notices.js'
import { tags } from '../../src/infra/cache/tags.js'

/*
 * One statement changing 100,000 rows (an import, deleting a big community) while the app listens: the database
 * sends one notice for the statement, a coarse one naming the kinds of tag it touched; the app drops what it
 * must and keeps serving. (One notice per row overflowed the JavaScript stack inside the embedded database.)
 */

const BULK = 100_000

t.test('a statement changing 100,000 rows while the app listens', async (t) => {
  const { app, database } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@agency.gov' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', agency: 'State Crime Lab', email: 'ada@lab.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada] })
  const event = await createEvent(db, community.id, eventInput({ title: 'Validation brown-bag' }), orga.id)
  await db.updateTable('events').set({ status: 'published' }).where('id', '=', event.id).execute()
  const page = `/c/${community.slug}/events/${event.id}`
  const aday = new Client(app)
  await signInAs(aday, ada)
  const notices = await listenToCache(database)
  t.teardown(notices.stop)
  const sentBy = notices.sentBy

  t.match(text((await aday.get(page)).body), '0 going')
  const hits = app.caches.eventPages.hits
  t.match(text((await aday.get(page)).body), '0 going')
  t.ok(app.caches.eventPages.hits > hits, 'the page comes from memory')

  await t.test('a small statement names its rows', async (t) => {
    t.same(await sentBy(() => db.updateTable('events').set({ title: 'Validation clinic' }).where('id', '=', event.id).execute()),
      [tags.event(event.id)], 'one notice, one tag')
    t.match(text((await aday.get(page)).body), 'Validation clinic')
    const [rsvp] = await sentBy(() => db.insertInto('rsvps').values({ event_id: event.id, member_id: orga.id, status: 'maybe' }).execute())
    t.same(rsvp.split(' '), [tags.event(event.id), tags.rsvp(event.id, orga.id)], 'an RSVP: its event and the member’s answer, in one notice')
    t.same(await sentBy(() => db.updateTable('rsvps').set({ status: 'maybe' }).where('event_id', '=', -1).execute()), [], 'no rows, no notice')
  })

  await t.test('100,000 new members in one statement', async (t) => {
    const misses = app.caches.sessions.misses
    const sent = await sentBy(() => sql`
      insert into members (email, full_name, agency)
      select 'bulk' || g || '@agency.gov', 'Bulk ' || g, 'Agency' from generate_series(1, ${BULK}) g`.execute(db))
    t.same(sent, ['member:*'], 'one coarse notice')
    t.equal((await aday.get('/profile')).statusCode, 200, 'the app keeps working')
    t.ok(app.caches.sessions.misses > misses, 'sessions, tagged by member, were dropped')
  })

  await t.test('100,000 RSVPs in one statement', async (t) => {
    const sent = await sentBy(() => sql`
      insert into rsvps (event_id, member_id, status, listed)
      select ${event.id}, id, 'going', false from members where email like 'bulk%' or id = ${ada.id}`.execute(db))
    t.same(sent, ['event:* rsvp:*'], 'one coarse notice for both kinds')
    const seen = text((await aday.get(page)).body)
    t.match(seen, `${BULK + 1} going`, 'the event page was dropped')
    t.match(seen, 'You answered: Going', 'and the viewer’s own answer')
    t.ok(Buffer.byteLength(sent[0]) < 8000)
  })

  await t.test('and deleted in one statement', async (t) => {
    const sent = await sentBy(() => db.deleteFrom('rsvps').where('event_id', '=', event.id).where('status', '=', 'going').execute())
    t.same(sent, ['event:* rsvp:*'])
    const seen = text((await aday.get(page)).body)
    t.match(seen, '0 going')
    t.notMatch(seen, 'You answered: Going')
  })

  await t.test('names of 100,000 members changed in one statement', async (t) => {
    t.same(await sentBy(() => sql`update members set agency = 'Other Agency' where email like 'bulk%'`.execute(db)),
      ['member:* names:*'])
    t.same(await sentBy(() => db.updateTable('members').set({ region: 'West' }).where('id', '=', ada.id).execute()),
      [tags.member(ada.id)], 'a change that leaves names alone does not drop pages')
    t.same(await sentBy(() => db.updateTable('members').set({ full_name: 'Ada Lovelace' }).where('id', '=', ada.id).execute()),
      [`${tags.member(ada.id)} ${tags.names()}`])
  })

  t.equal((await aday.get(page)).statusCode, 200, 'still serving')
})
