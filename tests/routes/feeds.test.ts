import t from 'tap'
import ICAL from 'ical.js'
import type { Kysely } from 'kysely'
import type { Database, NewEvent } from '../../src/db/database.js'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'

const DAY = 86_400_000

async function addEvent (db: Kysely<Database>, over: Partial<NewEvent> & { community_id: number }, daysFromNow: number) {
  const starts = new Date(Date.now() + daysFromNow * DAY)
  return db.insertInto('events').values({
    kind: 'brown-bag', title: 'Event', why_it_matters: 'It matters.', time_zone: 'America/New_York', status: 'published',
    starts_at: starts, ends_at: new Date(starts.getTime() + 3_600_000), online_url: 'https://meet.example.gov/x', ...over
  }).returningAll().executeTakeFirstOrThrow()
}

function uids (body: string): string[] {
  const cal = new ICAL.Component(ICAL.parse(body))
  return cal.getAllSubcomponents('vevent').map((v) => String(v.getFirstPropertyValue('summary'))).sort()
}

t.test('calendar feeds', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer' })
  const ada = await createMember(db, { full_name: 'Ada Analyst' })
  const ben = await createMember(db, { full_name: 'Ben Other' })
  const dna = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada, ben] })
  const records = await createCommunity(db, { slug: 'records', name: 'Records Managers', organizer: ben })

  const going = await addEvent(db, { community_id: dna.id, title: 'Going one' }, 5)
  const maybe = await addEvent(db, { community_id: dna.id, title: 'Maybe one' }, 6)
  const waitlisted = await addEvent(db, { community_id: dna.id, title: 'Waitlisted one', capacity: 1 }, 7)
  await addEvent(db, { community_id: dna.id, title: 'Not answered' }, 8)
  const declined = await addEvent(db, { community_id: dna.id, title: 'Declined one' }, 9)
  const cancelled = await addEvent(db, { community_id: dna.id, title: 'Cancelled one', status: 'cancelled', sequence: 2 }, 10)
  await addEvent(db, { community_id: dna.id, title: 'Draft one', status: 'draft' }, 11)
  const lastMonth = await addEvent(db, { community_id: dna.id, title: 'Last month' }, -30)
  const longAgo = await addEvent(db, { community_id: dna.id, title: 'Long ago' }, -200)
  const elsewhere = await addEvent(db, { community_id: records.id, title: 'Elsewhere' }, 5)
  for (const [e, status] of [[going, 'going'], [maybe, 'maybe'], [waitlisted, 'waitlisted'], [declined, 'declined'], [cancelled, 'going'],
    [lastMonth, 'going'], [longAgo, 'going'], [elsewhere, 'going']] as const) {
    await db.insertInto('rsvps').values({ event_id: e.id, member_id: ada.id, status, waitlisted_at: status === 'waitlisted' ? new Date() : null }).execute()
  }

  const client = new Client(app)
  await signInAs(client, ada)
  const feedUrls = async () => {
    const res = await client.get('/profile')
    const https = [...res.body.matchAll(/value="(http:\/\/convene\.test\/feeds\/[^"]+)"/g)].map((m) => m[1].replace('http://convene.test', ''))
    return { res, mine: https[0], all: https[1], dna: https.find((u) => u.endsWith('/c/dna.ics'))! }
  }

  let urls = await feedUrls()
  await t.test('the profile shows the webcal and https addresses and a Regenerate button', async (t) => {
    t.equal(urls.res.statusCode, 200)
    const page = text(urls.res.body)
    t.match(page, 'Calendar feeds')
    t.match(page, 'Subscribe to “Your events” in your calendar app')
    t.match(page, 'Subscribe to “DNA Analysts” in your calendar app')
    t.match(urls.res.body, /href="webcal:\/\/convene\.test\/feeds\/\d+-[A-Za-z0-9_-]{43}\.ics"/)
    t.match(urls.mine, /^\/feeds\/\d+-[A-Za-z0-9_-]{43}\.ics$/)
    t.match(urls.all, /\/all\.ics$/)
    t.match(page, 'Regenerate feed addresses')
  })

  await t.test('the personal feed: going, maybe, waitlisted, cancelled and recent past; not drafts, declined, old or other communities', async (t) => {
    const res = await app.inject({ url: urls.mine })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'text/calendar; charset=utf-8')
    t.same(uids(res.body), ['Cancelled: Cancelled one', 'Going one', 'Last month', 'Maybe one', 'Waitlisted one'],
      'the event in a community Ada does not belong to is left out too')
    t.match(res.body, '\r\nMETHOD:PUBLISH\r\n')
    t.match(res.body, '\r\nX-WR-CALNAME:My events (Convene)\r\n')
    const cal = new ICAL.Component(ICAL.parse(res.body))
    const c = cal.getAllSubcomponents('vevent').find((v) => v.getFirstPropertyValue('uid') === `event-${cancelled.id}@convene.test`)!
    t.equal(c.getFirstPropertyValue('status'), 'CANCELLED')
    t.equal(c.getFirstPropertyValue('sequence'), 2)
    const w = cal.getAllSubcomponents('vevent').find((v) => v.getFirstPropertyValue('uid') === `event-${waitlisted.id}@convene.test`)!
    t.match(String(w.getFirstPropertyValue('description')), 'Your answer: on the waitlist.')
    t.match(res.body, 'DTSTART;TZID=America/New_York:')
  })

  await t.test('ETag and If-None-Match → 304', async (t) => {
    const first = await app.inject({ url: urls.mine })
    const etag = first.headers.etag as string
    t.match(etag, /^"[A-Za-z0-9_-]+"$/)
    const again = await app.inject({ url: urls.mine, headers: { 'if-none-match': etag } })
    t.equal(again.statusCode, 304)
    t.equal(again.body, '')
    t.equal((await app.inject({ url: urls.mine, headers: { 'if-none-match': `"stale", W/${etag}` } })).statusCode, 304)
    t.equal((await app.inject({ url: urls.mine, headers: { 'if-none-match': '"stale"' } })).statusCode, 200)
    await db.updateTable('events').set({ title: 'Going one, moved', sequence: 1, updated_at: new Date() }).where('id', '=', going.id).execute()
    const changed = await app.inject({ url: urls.mine, headers: { 'if-none-match': etag } })
    t.equal(changed.statusCode, 200, 'a change gives a new ETag')
    t.not(changed.headers.etag, etag)
    t.match(changed.body, 'SUMMARY:Going one\\, moved')
  })

  await t.test('all communities and one community', async (t) => {
    const all = await app.inject({ url: urls.all })
    t.equal(all.statusCode, 200)
    t.ok(uids(all.body).includes('Not answered'))
    t.ok(uids(all.body).includes('Declined one'))
    t.notOk(uids(all.body).includes('Draft one'))
    t.notOk(uids(all.body).includes('Elsewhere'))
    const one = await app.inject({ url: urls.dna })
    t.equal(one.statusCode, 200)
    t.match(one.body, 'X-WR-CALNAME:DNA Analysts (Convene)')
    t.ok(uids(one.body).includes('Not answered'))
    const token = /\/feeds\/([^/]+)\/all\.ics$/.exec(urls.all)![1]
    t.equal((await app.inject({ url: `/feeds/${token}/c/records.ics` })).statusCode, 404, 'not a member of that community')
    t.equal((await app.inject({ url: `/feeds/${token}/c/nowhere.ics` })).statusCode, 404)
  })

  await t.test('wrong or forged tokens → 404', async (t) => {
    const [id, sig] = /\/feeds\/(\d+)-(.+)\.ics$/.exec(urls.mine)!.slice(1)
    for (const url of [`/feeds/${id}-${sig.slice(0, -1)}A.ics`, `/feeds/${ben.id}-${sig}.ics`, `/feeds/${id}-${sig}`, '/feeds/nothing.ics', `/feeds/${id}-${sig}/c/dna.txt`]) {
      const res = await app.inject({ url })
      t.equal(res.statusCode, 404, url)
      t.match(text(res.body), 'We couldn\'t find that')
    }
  })

  await t.test('regenerate: the old addresses stop working, the new ones work', async (t) => {
    const old = urls
    const res = await client.post('/profile/calendar-feed', {}, { csrfFrom: '/profile' })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/profile#calendar-feed')
    urls = await feedUrls()
    t.match(text(urls.res.body), 'Your calendar feeds have new addresses.')
    t.not(urls.mine, old.mine)
    for (const u of [old.mine, old.all, old.dna]) t.equal((await app.inject({ url: u })).statusCode, 404, `old ${u}`)
    t.equal((await app.inject({ url: urls.mine })).statusCode, 200)
    t.equal((await client.post('/profile/calendar-feed', {}, { csrf: false })).statusCode, 403, 'CSRF-checked')
    const outsider = await new Client(app).post('/profile/calendar-feed', {}, { csrfFrom: '/' })
    t.ok([303, 403].includes(outsider.statusCode), 'signed out: refused')
    t.equal((await app.inject({ url: urls.mine })).statusCode, 200, 'and nothing changed')
  })

  await t.test('after leaving the community: its feed is 404 and its events leave the personal feed', async (t) => {
    await db.deleteFrom('memberships').where('community_id', '=', dna.id).where('member_id', '=', ada.id).execute()
    t.equal((await app.inject({ url: urls.dna })).statusCode, 404)
    const mine = await app.inject({ url: urls.mine })
    t.equal(mine.statusCode, 200)
    t.same(uids(mine.body), [])
    await db.insertInto('memberships').values({ community_id: dna.id, member_id: ada.id, norms_accepted_at: new Date() }).execute()
  })

  await t.test('hundreds of events stay fast', async (t) => {
    const many = Array.from({ length: 400 }, (_, i) => ({
      kind: 'meetup' as const, title: `Meetup ${i}`, why_it_matters: 'Regional practice.', time_zone: i % 2 ? 'Europe/London' : 'America/Los_Angeles',
      status: 'published' as const, community_id: dna.id, starts_at: new Date(Date.now() + (i + 1) * DAY), ends_at: new Date(Date.now() + (i + 1) * DAY + 7_200_000),
      venue_name: `Hall ${i}`, live_transcript_url: 'https://captions.example.gov/m'
    }))
    await db.insertInto('events').values(many).execute()
    let started = Date.now()
    const first = await app.inject({ url: urls.all })
    const firstMs = Date.now() - started
    t.equal(first.statusCode, 200)
    t.ok(uids(first.body).length >= 400)
    started = Date.now()
    const again = await app.inject({ url: urls.all, headers: { 'if-none-match': first.headers.etag as string } })
    const againMs = Date.now() - started
    t.equal(again.statusCode, 304)
    t.ok(firstMs < 3000, `first build ${firstMs} ms`)
    t.ok(againMs < 1000, `conditional poll ${againMs} ms`)
  })
})
