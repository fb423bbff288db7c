import t from 'tap'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'
import { eventInput } from '../fixtures/events.js'
import { createEvent, publishEvent } from '../../src/domain/events/events.service.js'

// Bad input of every kind gets a 4xx page that says what is wrong (or is cleaned and works) — never a 500:
// NUL characters, repeated query parameters, impossible dates and times, ids past PostgreSQL's integer.

t.test('bad input never gives a 500', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const olive = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@lab.gov' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', email: 'ada@lab.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: olive, members: [ada] })
  const event = await db.transaction().execute(async (trx) => publishEvent(trx, (await createEvent(trx, community.id, eventInput(), olive.id)).id))
  const organizer = new Client(app)
  await signInAs(organizer, olive)
  const member = new Client(app)
  await signInAs(member, ada)
  const outsider = new Client(app)
  t.beforeEach(async () => { await db.deleteFrom('rate_limits').execute() })

  const eventForm = {
    title: 'Validation clinic', kind: 'workshop', why_it_matters: 'Bring a validation question.', time_zone: 'America/New_York',
    start_date: '2027-03-10', start_time: '12:00', end_time: '13:00', online_url: 'https://meet.example.gov/c', live_transcript_url: 'https://captions.example.gov/c'
  }

  await t.test('NUL characters are removed, in forms, queries and paths', async (t) => {
    const signIn = await outsider.post('/sign-in', { email: 'ada@lab.gov\u0000' }, { csrfFrom: '/sign-in' })
    t.equal(signIn.statusCode, 200)
    t.match(text(signIn.body), 'Check your email')
    const profile = await member.post('/profile', { full_name: 'Ada\u0000 Analyst', agency: 'State\u0000 Lab', bio: 'Hi\u0000there' }, { csrfFrom: '/profile' })
    t.ok(profile.statusCode < 400, `the profile saves (${profile.statusCode})`)
    const saved = await db.selectFrom('members').select(['full_name', 'agency', 'bio']).where('id', '=', ada.id).executeTakeFirstOrThrow()
    t.same(saved, { full_name: 'Ada Analyst', agency: 'State Lab', bio: 'Hithere' }, 'saved without the NULs')
    const created = await organizer.post('/c/dna/orga/events/new', { ...eventForm, title: 'Clinic\u0000 one' }, { csrfFrom: '/c/dna/orga/events/new' })
    t.equal(created.statusCode, 303)
    t.ok(await db.selectFrom('events').select('id').where('title', '=', 'Clinic one').executeTakeFirst(), 'the event is saved')
    for (const url of ['/c/dna/members?q=%00', '/c/dna/events?region=%00', '/c/dna/events?kind=%00meetup']) {
      const res = await member.get(url)
      t.equal(res.statusCode, 200, url)
    }
    t.equal((await member.get('/c/%00')).statusCode, 404)
    t.equal((await member.get('/c/dna%00')).statusCode, 200, 'the NUL is dropped: the community is found')
  })

  await t.test('a repeated query parameter counts once', async (t) => {
    const res = await outsider.get('/auth/sign-in?token=a&token=b')
    t.equal(res.statusCode, 400)
    t.match(text(res.body), 'This link doesn’t work')
    t.equal((await outsider.get('/join/verify?token=a&token=b')).statusCode, 400)
    t.equal((await outsider.get('/invitations/accept?token=a&token=b')).statusCode, 400)
    const list = await member.get('/c/dna/events?region=Northeast&region=Midwest')
    t.equal(list.statusCode, 200)
    t.match(list.body, /<option value="Northeast" selected/, 'the first value is the one used')
  })

  await t.test('impossible or far-off dates and times are refused with a message, the input kept', async (t) => {
    for (const [q, label] of [['from=2026-13-45', 'from'], ['to=2026-99-99', 'to'], ['from=2026-02-30', 'from']]) {
      const res = await member.get(`/c/dna/events?${q}`)
      t.equal(res.statusCode, 200, `${q}: the list still shows`)
      t.match(res.body, `name="${label}"`)
    }
    const cases: Array<[Record<string, string>, string, string]> = [
      [{ rsvp_closes_date: '2027-02-30' }, 'rsvp_closes_date', 'Enter the date RSVPs close as YYYY-MM-DD, or leave it empty.'],
      [{ start_date: '9999-01-01' }, 'start_date', 'Enter the start date as YYYY-MM-DD.'],
      [{ start_date: '0000-01-01' }, 'start_date', 'Enter the start date as YYYY-MM-DD.'],
      [{ start_time: '29:00' }, 'start_time', 'Enter the start time as HH:MM (24-hour).'],
      [{ end_time: '12:75' }, 'end_time', 'Enter the end time as HH:MM (24-hour).'],
      [{ end_date: '2027-05-10' }, 'end_date', 'An event can last at most 31 days. For a longer programme, create a series or several events.']
    ]
    for (const [over, field, message] of cases) {
      const res = await organizer.post('/c/dna/orga/events/new', { ...eventForm, ...over })
      t.equal(res.statusCode, 400, `${JSON.stringify(over)} → 400`)
      t.match(text(res.body), message)
      t.match(res.body, `value="${over[field]}"`, 'the input is kept')
    }
    const series = await organizer.post('/c/dna/orga/series/new', {
      ...eventForm, pattern: 'weekly', interval: '1', first_date: '2027-02-30', start_time: '29:00', duration_minutes: '60', publish: 'no'
    }, { csrfFrom: '/c/dna/orga/series/new' })
    t.equal(series.statusCode, 400)
    t.match(text(series.body), 'Enter the first date as YYYY-MM-DD.')
    t.match(text(series.body), 'Enter the start time as HH:MM (24-hour).')
  })

  await t.test('ids past the integer range are not found, not a crash', async (t) => {
    const res = await organizer.post(`/c/dna/orga/events/${event.id}/check-in`, { member_id: '2147483648' }, { csrfFrom: `/c/dna/orga/events/${event.id}/check-in` })
    t.equal(res.statusCode, 303)
    t.match(text((await organizer.get(res.headers.location as string)).body), 'Choose a person to check in.')
    for (const url of ['/c/dna/events/99999999999', '/members/99999999999', '/c/dna/events/1e3', '/c/dna/events/-1']) {
      t.equal((await member.get(url)).statusCode, 404, url)
    }
  })
})
