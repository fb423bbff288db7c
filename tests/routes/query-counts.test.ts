import t from 'tap'
import { sql } from 'kysely'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createMember, createSeries, signInAs } from '../fixtures/factories.js'
import { countQueries } from '../fixtures/query-counter.js'

/*
 * STYLE.md: list pages get query-count tests against N+1. Every statement Kysely executes (on either database)
 * is counted while a request runs; the hot pages must use a fixed, small number whatever the number of events
 * and attendees.
 *
 * Each page has an upper bound, `queries <= N`: N is what the page runs today (said next to it) plus a margin of
 * one, so a page may gain a statement without this file changing, while a query per row (N+1) — 25 events, 80
 * attendees, 82 members — goes far past it. Where the data can grow in the test, the count with few rows and
 * with many is also compared. Counts are for a warm read cache (the viewer's standing comes from memory).
 */


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
    // Today 2: the event page (event, hosts, who is going, counts) and the viewer's answer.
    t.ok(many.queries.length <= 3, `at most 3 queries (was ${many.queries.length}): ${many.queries.join(' | ')}`)
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
    // Today 2: a page of events with their going counts, and the regions for the filter.
    t.ok(many.queries.length <= 3, `at most 3 queries (was ${many.queries.length}): ${many.queries.join(' | ')}`)
  })

  const organizer = new Client(app)
  await signInAs(organizer, orga)

  await t.test('the community home', async (t) => {
    await member.get(base)
    const home = await counter.during(() => member.get(base))
    t.equal(home.result.statusCode, 200)
    t.match(text(home.result.body), 'Meetup 001')
    // Today 3: requirements, current organizers, the next events with their going counts.
    t.ok(home.queries.length <= 4, `at most 4 queries (was ${home.queries.length}): ${home.queries.join(' | ')}`)
  })

  await t.test('the organizer’s event list', async (t) => {
    await organizer.get(`${base}/events`)
    const list = await counter.during(() => organizer.get(`${base}/events`))
    t.equal(list.result.statusCode, 200)
    t.match(text(list.result.body), 'Meetup 025')
    // Today 3: a page of events (drafts too) with their going counts, the regions, the events lacking captions.
    t.ok(list.queries.length <= 4, `at most 4 queries (was ${list.queries.length}): ${list.queries.join(' | ')}`)
  })

  await t.test('the attendees page', async (t) => {
    await organizer.get(`${base}/orga/events/${small}/attendees`)
    const few = await counter.during(() => organizer.get(`${base}/orga/events/${small}/attendees`))
    const many = await counter.during(() => organizer.get(`${base}/orga/events/${large}/attendees`))
    t.equal(many.result.statusCode, 200)
    t.match(text(many.result.body), 'Attendee 080')
    t.equal(many.queries.length, few.queries.length, `same number of queries for 2 and 80 attendees: ${many.queries.join(' | ')}`)
    // Today 3: the event, its attendees with their check-ins, the counts by answer.
    t.ok(many.queries.length <= 4, `at most 4 queries (was ${many.queries.length}): ${many.queries.join(' | ')}`)
  })

  await t.test('the series page', async (t) => {
    const { series } = await createSeries(db, community, { title: 'Weekly brown-bag', by: orga })
    const url = `${base}/orga/series/${series.id}`
    await organizer.get(url)
    const before = await counter.during(() => organizer.get(url))
    t.equal(before.result.statusCode, 200)
    t.match(text(before.result.body), 'Weekly brown-bag')
    const occurrences = await db.selectFrom('events').select('id').where('series_id', '=', series.id).orderBy('starts_at').limit(3).execute()
    for (const o of occurrences) await addRsvps(o.id, 40)
    const after = await counter.during(() => organizer.get(url))
    t.equal(after.result.statusCode, 200)
    t.equal(after.queries.length, before.queries.length, `RSVPs on its occurrences add no query: ${after.queries.join(' | ')}`)
    // Today 4: the series, its next occurrences with going counts and hosts, its past ones, its schedule history.
    t.ok(after.queries.length <= 5, `at most 5 queries (was ${after.queries.length}): ${after.queries.join(' | ')}`)
  })

  await t.test('the series list', async (t) => {
    const url = `${base}/orga/series`
    await organizer.get(url)
    const few = await counter.during(() => organizer.get(url))
    t.equal(few.result.statusCode, 200)
    t.match(text(few.result.body), 'Every ')
    for (let i = 1; i <= 8; i++) await createSeries(db, community, { title: `Series ${String(i).padStart(2, '0')}`, by: orga })
    const many = await counter.during(() => organizer.get(url))
    t.equal(many.result.statusCode, 200)
    t.match(text(many.result.body), 'Series 08')
    t.equal(many.queries.length, few.queries.length, `same number of queries for 1 and 9 series: ${many.queries.join(' | ')}`)
    // Today 1: the series with their next meeting and how many are to come.
    t.ok(many.queries.length <= 2, `at most 2 queries (was ${many.queries.length}): ${many.queries.join(' | ')}`)
  })

  await t.test('the members directory', async (t) => {
    await member.get(`${base}/members`)
    const directory = await counter.during(() => member.get(`${base}/members`))
    t.equal(directory.result.statusCode, 200)
    t.match(text(directory.result.body), 'Attendee 001')
    // Today 2: a page of members, and how many there are.
    t.ok(directory.queries.length <= 3, `at most 3 queries (was ${directory.queries.length}): ${directory.queries.join(' | ')}`)
  })

  await t.test('the members directory with connections on the page and suggestions', async (t) => {
    // Ada opts in and shares an area of expertise with every attendee who opted in too.
    await sql`update members set suggestions_opt_in = true, expertise = '{CODIS}' where id = ${ada.id} or email like 'qc%@agency.gov'`.execute(db)
    const connect = async (n: number) => {
      await sql`insert into connections (member_a, member_b, event_id)
        select least(id, ${ada.id}), greatest(id, ${ada.id}), ${small} from members where email like 'qc%@agency.gov' order by id limit ${n}
        on conflict do nothing`.execute(db)
    }
    await connect(1)
    await member.get(`${base}/members`)
    const few = await counter.during(() => member.get(`${base}/members`))
    await connect(20)
    const many = await counter.during(() => member.get(`${base}/members`))
    t.equal(many.result.statusCode, 200)
    t.match(text(many.result.body), 'Connected · met at Meetup 001')
    t.match(text(many.result.body), 'People you haven’t met yet')
    t.match(text(many.result.body), 'Also works on CODIS')
    t.equal(many.queries.length, few.queries.length, `same number of queries for 1 and 20 connections: ${many.queries.join(' | ')}`)
    // Today 4: a page of members, how many there are, how the viewer knows those on the page, the suggestions.
    t.ok(many.queries.length <= 5, `at most 5 queries (was ${many.queries.length}): ${many.queries.join(' | ')}`)
  })

  await t.test('the RSVP POST does not grow with the number of attendees', async (t) => {
    await member.get(`${base}/events/${small}`)
    const few = await counter.during(() => member.post(`${base}/events/${small}/rsvp`, { choice: 'going' }))
    const many = await counter.during(() => member.post(`${base}/events/${large}/rsvp`, { choice: 'going' }))
    t.equal(few.result.statusCode, 303)
    t.equal(many.result.statusCode, 303)
    t.match(text((await member.get(`${base}/events/${large}`)).body), 'You’re going. See you there!')
    t.equal(many.queries.length, few.queries.length, `same number of queries: ${many.queries.join(' | ')}`)
    // No margin here: one statement is what the fast way is for (answerInOneStatement).
    t.ok(many.queries.length <= 1, `an event without a capacity is answered in one statement: ${many.queries.join(' | ')}`)
    t.match(many.queries[0], /insert into "?rsvps"?/)

    await db.updateTable('events').set({ capacity: 100 }).where('id', '=', large).execute()
    const counted = await counter.during(() => member.post(`${base}/events/${large}/rsvp`, { choice: 'maybe' }))
    t.equal(counted.result.statusCode, 303)
    t.match(counted.queries.join(' | '), /for update/, `with a capacity the event is locked to count the seats: ${counted.queries.join(' | ')}`)
    // Today 6: the one-statement try, then begin, lock, count, answer, commit.
    t.ok(counted.queries.length <= 7, `and still a handful of statements (${counted.queries.length}): ${counted.queries.join(' | ')}`)
    // Once the page with its capacity is in memory, the answer goes straight to counting seats.
    await member.get(`${base}/events/${large}`)
    const known = await counter.during(() => member.post(`${base}/events/${large}/rsvp`, { choice: 'going' }))
    t.equal(known.result.statusCode, 303)
    t.match(known.queries[0], /for update/, `no one-statement try first: ${known.queries.join(' | ')}`)
    // Today 3: lock, count, answer.
    t.ok(known.queries.length <= 4, `at most 4 statements (was ${known.queries.length}): ${known.queries.join(' | ')}`)
  })
})
