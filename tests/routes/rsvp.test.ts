import t from 'tap'
import { Client, createTestApp, PUBLIC_URL, text } from '../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'
import { createEvent, type EventInput } from '../../src/domain/events/events.service.js'
import { requestSignIn } from '../../src/domain/auth/auth.service.js'
import { revokeRsvpLinks, rsvpLinkUrls } from '../../src/domain/rsvps/rsvp-links.js'
import { readRsvpToken, signRsvpToken } from '../../src/domain/rsvps/rsvp-tokens.js'
import { SESSION_COOKIE } from '../../src/plugins/app/auth.js'
import { seriesHorizonHandler } from '../../src/plugins/app/schedules.js'
import { eventInput } from '../fixtures/events.js'

const DAY = 86_400_000

const input = eventInput

t.test('RSVP from a signed link', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@agency.gov' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', email: 'ada@lab.gov' })
  const ben = await createMember(db, { full_name: 'Ben Bench', email: 'ben@lab.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada, ben] })

  async function event (over: Partial<EventInput> = {}, status: 'draft' | 'published' | 'cancelled' = 'published') {
    const e = await createEvent(db, community.id, input(over), orga.id)
    await db.updateTable('events').set({ status }).where('id', '=', e.id).execute()
    return e.id
  }
  const links = (eventId: number, memberId: number) => rsvpLinkUrls(db, app.secret, PUBLIC_URL, eventId, memberId)
  const path = (url: string) => url.slice(PUBLIC_URL.length)
  const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1)
  const rsvps = (eventId: number) => db.selectFrom('rsvps').selectAll().where('event_id', '=', eventId).orderBy('id').execute()
  const post = (c: Client, url: string) => c.post('/rsvp', { token: tokenOf(url) }, { csrfFrom: path(url) })

  const meetup = await event({ title: 'Boston meetup', capacity: 1 })

  await t.test('the link page shows the event and the member, and changes nothing', async (t) => {
    const { going } = await links(meetup, ada.id)
    t.match(going, /^http:\/\/convene\.test\/rsvp\/\d+\.\d+\.going\.0\.[\w-]{43}$/)
    const page = await new Client(app).get(path(going))
    t.equal(page.statusCode, 200)
    t.equal(page.headers['cache-control'], 'no-store')
    t.equal(page.headers['referrer-policy'], 'no-referrer')
    const body = text(page.body)
    t.match(body, 'Going to Boston meetup?')
    t.match(body, 'This answer is for Ada Analyst')
    t.match(body, /Tuesday|Monday|Wednesday|Thursday|Friday|Saturday|Sunday|\d{4}/)
    t.match(body, 'Yes, I’m going')
    t.equal((await rsvps(meetup)).length, 0, 'opening the link records nothing')
  })

  await t.test('POST records going, without signing in, then shows a clean URL', async (t) => {
    const c = new Client(app)
    const { going } = await links(meetup, ada.id)
    const res = await post(c, going)
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/rsvp/done', 'no event id in the address')
    t.notMatch(res.headers.location as string, tokenOf(going))
    const done = await c.get(res.headers.location as string)
    t.equal(done.statusCode, 200)
    t.match(text(done.body), 'Recorded: you’re going to Boston meetup.')
    t.match(text(done.body), 'You’re going')
    t.match(done.body, `href="/c/dna/events/${meetup}"`)
    t.match(await rsvps(meetup), [{ member_id: ada.id, status: 'going' }])
    t.notOk(c.cookies.has(SESSION_COOKIE), 'no session was started')
    const eventPage = await c.get(`/c/dna/events/${meetup}`)
    t.not(eventPage.statusCode, 200, 'the event page still needs signing in')
  })

  await t.test('a double POST makes one RSVP', async (t) => {
    const c = new Client(app)
    const { going } = await links(meetup, ada.id)
    t.equal((await post(c, going)).statusCode, 303)
    t.equal((await c.post('/rsvp', { token: tokenOf(going) })).statusCode, 303)
    const rows = await rsvps(meetup)
    t.equal(rows.length, 1)
    t.equal(rows[0].status, 'going')
  })

  await t.test('going when full puts the member on the waitlist', async (t) => {
    const c = new Client(app)
    const { going } = await links(meetup, ben.id)
    const res = await post(c, going)
    t.equal(res.headers.location, '/rsvp/done')
    const done = text((await c.get(res.headers.location as string)).body)
    t.match(done, 'You’re on the waitlist')
    t.match(done, 'Boston meetup is full: you are on the waitlist.')
    t.match(await rsvps(meetup), [{ member_id: ada.id, status: 'going' }, { member_id: ben.id, status: 'waitlisted' }])
  })

  await t.test('can’t go records declined and promotes the waitlist', async (t) => {
    const c = new Client(app)
    const { declined } = await links(meetup, ada.id)
    const page = await c.get(path(declined))
    t.match(text(page.body), 'Can’t go to Boston meetup?')
    const res = await post(c, declined)
    t.equal(res.headers.location, '/rsvp/done')
    t.match(text((await c.get(res.headers.location as string)).body), 'Recorded: you can’t go to Boston meetup.')
    t.match(await rsvps(meetup), [{ member_id: ada.id, status: 'declined' }, { member_id: ben.id, status: 'going' }])
  })

  await t.test('a tampered or wrong-purpose token gets a clear page with a way to a fresh link', async (t) => {
    const c = new Client(app)
    const { going } = await links(meetup, ada.id)
    const token = tokenOf(going)
    const sig = token.slice(token.lastIndexOf('.') + 1)
    const bad = [
      token.replace('.going.', '.declined.'), // purpose swapped
      token.replace(`${meetup}.${ada.id}.`, `${meetup}.${ben.id}.`), // another member
      token.slice(0, -2) + (sig.endsWith('AA') ? 'BB' : 'AA'), // signature changed
      signRsvpToken('another secret', readRsvpToken(app.secret, token)!), // signed elsewhere
      'nonsense'
    ]
    for (const b of bad) {
      const page = await c.get(`/rsvp/${b}`)
      t.equal(page.statusCode, 400, b)
      t.match(text(page.body), 'This RSVP link doesn’t work')
      t.match(text(page.body), 'This RSVP link is not valid.')
      const res = await c.post('/rsvp', { token: b }, { csrfFrom: '/sign-in' })
      t.equal(res.statusCode, 400)
      t.match(text(res.body), 'This RSVP link is not valid.')
    }
    const tampered = await c.get(`/rsvp/${token.replace('.going.', '.declined.')}`)
    t.match(tampered.body, 'href="/sign-in"', 'a tampered link reveals no event')
    t.match(text(tampered.body), 'To answer, sign in and open the event page')
    t.match(await rsvps(meetup), [{ member_id: ada.id, status: 'declined' }, { member_id: ben.id, status: 'going' }], 'nothing changed')
  })

  await t.test('an RSVP token is no sign-in token, and a sign-in token is no RSVP token', async (t) => {
    const c = new Client(app)
    const { going } = await links(meetup, ada.id)
    const asSignIn = await c.get(`/auth/sign-in?token=${tokenOf(going)}`)
    t.equal(asSignIn.statusCode, 400)
    t.match(text(asSignIn.body), 'This sign-in link is not valid.')
    const signInPost = await c.post('/auth/sign-in', { token: tokenOf(going) }, { csrfFrom: '/sign-in' })
    t.equal(signInPost.statusCode, 400)
    t.notOk(c.cookies.has(SESSION_COOKIE))

    const link = await db.transaction().execute((trx) => requestSignIn(trx, app.mailer, ada.email))
    const signInToken = new URL(link!).searchParams.get('token')!
    const asRsvp = await c.get(`/rsvp/${signInToken}`)
    t.equal(asRsvp.statusCode, 400)
    t.match(text(asRsvp.body), 'This RSVP link is not valid.')
    t.equal((await c.post('/rsvp', { token: signInToken }, { csrfFrom: '/sign-in' })).statusCode, 400)
    t.notOk(c.cookies.has(SESSION_COOKIE))
  })

  await t.test('a revoked link stops working; the new one works', async (t) => {
    const c = new Client(app)
    const old = await links(meetup, ben.id)
    await revokeRsvpLinks(db, meetup, ben.id)
    for (const url of [old.going, old.declined]) {
      const page = await c.get(path(url))
      t.equal(page.statusCode, 400)
      t.match(text(page.body), 'This RSVP link was replaced by a newer one, so it no longer works.')
      t.match(page.body, `href="/sign-in?next=${encodeURIComponent(`/c/dna/events/${meetup}`)}"`)
      t.match(text(page.body), 'Sign in and open the event page')
    }
    t.equal((await c.post('/rsvp', { token: tokenOf(old.declined) }, { csrfFrom: '/sign-in' })).statusCode, 400)
    t.match(await rsvps(meetup), [{ member_id: ada.id }, { member_id: ben.id, status: 'going' }], 'still going')
    const fresh = await links(meetup, ben.id)
    t.match(fresh.going, /\.going\.1\./)
    t.equal((await c.get(path(fresh.going))).statusCode, 200)
  })

  await t.test('a link expires when the event ends', async (t) => {
    const c = new Client(app)
    const past = await event({ title: 'Last week', startsAt: new Date(Date.now() - 3 * 3_600_000), endsAt: new Date(Date.now() - 3_600_000) })
    const { going } = await links(past, ada.id)
    const page = await c.get(path(going))
    t.equal(page.statusCode, 400)
    t.match(text(page.body), 'This event has ended, so its RSVP links no longer work.')
    const res = await c.post('/rsvp', { token: tokenOf(going) }, { csrfFrom: '/sign-in' })
    t.equal(res.statusCode, 400)
    t.equal((await rsvps(past)).length, 0)
  })

  await t.test('a cancelled event takes no answer from a link', async (t) => {
    const c = new Client(app)
    const cancelled = await event({ title: 'Called off' }, 'cancelled')
    const { going } = await links(cancelled, ada.id)
    const page = await c.get(path(going))
    t.equal(page.statusCode, 409)
    t.match(text(page.body), 'This event was cancelled, so it takes no RSVPs.')
    t.equal((await c.post('/rsvp', { token: tokenOf(going) }, { csrfFrom: '/sign-in' })).statusCode, 409)
    t.equal((await rsvps(cancelled)).length, 0)
  })

  await t.test('a link of someone no longer a member does not work', async (t) => {
    const leaver = await createMember(db, { full_name: 'Lee Leaver' })
    const { going } = await links(meetup, leaver.id)
    const page = await new Client(app).get(path(going))
    t.equal(page.statusCode, 400)
    t.match(text(page.body), 'that membership has ended')
  })

  await t.test('the done page tells an outsider nothing: any event id, draft or not, any status, gives one neutral page', async (t) => {
    const other = await createCommunity(db, { slug: 'secret-lab', name: 'Secret Lab', organizer: orga })
    const draft = await createEvent(db, other.id, input({ title: 'Undisclosed draft plan' }), orga.id)
    const outsider = new Client(app)
    const pages = new Set<string>()
    for (const id of [draft.id, meetup, 1, 2, 999_999, 0, -1]) {
      for (const status of ['going', 'waitlisted', 'declined', 'nonsense']) {
        const res = await outsider.get(`/rsvp/done?event=${id}&status=${status}`)
        t.equal(res.statusCode, 200)
        t.notMatch(res.body, /secret-lab|\/c\/dna|Undisclosed|Boston meetup|Secret Lab|DNA Analysts/, `event=${id}&status=${status}`)
        pages.add(text(res.body))
      }
    }
    t.equal(pages.size, 1, 'the same page for every id and status')
    t.match([...pages][0], 'Answering by email')
    t.match([...pages][0], 'To see or change an answer, sign in and open the event page.')
    const bare = await outsider.get('/rsvp/done')
    t.equal(text(bare.body), [...pages][0], 'and without any query')

    // A cookie of one's own making is not ours: unsigned or signed by someone else, it shows nothing either.
    const forger = new Client(app)
    forger.cookies.set('convene_rsvp_done', `going:${draft.id}:secret-lab`)
    t.notMatch((await forger.get('/rsvp/done')).body, /secret-lab|Undisclosed/)
    forger.cookies.set('convene_rsvp_done', `going:${draft.id}:secret-lab.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`)
    t.notMatch((await forger.get('/rsvp/done')).body, /secret-lab|Undisclosed/)
  })

  await t.test('the answer shown comes from the POST of this browser only', async (t) => {
    const answerer = new Client(app)
    const { declined } = await links(meetup, ben.id)
    const res = await post(answerer, declined)
    const cookie = res.cookies.find((c) => c.name === 'convene_rsvp_done')!
    t.equal(cookie.path, '/rsvp/done')
    t.equal(cookie.httpOnly, true)
    t.ok(cookie.maxAge! > 0 && cookie.maxAge! <= 600, 'short-lived')
    t.match(text((await answerer.get('/rsvp/done')).body), 'You can’t go')
    t.notMatch(text((await new Client(app).get('/rsvp/done')).body), 'You can’t go', 'another browser sees the neutral page')
  })
})

t.test('the community home lists upcoming events to members only', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer' })
  const ada = await createMember(db, { full_name: 'Ada Analyst' })
  const stranger = await createMember(db, { full_name: 'Sam Stranger' })
  const community = await createCommunity(db, { slug: 'labs', name: 'Lab Leads', organizer: orga, members: [ada] })
  const published = await createEvent(db, community.id, input({ title: 'Spring validation meetup' }), orga.id)
  await db.updateTable('events').set({ status: 'published' }).where('id', '=', published.id).execute()
  await createEvent(db, community.id, input({ title: 'Secret draft plan' }), orga.id)

  const member = new Client(app)
  await signInAs(member, ada)
  const home = await member.get('/c/labs')
  t.equal(home.statusCode, 200)
  const body = text(home.body)
  t.match(body, 'Upcoming events')
  t.match(body, 'Spring validation meetup')
  t.match(body, /\d{1,2}:\d{2} [AP]M E[SD]T/, 'time in the event’s zone')
  t.notMatch(body, 'Secret draft plan', 'drafts are not listed')
  t.match(home.body, `href="/c/labs/events/${published.id}"`)

  const outsider = await new Client(app).get('/c/labs')
  t.equal(outsider.statusCode, 200)
  t.match(text(outsider.body), 'Lab Leads')
  t.notMatch(text(outsider.body), 'Spring validation meetup')
  t.notMatch(text(outsider.body), 'Upcoming events')

  const nonMember = new Client(app)
  await signInAs(nonMember, stranger)
  const landing = text((await nonMember.get('/c/labs')).body)
  t.notMatch(landing, 'Spring validation meetup')
})

t.test('the daily series job materialises missing occurrences', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db)
  const community = await createCommunity(db, { organizer: orga })
  const tomorrow = new Date(Date.now() + DAY).toISOString().slice(0, 10)
  const series = await db.insertInto('series').values({
    community_id: community.id, title: 'Monthly brown-bag', why_it_matters: 'Learn from peers.', kind: 'brown-bag',
    rrule: 'FREQ=MONTHLY', dtstart_local: `${tomorrow}T12:00`, time_zone: 'America/New_York', duration_minutes: 60,
    venue_name: null, venue_address: null, venue_room: null, accessibility_notes: null, online_url: 'https://meet.example.gov/bb',
    region: null, live_transcript_url: null, capacity: null, created_by: orga.id
  }).returningAll().executeTakeFirstOrThrow()
  const count = async () => (await db.selectFrom('events').select('id').where('series_id', '=', series.id).execute()).length
  t.equal(await count(), 0)
  const logged: unknown[] = []
  const handler = seriesHorizonHandler(db, { info: (obj) => { logged.push(obj) } })
  await handler()
  const n = await count()
  t.ok(n >= 12 && n <= 13, `a year of monthly occurrences (${n})`)
  t.match(logged, [{ created: n }])
  await handler()
  t.equal(await count(), n, 'running again creates nothing new')
})
