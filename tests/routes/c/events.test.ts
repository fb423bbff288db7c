import t from 'tap'
import { DateTime } from 'luxon'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { sendCalendarMail } from '../../fixtures/calendar-mail.js'
import { addMembership, createCommunity, createMember, signInAs } from '../../fixtures/factories.js'
import { upcomingEvents } from '../../../src/domain/events/events.service.js'

const inDays = (n: number) => DateTime.now().setZone('America/New_York').plus({ days: n }).toISODate()!

t.test('events pages', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@agency.gov' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', agency: 'State Crime Lab', email: 'ada@lab.gov' })
  const ben = await createMember(db, { full_name: 'Ben Bashful', email: 'ben@lab.gov' })
  const stranger = await createMember(db, { full_name: 'Sam Stranger', email: 'sam@else.gov' })
  const admin = await createMember(db, { full_name: 'Site Admin', is_admin: true, email: 'admin@site.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada, ben] })
  const other = await createCommunity(db, { slug: 'records', name: 'Records Managers', organizer: stranger })
  const base = `/c/${community.slug}`

  const as = async (m: typeof ada | null) => {
    const c = new Client(app)
    if (m) await signInAs(c, m)
    return c
  }
  const organizer = await as(orga)
  const member = await as(ada)

  const eventFields = {
    title: 'Validation brown-bag', kind: 'brown-bag', why_it_matters: 'See how another lab validated its kit.',
    summary: 'Forty minutes and questions.', time_zone: 'America/New_York', start_date: inDays(10), start_time: '12:00', end_time: '13:00',
    online_url: 'https://meet.example.gov/bb', region: 'Northeast', capacity: '2', ask_accessibility: 'yes', ask_dietary: 'yes'
  }
  let eventId = 0

  await t.test('an organizer creates a draft, gets the captions warning, then publishes', async (t) => {
    const form = await organizer.get(`${base}/orga/events/new`)
    t.equal(form.statusCode, 200)
    t.match(text(form.body), 'New event')
    const bad = await organizer.post(`${base}/orga/events/new`, { ...eventFields, why_it_matters: '', start_time: 'noon' })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'There are 2 problems')
    t.match(text(bad.body), 'Enter why this matters to members.')
    t.match(bad.body, 'value="Validation brown-bag"', 'input kept')
    const ok = await organizer.post(`${base}/orga/events/new`, eventFields)
    t.equal(ok.statusCode, 303)
    eventId = Number(/\/events\/(\d+)$/.exec(ok.headers.location as string)![1])
    const page = await organizer.get(ok.headers.location as string)
    t.match(text(page.body), 'Draft saved. Check it, then publish it.')
    t.match(text(page.body), 'Draft: only organizers can see this event')
    t.match(text(page.body), 'This event is online but has no live-transcript (captions) link.')
    t.match(text(page.body), '12:00 PM')
    t.match(text(page.body), 'Times are in the event’s time zone, America/New York.')

    const drafted = await member.get(`${base}/events/${eventId}`)
    t.equal(drafted.statusCode, 404, 'members do not see drafts')
    t.notMatch(text((await member.get(`${base}/events`)).body), 'Validation brown-bag')

    const warn = await organizer.post(`${base}/orga/events/${eventId}/publish`, {})
    t.equal(warn.statusCode, 200)
    t.match(text(warn.body), 'Publish without live captions?')
    t.equal((await db.selectFrom('events').select('status').where('id', '=', eventId).executeTakeFirstOrThrow()).status, 'draft')
    const pub = await organizer.post(`${base}/orga/events/${eventId}/publish`, { confirm: 'yes' })
    t.equal(pub.statusCode, 303)
    t.match(text((await organizer.get(pub.headers.location as string)).body), 'Published: members can now see it and RSVP.')
  })

  await t.test('the events list filters by kind, region, place and date', async (t) => {
    await organizer.post(`${base}/orga/events/new`, { ...eventFields, title: 'Boston meetup', kind: 'meetup', online_url: '', venue_name: 'Boston Public Library', region: 'New England', start_date: inDays(20), capacity: '' })
    const boston = await db.selectFrom('events').select('id').where('title', '=', 'Boston meetup').executeTakeFirstOrThrow()
    await organizer.post(`${base}/orga/events/${boston.id}/publish`, {})
    const listPage = await member.get(`${base}/events`)
    // A date input shows the browser's own date picker (mm/dd/yyyy in the US): its label names no format.
    t.match(listPage.body, /<label class="usa-label" for="from">From<\/label>\s*<input class="usa-input" id="from" name="from" type="date"/)
    t.match(listPage.body, /<label class="usa-label" for="to">To<\/label>/)
    t.notMatch(text(listPage.body), 'YYYY-MM-DD')
    const all = text(listPage.body)
    t.match(all, 'Validation brown-bag')
    t.match(all, 'Boston meetup')
    t.ok(all.indexOf('Validation brown-bag') < all.indexOf('Boston meetup'), 'soonest first')
    const meetups = text((await member.get(`${base}/events?kind=meetup`)).body)
    t.notMatch(meetups, 'Validation brown-bag')
    t.match(meetups, 'Boston meetup')
    t.notMatch(text((await member.get(`${base}/events?region=New+England`)).body), 'Validation brown-bag')
    const online = text((await member.get(`${base}/events?mode=online`)).body)
    t.match(online, 'Validation brown-bag')
    t.notMatch(online, 'Boston meetup')
    t.notMatch(text((await member.get(`${base}/events?mode=in-person`)).body), 'Validation brown-bag')
    const later = text((await member.get(`${base}/events?from=${inDays(15)}`)).body)
    t.notMatch(later, 'Validation brown-bag')
    t.match(later, 'Boston meetup')
    t.match(text((await member.get(`${base}/events?to=${inDays(1)}`)).body), 'No upcoming events match.')
    const longRegion = await member.get(`${base}/events?region=${'r'.repeat(201)}`)
    t.equal(longRegion.statusCode, 400, 'an over-long filter is refused, not cut')
    t.match(text(longRegion.body), 'The region must be 200 characters or fewer (you entered 201).')
    // The community home page's helper.
    t.same((await upcomingEvents(db, community.id, 1)).map((e) => e.title), ['Validation brown-bag'])
  })

  await t.test('members RSVP; a full event waitlists; who is going shows only the listed', async (t) => {
    const page = await member.get(`${base}/events/${eventId}`)
    t.match(text(page.body), 'Why this matters: See how another lab validated its kit.')
    t.match(text(page.body), 'Accessibility needs (optional, seen only by the organizers)')
    const going = await member.post(`${base}/events/${eventId}/rsvp`, { choice: 'going', accessibility_needs: 'Captions please', dietary_needs: '=1+1' })
    t.equal(going.statusCode, 303)
    const after = text((await member.get(going.headers.location as string)).body)
    t.match(after, 'You’re going. See you there!')
    t.match(after, 'You answered: Going')
    t.match(after, 'Ada Analyst, State Crime Lab')

    const bashful = await as(ben)
    await bashful.post(`${base}/events/${eventId}/rsvp`, { choice: 'going', unlisted: 'yes' }, { csrfFrom: `${base}/events/${eventId}` })
    const seen = text((await member.get(`${base}/events/${eventId}`)).body)
    t.notMatch(seen, 'Ben Bashful')
    t.match(seen, '1 more person going chose not to be listed.')
    t.match(seen, '2 going of 2')

    const late = await createMember(db, { full_name: 'Lee Late', email: 'lee@lab.gov' })
    await addMembership(db, community.id, late.id)
    const lee = await as(late)
    t.match(text((await lee.get(`${base}/events/${eventId}`)).body), 'Join the waitlist')
    const wait = await lee.post(`${base}/events/${eventId}/rsvp`, { choice: 'going' })
    t.match(text((await lee.get(wait.headers.location as string)).body), 'The event is full, so you’re on the waitlist.')

    // Ada can't go: Lee gets her place and an email.
    await member.post(`${base}/events/${eventId}/rsvp`, { choice: 'declined' }, { csrfFrom: `${base}/events/${eventId}` })
    t.match(text((await lee.get(`${base}/events/${eventId}`)).body), 'You answered: Going')
    await sendCalendarMail(app) // the promotion's notice, as the worker sends it
    const mail = await db.selectFrom('mail_messages').selectAll().where('to_address', '=', 'lee@lab.gov').executeTakeFirstOrThrow()
    t.match(mail.subject, 'A place opened up')

    const nonsense = await member.post(`${base}/events/${eventId}/rsvp`, { choice: 'sure' }, { csrfFrom: `${base}/events/${eventId}` })
    t.equal(nonsense.statusCode, 400)
    t.match(text(nonsense.body), 'Choose going, maybe or can’t go.')
    // An answer over its limit: an error naming the field, the form re-shown with what was typed, nothing saved.
    const needs = 'n'.repeat(1001)
    const long = await member.post(`${base}/events/${eventId}/rsvp`, { choice: 'maybe', accessibility_needs: needs }, { csrfFrom: `${base}/events/${eventId}` })
    t.equal(long.statusCode, 400)
    t.match(text(long.body), 'Your accessibility needs must be 1000 characters or fewer (you entered 1001).')
    t.ok(long.body.includes(`>${needs}</textarea>`), 'the answer is kept whole')
    const kept = await db.selectFrom('rsvps').select(['status', 'accessibility_needs']).where('event_id', '=', eventId).where('member_id', '=', ada.id).executeTakeFirstOrThrow()
    t.same(kept, { status: 'declined', accessibility_needs: 'Captions please' }, 'nothing saved')
    // A double submit of the same form: one RSVP.
    await member.get(`${base}/events/${eventId}`)
    await Promise.all([member.post(`${base}/events/${eventId}/rsvp`, { choice: 'maybe' }), member.post(`${base}/events/${eventId}/rsvp`, { choice: 'maybe' })])
    t.equal((await db.selectFrom('rsvps').select('id').where('event_id', '=', eventId).where('member_id', '=', ada.id).execute()).length, 1)
  })

  await t.test('attendees page and CSV with neutralised cells', async (t) => {
    const page = await organizer.get(`${base}/orga/events/${eventId}/attendees`)
    t.equal(page.statusCode, 200)
    const body = text(page.body)
    t.match(body, '2 going of 2 · 0 waitlisted · 1 maybe · 0 can’t go')
    t.match(body, 'Ben Bashful unlisted')
    t.match(body, 'Captions please')
    const csv = await organizer.get(`${base}/orga/events/${eventId}/attendees.csv`)
    t.equal(csv.statusCode, 200)
    t.match(csv.headers['content-type'], 'text/csv')
    t.match(csv.headers['content-disposition'], `attachment; filename="attendees-${eventId}.csv"`)
    t.match(csv.body, /^Name,Agency,Email,RSVP,/)
    t.match(csv.body, "Ada Analyst,State Crime Lab,ada@lab.gov,maybe,yes,Captions please,'=1+1,")
    t.notMatch(csv.body, /,=1\+1/)
  })

  await t.test('check-in at the door: search, arrived, undo, walk-in', async (t) => {
    const url = `${base}/orga/events/${eventId}/check-in`
    const page = await organizer.get(url)
    t.equal(page.statusCode, 200)
    t.match(text(page.body), '0 people checked in.')
    // On a phone USWDS hides the button's text and shows the icon: the icon's alt names the button.
    t.match(page.body, /<button class="usa-button" type="submit"><span class="usa-search__submit-text">Search<\/span><img [^>]*class="usa-search__submit-icon" alt="Search"><\/button>/)
    t.match(text(page.body), 'Ben Bashful')
    const search = text((await organizer.get(`${url}?q=lee`)).body)
    t.match(search, 'Lee Late')
    t.notMatch(search, 'Ben Bashful')
    const lee = await db.selectFrom('members').select('id').where('email', '=', 'lee@lab.gov').executeTakeFirstOrThrow()
    const arrived = await organizer.post(url, { member_id: String(lee.id), q: 'lee' })
    t.equal(arrived.headers.location, `${url}?q=lee`)
    const after = text((await organizer.get(arrived.headers.location as string)).body)
    t.match(after, 'Checked in.')
    t.match(after, '1 person checked in.')
    t.match(after, /Lee Late ?, Department of Examples going · arrived/)
    t.match(text((await organizer.post(url, { member_id: String(lee.id) })).body), '')
    t.match(text((await organizer.get(url)).body), 'Already checked in.')
    await organizer.post(url, { member_id: String(lee.id), undo: 'yes' })
    t.match(text((await organizer.get(url)).body), '0 people checked in.')
    // Walk-in: a member who did not RSVP.
    const walk = await createMember(db, { full_name: 'Wanda Walkin', email: 'wanda@lab.gov' })
    await addMembership(db, community.id, walk.id)
    const found = text((await organizer.get(`${url}?q=wanda`)).body)
    t.match(found, 'Wanda Walkin')
    t.match(found, 'Add walk-in')
    await organizer.post(url, { member_id: String(walk.id), walk_in: 'yes', q: 'wanda' })
    const done = text((await organizer.get(`${url}?q=wanda`)).body)
    t.match(done, /Wanda Walkin ?, Department of Examples walk-in · arrived/)
    t.match(done, 'No other member of DNA Analysts matches “wanda”.')
    t.match(text((await organizer.get(`${url}?q=sam`)).body), 'No other member of DNA Analysts matches', 'outsiders are not offered')
    await organizer.post(url, { member_id: String(stranger.id), walk_in: 'yes' })
    t.match(text((await organizer.get(url)).body), 'Only members of this community can be checked in.')
    await organizer.post(url, { member_id: 'x' })
    t.match(text((await organizer.get(url)).body), 'Choose a person to check in.')
  })

  await t.test('editing an event; raising the capacity promotes; cancelling mails', async (t) => {
    const edit = await organizer.get(`${base}/orga/events/${eventId}/edit`)
    t.match(edit.body, 'value="Validation brown-bag"')
    t.match(edit.body, 'value="12:00"')
    const bad = await organizer.post(`${base}/orga/events/${eventId}/edit`, { ...eventFields, end_time: '11:00' })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'The event must end after it starts.')
    const saved = await organizer.post(`${base}/orga/events/${eventId}/edit`, { ...eventFields, live_transcript_url: 'https://captions.example.gov/x', capacity: '5' })
    t.equal(saved.statusCode, 303)
    const shown = text((await member.get(`${base}/events/${eventId}`)).body)
    t.match(shown, 'Live transcript (captions)')
    const cancel = await organizer.post(`${base}/orga/events/${eventId}/cancel`, {})
    t.equal(cancel.statusCode, 303)
    t.match(text((await member.get(`${base}/events/${eventId}`)).body), 'This event was cancelled.')
    const refused = await member.post(`${base}/events/${eventId}/rsvp`, { choice: 'going' })
    t.equal(refused.statusCode, 409)
    t.match(text(refused.body), 'This event was cancelled, so it takes no RSVPs.')
    await sendCalendarMail(app) // the worker mails the cancellation
    t.ok((await db.selectFrom('mail_messages').select('id').where('kind', '=', 'event-cancelled').execute()).length >= 2)
  })

  await t.test('an organizer creates a monthly series at 12:00 New York', async (t) => {
    const form = await organizer.get(`${base}/orga/series/new`)
    t.match(text(form.body), 'New series')
    const bad = await organizer.post(`${base}/orga/series/new`, { title: 'Brown-bag', kind: 'brown-bag', pattern: 'monthly-weekday', interval: '1', first_date: '', start_time: '12:00', duration_minutes: '60', time_zone: 'America/New_York', online_url: 'https://meet.example.gov/m' })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'Enter the first date as YYYY-MM-DD.')
    const fields = {
      title: 'Monthly brown-bag', kind: 'brown-bag', why_it_matters: 'Practice from peers.', pattern: 'monthly-weekday', interval: '1',
      first_date: inDays(3), start_time: '12:00', duration_minutes: '60', time_zone: 'America/New_York', online_url: 'https://meet.example.gov/m', publish: 'yes'
    }
    const ask = await organizer.post(`${base}/orga/series/new`, fields)
    t.equal(ask.statusCode, 200, 'online meetings with no captions link: asked first')
    t.match(text(ask.body), 'Publish without live captions?')
    t.match(ask.body, 'value="Monthly brown-bag"', 'the form is kept')
    t.equal(await db.selectFrom('series').select('id').where('title', '=', 'Monthly brown-bag').executeTakeFirst(), undefined, 'nothing created yet')
    const created = await organizer.post(`${base}/orga/series/new`, { ...fields, publish_without_captions: 'yes' })
    t.equal(created.statusCode, 303)
    const page = text((await organizer.get(created.headers.location as string)).body)
    t.match(page, /Series created with 1[23] occurrences for the next 12 months\./)
    t.match(page, /Every month on the (\d(st|nd|rd|th)|last) \w+day at 12:00 PM Eastern Time, for 60 minutes\./)
    const occ = await db.selectFrom('events').select(['starts_at', 'time_zone']).where('title', '=', 'Monthly brown-bag').execute()
    for (const o of occ) t.equal(DateTime.fromJSDate(o.starts_at, { zone: o.time_zone }).toFormat('HH:mm'), '12:00')
    t.match(text((await member.get(`${base}/events?kind=brown-bag`)).body), 'Monthly brown-bag')
  })

  await t.test('permissions on every route', async (t) => {
    const ev = eventId
    const gets = ['/events', `/events/${ev}`]
    const orgaGets = ['/orga/events/new', `/orga/events/${ev}/edit`, `/orga/events/${ev}/attendees`, `/orga/events/${ev}/attendees.csv`, `/orga/events/${ev}/check-in`, '/orga/series/new']
    const posts = [`/events/${ev}/rsvp`]
    const orgaPosts = ['/orga/events/new', `/orga/events/${ev}/edit`, `/orga/events/${ev}/publish`, `/orga/events/${ev}/cancel`, `/orga/events/${ev}/check-in`, '/orga/series/new']
    const outsider = await as(null)
    const nonMember = await as(stranger)
    const siteAdmin = await as(admin)
    for (const path of [...gets, ...orgaGets]) {
      for (const [who, c] of [['outsider', outsider], ['non-member', nonMember]] as const) {
        const res = await c.get(base + path)
        t.equal(res.statusCode, 404, `${who} GET ${path}`)
        t.match(text(res.body), 'Page not found')
      }
    }
    for (const path of [...posts, ...orgaPosts]) {
      for (const [who, c] of [['outsider', outsider], ['non-member', nonMember]] as const) {
        const res = await c.post(base + path, { choice: 'going' }, { csrfFrom: '/sign-in' })
        t.equal(res.statusCode, 404, `${who} POST ${path}`)
      }
    }
    for (const path of orgaGets) {
      const res = await member.get(base + path)
      t.equal(res.statusCode, 403, `member GET ${path}`)
      t.match(text(res.body), 'Only this community’s organizers can do that.')
    }
    for (const path of orgaPosts) t.equal((await member.post(base + path, {}, { csrfFrom: `${base}/events` })).statusCode, 403, `member POST ${path}`)
    for (const path of [...gets, ...orgaGets]) t.equal((await siteAdmin.get(base + path)).statusCode, 200, `admin GET ${path}`)
    // Another community's organizer can't reach this community's event through their own slug.
    const theirs = await as(stranger)
    t.equal((await theirs.get(`/c/${other.slug}/events/${ev}`)).statusCode, 404)
    t.equal((await theirs.get(`/c/${other.slug}/orga/events/${ev}/attendees`)).statusCode, 404)
    t.equal((await member.get(`${base}/events/abc`)).statusCode, 404)
    t.equal((await organizer.get(`${base}/orga/series/999999`)).statusCode, 404)
  })
})
