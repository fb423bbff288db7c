import t from 'tap'
import { DateTime } from 'luxon'
import { Client, createTestApp, PUBLIC_URL, text } from '../../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../../fixtures/factories.js'
import { rsvpLinkUrls } from '../../../src/domain/rsvps/rsvp-links.js'

// When RSVPs open, and a member turning off the answer links in their emails.

const inDays = (n: number) => DateTime.now().setZone('America/New_York').plus({ days: n }).toISODate()!

t.test('RSVP window and answer links', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const olive = await createMember(db, { full_name: 'Olive Organizer' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', email: 'ada@lab.gov' })
  await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: olive, members: [ada] })
  const organizer = new Client(app)
  await signInAs(organizer, olive)
  const member = new Client(app)
  await signInAs(member, ada)
  const fields = {
    title: 'Regional meetup', kind: 'meetup', why_it_matters: 'Meet your neighbours.', time_zone: 'America/New_York',
    start_date: inDays(30), start_time: '09:00', end_time: '12:00', venue_name: 'State Lab', rsvp_opens_date: inDays(10)
  }
  let eventId = 0

  await t.test('the organizer sets when RSVPs open; members can’t answer before', async (t) => {
    const bad = await organizer.post('/c/dna/orga/events/new', { ...fields, rsvp_opens_date: inDays(31) }, { csrfFrom: '/c/dna/orga/events/new' })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'RSVPs must open on or before the day the event starts.')
    t.match(bad.body, `value="${inDays(31)}"`)
    const late = await organizer.post('/c/dna/orga/events/new', { ...fields, rsvp_closes_date: inDays(5) })
    t.equal(late.statusCode, 400)
    t.match(text(late.body), 'RSVPs must open before they close.')
    const ok = await organizer.post('/c/dna/orga/events/new', fields)
    t.equal(ok.statusCode, 303)
    eventId = Number(/\/events\/(\d+)$/.exec(ok.headers.location as string)![1])
    const row = await db.selectFrom('events').selectAll().where('id', '=', eventId).executeTakeFirstOrThrow()
    t.equal(DateTime.fromJSDate(row.rsvp_opens_at!, { zone: 'America/New_York' }).toFormat("yyyy-LL-dd'T'HH:mm"), `${inDays(10)}T00:00`, 'the start of that day in the event’s zone')
    t.match((await organizer.get(`/c/dna/orga/events/${eventId}/edit`)).body, `name="rsvp_opens_date" type="date" value="${inDays(10)}"`, 'the edit form shows it')
    await organizer.post(`/c/dna/orga/events/${eventId}/publish`, {}, { csrfFrom: `/c/dna/events/${eventId}` })
    const page = await member.get(`/c/dna/events/${eventId}`)
    t.match(text(page.body), 'RSVPs open on')
    const early = await member.post(`/c/dna/events/${eventId}/rsvp`, { choice: 'going' })
    t.equal(early.statusCode, 409)
    t.match(text(early.body), 'RSVPs open on')

    // Emptied on the edit form: RSVPs open now.
    const edit = await organizer.post(`/c/dna/orga/events/${eventId}/edit`, { ...fields, rsvp_opens_date: '' }, { csrfFrom: `/c/dna/orga/events/${eventId}/edit` })
    t.equal(edit.statusCode, 303)
    t.equal((await db.selectFrom('events').select('rsvp_opens_at').where('id', '=', eventId).executeTakeFirstOrThrow()).rsvp_opens_at, null)
    t.equal((await member.post(`/c/dna/events/${eventId}/rsvp`, { choice: 'going' }, { csrfFrom: `/c/dna/events/${eventId}` })).statusCode, 303)
  })

  await t.test('a member turns off the answer links in their emails; new links work', async (t) => {
    const site = { secret: app.secret, publicUrl: PUBLIC_URL }
    const old = await rsvpLinkUrls(db, site.secret, site.publicUrl, eventId, ada.id)
    const path = (u: string) => u.slice(PUBLIC_URL.length)
    t.equal((await new Client(app).get(path(old.declined))).statusCode, 200, 'the emailed link works')
    const page = await member.get(`/c/dna/events/${eventId}`)
    t.match(text(page.body), 'Turn off the answer links in my emails for this event')
    const res = await member.post(`/c/dna/events/${eventId}/rsvp-links/revoke`, {})
    t.equal(res.statusCode, 303)
    t.match(text((await member.get(`/c/dna/events/${eventId}`)).body), 'no longer work')
    const stale = await new Client(app).get(path(old.declined))
    t.equal(stale.statusCode, 400, 'the old link is refused')
    const fresh = await rsvpLinkUrls(db, site.secret, site.publicUrl, eventId, ada.id)
    t.not(fresh.declined, old.declined)
    t.equal((await new Client(app).get(path(fresh.declined))).statusCode, 200, 'links in the next email work')
    const outsider = new Client(app)
    const stranger = await createMember(db, { full_name: 'Sam Stranger' })
    await signInAs(outsider, stranger)
    t.equal((await outsider.post(`/c/dna/events/${eventId}/rsvp-links/revoke`, {}, { csrfFrom: '/' })).statusCode, 404, 'not a member: 404')
  })
})
