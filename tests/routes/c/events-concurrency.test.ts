import t from 'tap'
import pg from 'pg'
import { DateTime } from 'luxon'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { createTestDatabase } from '../../fixtures/database.js'
import { sendCalendarMail } from '../../fixtures/calendar-mail.js'
import { createCommunity, createMember, signInAs } from '../../fixtures/factories.js'

// "Never overbooked": runs on the embedded database and, with DATABASE_URL, on the PostgreSQL server.
t.test('200 members RSVP at once through the page for 20 seats', async (t) => {
  const database = await createTestDatabase()
  const { app } = await createTestApp(t, { database })
  t.teardown(async () => {
    await app.close()
    await database.drop()
  })
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer' })
  const community = await createCommunity(db, { slug: 'rush', organizer: orga })
  const startsAt = DateTime.now().plus({ days: 14 }).toJSDate()
  const event = await db.insertInto('events').values({
    community_id: community.id, kind: 'meetup', title: 'Hands-on workshop', why_it_matters: 'Twenty seats at the bench.',
    starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 3_600_000), time_zone: 'America/Chicago', venue_name: 'Lab',
    venue_address: null, venue_room: null, accessibility_notes: null, online_url: null, region: null, live_transcript_url: null,
    recording_url: null, capacity: 20, rsvp_opens_at: null, rsvp_closes_at: null, status: 'published', created_by: orga.id
  }).returningAll().executeTakeFirstOrThrow()

  const members = await db.insertInto('members').values(Array.from({ length: 200 }, (_, i) => ({
    email: `rush${i}@agency.gov`, full_name: `Rusher ${i}`, agency: 'Agency'
  }))).returningAll().execute()
  await db.insertInto('memberships').values(members.map((m) => ({ community_id: community.id, member_id: m.id, norms_accepted_at: new Date() }))).execute()
  const url = `/c/${community.slug}/events/${event.id}`
  const clients: Client[] = []
  for (const m of members) {
    const c = new Client(app)
    await signInAs(c, m)
    await c.get(url) // the page each person has open, with its form's CSRF token
    clients.push(c)
  }

  const responses = await Promise.all(clients.map((c) => c.post(`${url}/rsvp`, { choice: 'going' })))
  t.same([...new Set(responses.map((r) => r.statusCode))], [303], 'every request answered with a redirect, no error page')
  const rows = await db.selectFrom('rsvps').selectAll().where('event_id', '=', event.id).execute()
  t.equal(rows.length, 200, 'one RSVP each, no duplicates')
  const going = rows.filter((r) => r.status === 'going')
  const waiting = rows.filter((r) => r.status === 'waitlisted').sort((a, b) => a.id - b.id)
  t.equal(going.length, 20, 'exactly the capacity is going')
  t.equal(waiting.length, 180)
  t.ok(Math.max(...going.map((r) => r.id)) < Math.min(...waiting.map((r) => r.id)), 'the first 20 to arrive have the seats')
  const byTime = [...waiting].sort((a, b) => a.waitlisted_at!.getTime() - b.waitlisted_at!.getTime() || a.id - b.id)
  t.same(byTime.map((r) => r.id), waiting.map((r) => r.id), 'the waitlist is in arrival order')

  // What each person then sees agrees with the database.
  const seatHolder = clients[members.findIndex((m) => m.id === going[0].member_id)]
  t.match(text((await seatHolder.get(url)).body), 'You answered: Going')
  const firstWaiting = clients[members.findIndex((m) => m.id === waiting[0].member_id)]
  t.match(text((await firstWaiting.get(url)).body), 'You answered: Going — on the waitlist')

  // Everyone submits again at once (a double submit): still 200 rows, still 20 going.
  await Promise.all(clients.map((c) => c.post(`${url}/rsvp`, { choice: 'going' })))
  const again = await db.selectFrom('rsvps').select(['status']).where('event_id', '=', event.id).execute()
  t.equal(again.length, 200)
  t.equal(again.filter((r) => r.status === 'going').length, 20)

  // A seat given up goes to the first on the waitlist, who is emailed.
  await seatHolder.post(`${url}/rsvp`, { choice: 'declined' })
  t.match(text((await firstWaiting.get(url)).body), /You answered: Going ?\./)
  await sendCalendarMail(app) // the promotion's notice, as the worker sends it
  const mail = await db.selectFrom('mail_messages').select(['member_id', 'subject']).where('kind', '=', 'rsvp-promoted').execute()
  t.same(mail.map((m) => m.member_id), [waiting[0].member_id])
})

// An answer to an event without a capacity is one statement that share-locks the event: an organizer's change
// committing meanwhile (here, a capacity of 1) is what the answers see, so they are counted after all.
t.test('answers racing a change that gives the event a capacity', { skip: process.env.DATABASE_URL ? false : 'needs a second connection to hold the change open' }, async (t) => {
  const { app, database } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer' })
  const ada = await createMember(db, { full_name: 'Ada First' })
  const ben = await createMember(db, { full_name: 'Ben Second' })
  const community = await createCommunity(db, { slug: 'race', organizer: orga, members: [ada, ben] })
  const startsAt = DateTime.now().plus({ days: 14 }).toJSDate()
  const event = await db.insertInto('events').values({
    community_id: community.id, kind: 'meetup', title: 'Lab tour', why_it_matters: 'See the new instruments.',
    starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 3_600_000), time_zone: 'America/Chicago', venue_name: 'Lab',
    capacity: null, status: 'published', created_by: orga.id
  }).returningAll().executeTakeFirstOrThrow()
  const url = `/c/${community.slug}/events/${event.id}`
  const clients = await Promise.all([ada, ben].map(async (m) => {
    const c = new Client(app)
    await signInAs(c, m)
    await c.get(url)
    return c
  }))

  const organizer = new pg.Client({ connectionString: database.url })
  await organizer.connect()
  t.teardown(() => organizer.end())
  await organizer.query('begin')
  await organizer.query('update events set capacity = 1 where id = $1', [event.id])
  const answers = Promise.all(clients.map((c) => c.post(`${url}/rsvp`, { choice: 'going' })))
  await new Promise((resolve) => setTimeout(resolve, 300))
  const meanwhile = await db.selectFrom('rsvps').select('id').where('event_id', '=', event.id).execute()
  t.same(meanwhile, [], 'the answers wait for the change')
  await organizer.query('commit')
  const responses = await answers
  t.same(responses.map((r) => r.statusCode), [303, 303])
  const rows = await db.selectFrom('rsvps').select(['status']).where('event_id', '=', event.id).execute()
  t.same(rows.map((r) => r.status).sort(), ['going', 'waitlisted'], 'the new capacity holds: one going, one waiting')
})
