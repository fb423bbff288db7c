import t, { type Test } from 'tap'
import pg from 'pg'
import { sql } from 'kysely'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'
import { eventInput } from '../fixtures/events.js'
import { createEvent } from '../../src/domain/events/events.service.js'
import { TaggedCache } from '../../src/infra/cache/tagged-cache.js'
import { LISTENER_NAME } from '../../src/infra/cache/notices.js'

/*
 * The read caches (sessions, standings, event pages, own RSVPs) serve the hot pages from memory. Whatever
 * changes the rows behind them — a page, a script, another process — the next page must show the change.
 */

const onServer = Boolean(process.env.DATABASE_URL)

async function setup (t: Test) {
  const { app, database } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@agency.gov' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', agency: 'State Crime Lab', email: 'ada@lab.gov' })
  const ben = await createMember(db, { full_name: 'Ben Brown', agency: 'City Lab', email: 'ben@lab.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada, ben] })
  const event = await createEvent(db, community.id, eventInput({ title: 'Validation brown-bag', capacity: 10 }), orga.id)
  await db.updateTable('events').set({ status: 'published' }).where('id', '=', event.id).execute()
  const client = async (m: typeof ada) => { const c = new Client(app); await signInAs(c, m); return c }
  const page = `/c/${community.slug}/events/${event.id}`
  return { app, database, db, orga, ada, ben, community, event, page, client }
}

t.test('pages served from memory show every change', async (t) => {
  const { app, db, ada, ben, orga, community, event, page, client } = await setup(t)
  const aday = await client(ada)
  const benny = await client(ben)

  const first = await aday.get(page)
  t.equal(first.statusCode, 200)
  t.match(text(first.body), 'Validation brown-bag')
  const hitsBefore = app.caches.eventPages.hits
  await aday.get(page)
  t.ok(app.caches.eventPages.hits > hitsBefore, 'the second view comes from memory')

  await t.test('another member’s RSVP', async (t) => {
    const res = await benny.post(`${page}/rsvp`, { choice: 'going' }, { csrfFrom: page })
    t.equal(res.statusCode, 303)
    const seen = text((await aday.get(page)).body)
    t.match(seen, '1 going')
    t.match(seen, 'Ben Brown')
    t.match(text((await benny.get(page)).body), 'You’re going', 'their own answer, at once')
  })

  await t.test('a name changed on the profile page', async (t) => {
    const res = await benny.post('/profile', { full_name: 'Ben Braun', agency: 'City Lab' }, { csrfFrom: '/profile' })
    t.equal(res.statusCode, 303)
    const seen = text((await aday.get(page)).body)
    t.match(seen, 'Ben Braun')
    t.notMatch(seen, 'Ben Brown')
  })

  await t.test('a change made behind the pages (a script, a job)', async (t) => {
    await db.updateTable('events').set({ title: 'Validation clinic' }).where('id', '=', event.id).execute()
    t.match(text((await aday.get(page)).body), 'Validation clinic')
    await db.updateTable('communities').set({ name: 'DNA Analysts Network' }).where('id', '=', community.id).execute()
    t.match(text((await aday.get(page)).body), 'DNA Analysts Network')
    await db.insertInto('event_hosts').values({ event_id: event.id, member_id: ada.id }).execute()
    t.match(text((await aday.get(page)).body), 'Ada Analyst')
  })

  await t.test('an organizer whose term ended', async (t) => {
    const olive = await client(orga)
    t.equal((await olive.get(`/c/${community.slug}/orga/events/${event.id}/edit`)).statusCode, 200)
    await db.updateTable('coordinator_terms').set({ ends_on: '2021-01-01' }).where('member_id', '=', orga.id).execute()
    t.equal((await olive.get(`/c/${community.slug}/orga/events/${event.id}/edit`)).statusCode, 403)
  })

  await t.test('a member who left', async (t) => {
    await db.deleteFrom('memberships').where('community_id', '=', community.id).where('member_id', '=', ben.id).execute()
    t.equal((await benny.get(page)).statusCode, 404)
  })

  await t.test('signing out', async (t) => {
    const copy = new Client(app)
    copy.cookies = new Map(aday.cookies)
    t.equal((await copy.get('/profile')).statusCode, 200)
    t.equal((await copy.get(page)).statusCode, 200)
    const out = await aday.post('/sign-out', {}, { csrfFrom: page })
    t.equal(out.statusCode, 303)
    const after = await copy.get('/profile')
    t.equal(after.statusCode, 303, 'the old session cookie no longer signs anyone in')
    t.match(after.headers.location, /^\/sign-in/)
    t.equal((await copy.get(page)).statusCode, 404, 'nor shows the members’ page')
  })

  await t.test('an expired session', async (t) => {
    const c = await client(ada)
    t.equal((await c.get('/profile')).statusCode, 200)
    await db.updateTable('sessions').set({ expires_at: sql<Date>`now() - interval '1 second'` }).where('member_id', '=', ada.id).execute()
    t.equal((await c.get('/profile')).statusCode, 303)
  })
})

t.test('a change made by another process reaches this one', { skip: onServer ? false : 'the embedded database has one process' }, async (t) => {
  const { app, database, ada, event, page, client } = await setup(t)
  const aday = await client(ada)
  t.match(text((await aday.get(page)).body), 'Validation brown-bag')
  // Another process: its own connection, not this app's pool.
  const other = new pg.Client({ connectionString: database.url })
  await other.connect()
  t.teardown(() => other.end())

  const waitFor = async (title: string) => {
    const started = Date.now()
    while (Date.now() - started < 3000) {
      if (text((await aday.get(page)).body).includes(title)) return Date.now() - started
      await new Promise((r) => setTimeout(r, 5))
    }
    return null
  }
  await other.query('update events set title = $1 where id = $2', ['Validation clinic', event.id])
  const ms = await waitFor('Validation clinic')
  t.ok(ms !== null && ms < 1000, `seen within a second (${ms} ms)`)

  await t.test('while the listening connection is lost, pages read the database', async (t) => {
    await other.query(`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and application_name = $1`, [LISTENER_NAME])
    for (let i = 0; i < 100 && app.caches.eventPages.enabled; i++) await new Promise((r) => setTimeout(r, 10))
    t.notOk(app.caches.eventPages.enabled, 'the caches are off')
    await other.query('update events set title = $1 where id = $2', ['Validation lab', event.id])
    t.match(text((await aday.get(page)).body), 'Validation lab', 'read from the database')
    for (let i = 0; i < 300 && !app.caches.eventPages.enabled; i++) await new Promise((r) => setTimeout(r, 10))
    t.ok(app.caches.eventPages.enabled, 'listening again, the caches are on')
    await aday.get(page)
    const hits = app.caches.eventPages.hits
    await aday.get(page)
    t.ok(app.caches.eventPages.hits > hits, 'and serve from memory')
    await other.query('update events set title = $1 where id = $2', ['Validation day', event.id])
    t.ok((await waitFor('Validation day')) !== null, 'and hear changes again')
  })
})

t.test('the tagged cache', async (t) => {
  const cache = new TaggedCache({ max: 10, ttl: 60_000 })
  let reads = 0
  const load = (value: string, tags = ['event:1']) => async () => { reads++; return { value, tags } }

  t.equal(await cache.get('a', load('one')), 'one')
  t.equal(await cache.get('a', load('two')), 'one', 'kept')
  cache.invalidate('event:2')
  t.equal(await cache.get('a', load('two')), 'one', 'another tag leaves it')
  cache.invalidate('event:1')
  t.equal(await cache.get('a', load('two')), 'two', 'its tag drops it')

  // A load that read the rows before a change committed must not be kept.
  let release: () => void = () => {}
  const slow = cache.get('b', async () => {
    await new Promise<void>((r) => { release = r })
    return { value: 'stale', tags: ['event:3'] }
  })
  await new Promise((r) => setImmediate(r))
  cache.invalidate('event:3')
  release()
  t.equal(await slow, 'stale', 'the caller gets what it read')
  t.equal(await cache.get('b', load('fresh', ['event:3'])), 'fresh', 'but the next read loads again')

  // Readers of one key at once share one load, unless something changed since it started.
  reads = 0
  let open: () => void = () => {}
  const gate = new Promise<void>((r) => { open = r })
  const gated = async () => { reads++; await gate; return { value: 'shared', tags: ['event:4'] } }
  const together = [cache.get('e', gated), cache.get('e', gated), cache.get('e', gated)]
  await new Promise((r) => setImmediate(r))
  t.equal(reads, 1, 'three readers, one load')
  cache.invalidate('event:9')
  const late = cache.get('e', async () => { reads++; return { value: 'after', tags: ['event:4'] } })
  open()
  t.same(await Promise.all(together), ['shared', 'shared', 'shared'])
  t.equal(await late, 'after', 'a reader after a change loads on its own')
  t.equal(reads, 2)

  // A coarse tag (a statement that changed too many rows to name them) drops every tag of its kind.
  await cache.get('f', load('event five', ['event:5']))
  await cache.get('g', load('rsvp five', ['rsvp:5:1']))
  let releaseCoarse: () => void = () => {}
  const inFlight = cache.get('h', async () => {
    await new Promise<void>((r) => { releaseCoarse = r })
    return { value: 'before the change', tags: ['event:6'] }
  })
  await new Promise((r) => setImmediate(r))
  cache.invalidate('event:*')
  releaseCoarse()
  await inFlight
  reads = 0
  t.equal(await cache.get('f', load('event five again', ['event:5'])), 'event five again', 'event:* drops event:5')
  t.equal(await cache.get('h', load('after the change', ['event:6'])), 'after the change', 'and a load of event:6 that was under way')
  t.equal(await cache.get('g', load('no', ['rsvp:5:1'])), 'rsvp five', 'but leaves other kinds')
  t.equal(reads, 2)

  t.equal(await cache.get('c', async () => ({ value: null, tags: [], keep: false })), null)
  t.equal(await cache.get('c', load('now there')), 'now there', 'keep: false is not kept')

  const frozen = await cache.get('d', async () => ({ value: { rows: [{ n: 1 }] }, tags: [] }))
  t.throws(() => { (frozen.rows as unknown as number[]).push(2) }, 'values are frozen')

  cache.setEnabled(false)
  reads = 0
  await cache.get('a', load('x'))
  await cache.get('a', load('y'))
  t.equal(reads, 2, 'off: every read loads')
  cache.setEnabled(true)
  t.equal(await cache.get('a', load('z')), 'z', 'on again: starts empty')

  for (let i = 0; i < 20; i++) await cache.get(`k${i}`, load(String(i)))
  t.ok(cache.size <= 10, 'bounded')
})

t.test('many answers at once: each member’s next page shows their own answer', async (t) => {
  const { app, db, community, page } = await setup(t)
  const warnings: Error[] = []
  const onWarning = (w: Error) => { warnings.push(w) }
  process.on('warning', onWarning)
  t.teardown(() => { process.off('warning', onWarning) })
  const people = await db.insertInto('members').values(Array.from({ length: 30 }, (_, i) => ({
    email: `burst${i}@agency.gov`, full_name: `Burst ${i}`, agency: 'Agency'
  }))).returningAll().execute()
  await db.insertInto('memberships').values(people.map((m) => ({ community_id: community.id, member_id: m.id, norms_accepted_at: new Date() }))).execute()
  const clients = await Promise.all(people.map(async (m) => {
    const c = new Client(app)
    await signInAs(c, m)
    await c.get(page)
    return c
  }))
  // Every answer is a write the next reads of this process must wait to hear; they overlap on purpose.
  const seen = await Promise.all(clients.map(async (c, i) => {
    const choice = i % 2 ? 'maybe' : 'going'
    await c.post(`${page}/rsvp`, { choice })
    return { choice, body: text((await c.get(page)).body) }
  }))
  for (const s of seen) t.match(s.body, s.choice === 'going' ? /You answered: Going( — on the waitlist)? ?\./ : /You answered: Maybe ?\./)
  t.same(warnings.map((w) => w.message), [], 'no warnings (e.g. overlapping queries on the listening connection)')
})
