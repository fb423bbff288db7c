import t from 'tap'
import ICAL from 'ical.js'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../../../fixtures/factories.js'

t.test('event download and add-to-calendar links', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer' })
  const ada = await createMember(db, { full_name: 'Ada Analyst' })
  const stranger = await createMember(db, { full_name: 'Sam Stranger' })
  const admin = await createMember(db, { full_name: 'Site Admin', is_admin: true })
  const dna = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada] })
  await createCommunity(db, { slug: 'records', organizer: stranger })
  const starts = new Date('2026-12-10T17:00:00Z')
  const event = await db.insertInto('events').values({
    community_id: dna.id, kind: 'brown-bag', title: 'Mixtures, part 2; Q&A', why_it_matters: 'Complex mixtures are most of our backlog.',
    time_zone: 'America/New_York', status: 'published', sequence: 4, starts_at: starts, ends_at: new Date(starts.getTime() + 3_600_000),
    online_url: 'https://meet.example.gov/mx', live_transcript_url: 'https://captions.example.gov/mx'
  }).returningAll().executeTakeFirstOrThrow()
  const draft = await db.insertInto('events').values({
    community_id: dna.id, kind: 'meetup', title: 'Draft meetup', why_it_matters: 'Soon.', time_zone: 'America/New_York', status: 'draft',
    starts_at: starts, ends_at: new Date(starts.getTime() + 3_600_000), venue_name: 'Lab'
  }).returningAll().executeTakeFirstOrThrow()
  const url = `/c/dna/events/${event.id}/event.ics`

  const as = async (m: typeof ada | null) => {
    const c = new Client(app)
    if (m) await signInAs(c, m)
    return c
  }

  await t.test('a member downloads a METHOD:PUBLISH file that ical.js reads', async (t) => {
    const member = await as(ada)
    const res = await member.get(url)
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'text/calendar; charset=utf-8')
    t.equal(res.headers['content-disposition'], `attachment; filename="event-${event.id}.ics"`)
    t.match(res.body, '\r\nMETHOD:PUBLISH\r\n')
    t.match(res.body, '\r\nDTSTART;TZID=America/New_York:20261210T120000\r\n')
    const cal = new ICAL.Component(ICAL.parse(res.body))
    for (const z of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(z)
    const e = new ICAL.Event(cal.getFirstSubcomponent('vevent')!)
    t.equal(e.summary, 'Mixtures, part 2; Q&A')
    t.equal(e.uid, `event-${event.id}@convene.test`)
    t.equal(e.sequence, 4)
    t.equal(e.startDate.toJSDate().toISOString(), starts.toISOString())
    t.equal(e.location, 'Online')
    t.match(e.description, 'Why this matters: Complex mixtures are most of our backlog.')
    t.match(e.description, 'Live captions: https://captions.example.gov/mx')
    t.equal(e.organizer, 'mailto:convene+dna@localhost')
  })

  await t.test('the event page shows the Add to calendar block', async (t) => {
    const member = await as(ada)
    const page = await member.get(`/c/dna/events/${event.id}`)
    t.equal(page.statusCode, 200)
    t.match(text(page.body), 'Add to calendar Download the calendar file (.ics)')
    t.match(page.body, `href="${url}"`)
    t.match(text(page.body), 'Add to Google Calendar')
    t.match(text(page.body), 'Add to Outlook on the web')
    const google = await member.get(`/c/dna/events/${event.id}/add/google`)
    t.equal(google.statusCode, 302)
    const g = new URL(google.headers.location as string)
    t.equal(g.host, 'calendar.google.com')
    t.equal(g.searchParams.get('text'), 'Mixtures, part 2; Q&A')
    t.equal(g.searchParams.get('dates'), '20261210T170000Z/20261210T180000Z')
    const outlook = await member.get(`/c/dna/events/${event.id}/add/outlook`)
    t.equal(outlook.statusCode, 302)
    t.match(outlook.headers.location, /^https:\/\/outlook\.office\.com\/calendar\//)
    const live = await member.get(`/c/dna/events/${event.id}/add/outlook-com`)
    t.match(live.headers.location, /^https:\/\/outlook\.live\.com\/calendar\//)
  })

  await t.test('permissions: outsiders and non-members get 404; drafts only for organizers', async (t) => {
    for (const [who, c] of [['signed out', await as(null)], ['non-member', await as(stranger)]] as const) {
      for (const u of [url, `/c/dna/events/${event.id}/add/google`]) {
        const res = await c.get(u)
        t.equal(res.statusCode, 404, `${who}: ${u}`)
        t.match(text(res.body), 'We couldn\'t find that')
      }
    }
    const member = await as(ada)
    t.equal((await member.get(`/c/dna/events/${draft.id}/event.ics`)).statusCode, 404, 'member: draft does not exist')
    t.equal((await member.get('/c/dna/events/99999/event.ics')).statusCode, 404)
    t.equal((await member.get('/c/dna/events/abc/event.ics')).statusCode, 404)
    for (const m of [orga, admin]) {
      const res = await (await as(m)).get(`/c/dna/events/${draft.id}/event.ics`)
      t.equal(res.statusCode, 200, `${m.full_name}: draft downloadable`)
      t.match(res.body, 'SUMMARY:Draft meetup')
    }
    const draftPage = await (await as(orga)).get(`/c/dna/events/${draft.id}`)
    t.notMatch(text(draftPage.body), 'Add to calendar', 'no Add to calendar block on a draft')
  })

  await t.test('an event that is over offers no Add to calendar and no “Who’s going”', async (t) => {
    const before = new Date(Date.now() - 7 * 86_400_000)
    const past = await db.insertInto('events').values({
      community_id: dna.id, kind: 'meetup', title: 'Last week’s meetup', why_it_matters: 'Done.', time_zone: 'America/New_York',
      status: 'published', starts_at: before, ends_at: new Date(before.getTime() + 3_600_000), venue_name: 'Lab'
    }).returningAll().executeTakeFirstOrThrow()
    const member = await as(ada)
    const upcoming = text((await member.get(`/c/dna/events/${event.id}`)).body)
    t.match(upcoming, 'Who’s going', 'an upcoming event shows who’s going')
    const page = await member.get(`/c/dna/events/${past.id}`)
    t.equal(page.statusCode, 200)
    t.match(text(page.body), 'Last week’s meetup')
    t.notMatch(text(page.body), 'Add to calendar')
    t.notMatch(text(page.body), 'Who’s going')
    t.match(text(page.body), 'Attendance 0 people said they would go', 'the facts say how many meant to come, not places left')
  })
})
