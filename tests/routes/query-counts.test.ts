import t, { type Test } from 'tap'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../src/db/database.js'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'

/*
 * STYLE.md: list pages get query-count tests against N+1. Every statement Kysely executes (on either database)
 * is counted while a request runs; the hot pages must use a fixed, small number whatever the number of events
 * and attendees.
 */

/** Counts the statements every Kysely executor of the process runs (transactions get executors of the same class). */
function countQueries (t: Test, db: Kysely<Database>): { during: <T>(fn: () => Promise<T>) => Promise<{ result: T, queries: string[] }> } {
  const proto = Object.getPrototypeOf(db.getExecutor()) as { executeQuery: (...args: unknown[]) => Promise<unknown> }
  const had = Object.prototype.hasOwnProperty.call(proto, 'executeQuery')
  const original = proto.executeQuery
  let log: string[] | null = null
  proto.executeQuery = function (this: unknown, ...args: unknown[]) {
    if (log) log.push(String((args[0] as { sql?: string }).sql ?? ''))
    return original.apply(this, args)
  }
  t.teardown(() => {
    if (had) proto.executeQuery = original
    else delete (proto as Partial<typeof proto>).executeQuery
  })
  return {
    during: async (fn) => {
      log = []
      try {
        const result = await fn()
        return { result, queries: log }
      } finally { log = null }
    }
  }
}

t.test('hot pages use a fixed number of queries', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const counter = countQueries(t, db)
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@agency.gov' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', email: 'ada@lab.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada] })
  const base = `/c/${community.slug}`

  // 80 more members, and events starting tomorrow onwards (one per day), in set-based inserts.
  await sql`insert into members (email, full_name, agency, email_verified_at)
    select 'qc' || g || '@agency.gov', 'Attendee ' || lpad(g::text, 3, '0'), 'Agency ' || (g % 5), now() from generate_series(1, 80) g`.execute(db)
  await sql`insert into memberships (community_id, member_id, norms_accepted_at)
    select ${community.id}, id, now() from members where email like 'qc%@agency.gov'`.execute(db)
  const addEvents = async (n: number, from: number) => {
    await sql`insert into events (community_id, kind, title, why_it_matters, starts_at, ends_at, time_zone, online_url, region, status, created_by)
      select ${community.id}, 'meetup', 'Meetup ' || lpad(g::text, 3, '0'), 'We learn together.',
             date_trunc('hour', now()) + g * interval '1 day', date_trunc('hour', now()) + g * interval '1 day' + interval '1 hour',
             'America/New_York', 'https://meet.example.gov/' || g, (array['Northeast', 'West'])[1 + g % 2], 'published', ${orga.id}
      from generate_series(${from}::int, ${from + n - 1}::int) g`.execute(db)
  }
  const eventId = async (title: string) => (await db.selectFrom('events').select('id').where('title', '=', title).executeTakeFirstOrThrow()).id
  const addRsvps = async (id: number, n: number) => {
    await sql`insert into rsvps (event_id, member_id, status, listed)
      select ${id}, id, case when row_number() over (order by id) % 5 = 0 then 'maybe' else 'going' end, row_number() over (order by id) % 7 <> 0
      from members where email like 'qc%@agency.gov' order by id limit ${n}`.execute(db)
  }
  await addEvents(2, 1)
  const small = await eventId('Meetup 001')
  const large = await eventId('Meetup 002')
  await addRsvps(small, 2)
  await addRsvps(large, 80)
  await db.insertInto('event_hosts').values([{ event_id: large, member_id: orga.id }, { event_id: large, member_id: ada.id }]).execute()

  const member = new Client(app)
  await signInAs(member, ada)

  await t.test('the event page', async (t) => {
    // Who the viewer is and their standing come from the read cache after the first page; each event's
    // page is read once, then from the cache too.
    await member.get(`${base}/events`)
    const few = await counter.during(() => member.get(`${base}/events/${small}`))
    const many = await counter.during(() => member.get(`${base}/events/${large}`))
    t.equal(few.result.statusCode, 200)
    t.equal(many.result.statusCode, 200)
    const page = text(many.result.body)
    t.match(page, 'Hosted by Ada Analyst, Olive Organizer')
    t.match(page, 'Attendee 001, Agency 1', 'who’s going is listed')
    t.match(page, '64 going', 'counts')
    t.equal(many.queries.length, few.queries.length, `same number of queries for 2 and 80 attendees: ${many.queries.join(' | ')}`)
    t.ok(many.queries.length <= 4, `at most 4 queries (was ${many.queries.length})`)
    const again = await counter.during(() => member.get(`${base}/events/${large}`))
    t.equal(again.result.statusCode, 200)
    t.match(text(again.result.body), '64 going')
    t.same(again.queries, [], 'seen again: no query at all')
  })

  await t.test('the events list', async (t) => {
    const few = await counter.during(() => member.get(`${base}/events`))
    t.match(text(few.result.body), 'Meetup 002')
    await addEvents(60, 3)
    const many = await counter.during(() => member.get(`${base}/events`))
    const page = text(many.result.body)
    t.equal(many.result.statusCode, 200)
    t.match(page, 'Meetup 025')
    t.notMatch(page, 'Meetup 026', 'one page of 25 events')
    t.match(page, 'Next events')
    t.equal(many.queries.length, few.queries.length, `same number of queries for 2 and 62 events: ${many.queries.join(' | ')}`)
    t.ok(many.queries.length <= 4, `at most 4 queries (was ${many.queries.length})`)
  })

  await t.test('the RSVP POST does not grow with the number of attendees', async (t) => {
    await member.get(`${base}/events/${small}`)
    const few = await counter.during(() => member.post(`${base}/events/${small}/rsvp`, { choice: 'going' }))
    const many = await counter.during(() => member.post(`${base}/events/${large}/rsvp`, { choice: 'going' }))
    t.equal(few.result.statusCode, 303)
    t.equal(many.result.statusCode, 303)
    t.match(text((await member.get(`${base}/events/${large}`)).body), 'You’re going. See you there!')
    t.equal(many.queries.length, few.queries.length, `same number of queries: ${many.queries.join(' | ')}`)
    t.equal(many.queries.length, 1, `an event without a capacity is answered in one statement: ${many.queries.join(' | ')}`)
    t.match(many.queries[0], /insert into "?rsvps"?/)

    await db.updateTable('events').set({ capacity: 100 }).where('id', '=', large).execute()
    const counted = await counter.during(() => member.post(`${base}/events/${large}/rsvp`, { choice: 'maybe' }))
    t.equal(counted.result.statusCode, 303)
    t.match(counted.queries.join(' | '), /for update/, `with a capacity the event is locked to count the seats: ${counted.queries.join(' | ')}`)
    t.ok(counted.queries.length <= 6, `and still a handful of statements (${counted.queries.length}: the one-statement try, then begin, lock, count, answer, commit)`)
    // Once the page with its capacity is in memory, the answer goes straight to counting seats.
    await member.get(`${base}/events/${large}`)
    const known = await counter.during(() => member.post(`${base}/events/${large}/rsvp`, { choice: 'going' }))
    t.equal(known.result.statusCode, 303)
    t.match(known.queries[0], /for update/, `no one-statement try first: ${known.queries.join(' | ')}`)
    t.equal(known.queries.length, 3, 'lock, count, answer')
  })
})
