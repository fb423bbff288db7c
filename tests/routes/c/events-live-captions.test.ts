import t from 'tap'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../../fixtures/factories.js'
import { createEvent, publishEvent, type EventInput } from '../../../src/domain/events/events.service.js'
import { sendDueReminders } from '../../../src/domain/reminders/reminders.service.js'
import { answerInTransaction } from '../../../src/domain/rsvps/rsvps.service.js'

// Live-transcript links: prominent on the event page until the end, then replaced by the recording or
// transcript; organizers see every upcoming online event that still lacks one; reminders carry them.

const HOUR = 3_600_000

function input (over: Partial<EventInput>): EventInput {
  const startsAt = new Date(Math.floor((Date.now() + 48 * HOUR) / 60_000) * 60_000)
  return {
    kind: 'brown-bag', title: 'Captioned brown-bag', summary: '', whyItMatters: 'Hear how another lab did it.',
    startsAt, endsAt: new Date(startsAt.getTime() + HOUR), timeZone: 'America/New_York',
    venueName: null, venueAddress: null, venueRoom: null, accessibilityNotes: null, onlineUrl: 'https://meet.example.gov/bb',
    region: null, liveTranscriptUrl: 'https://captions.example.gov/bb', recordingUrl: null, capacity: null, rsvpClosesAt: null,
    askAccessibility: false, askDietary: false, ...over
  }
}

t.test('live-transcript links', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const olive = await createMember(db, { full_name: 'Olive Organizer' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', email: 'ada@lab.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: olive, members: [ada] })
  const base = `/c/${community.slug}`
  const organizer = new Client(app)
  await signInAs(organizer, olive)
  const member = new Client(app)
  await signInAs(member, ada)

  const make = (over: Partial<EventInput>, publish = true) => db.transaction().execute(async (trx) => {
    const e = await createEvent(trx, community.id, input(over), olive.id)
    return publish ? publishEvent(trx, e.id) : e
  })

  await t.test('the event page shows live captions prominently until the end', async (t) => {
    const e = await make({})
    const page = await member.get(`${base}/events/${e.id}`)
    t.equal(page.statusCode, 200)
    const shown = text(page.body)
    t.match(shown, 'Join online, with live captions')
    t.match(shown, 'Live captions: Live transcript (captions)')
    t.match(page.body, 'href="https://captions.example.gov/bb"')
    t.match(page.body, 'href="https://meet.example.gov/bb"')
    // It comes before the details: right under "why this matters".
    t.ok(shown.indexOf('Live captions') < shown.indexOf('When'), 'the captions link comes before the event details')
  })

  await t.test('after the event the recording or transcript replaces the captions link', async (t) => {
    const startsAt = new Date(Math.floor((Date.now() - 3 * HOUR) / 60_000) * 60_000)
    const recorded = await make({ title: 'Recorded', startsAt, endsAt: new Date(startsAt.getTime() + HOUR), recordingUrl: 'https://video.example.gov/r1' })
    const page = await member.get(`${base}/events/${recorded.id}`)
    const shown = text(page.body)
    t.match(shown, 'After the event')
    t.match(shown, 'Recording or transcript: Watch the recording or read the transcript')
    t.match(page.body, 'href="https://video.example.gov/r1"')
    t.notMatch(page.body, 'href="https://captions.example.gov/bb"', 'the live captions link is gone')
    t.notMatch(page.body, 'href="https://meet.example.gov/bb"', 'so is the join link')

    const unrecorded = await make({ title: 'Not recorded', startsAt, endsAt: new Date(startsAt.getTime() + HOUR) })
    const plain = await member.get(`${base}/events/${unrecorded.id}`)
    t.match(text(plain.body), 'Transcript: Read the transcript')
    t.match(plain.body, 'href="https://captions.example.gov/bb"', 'the captions service keeps the transcript at the same address')
  })

  await t.test('without a zone in the profile, the browser’s zone (cookie) shows times where the viewer is', async (t) => {
    const e = await make({ title: 'Zone check' })
    const c = new Client(app)
    await signInAs(c, ada)
    t.notMatch(text((await c.get(`${base}/events/${e.id}`)).body), 'In your time zone', 'no zone known: the event’s own time only')
    c.cookies.set('convene_tz', 'America/Los_Angeles')
    t.match(text((await c.get(`${base}/events/${e.id}`)).body), 'In your time zone (America/Los Angeles)')
    c.cookies.set('convene_tz', 'Not/AZone')
    t.notMatch(text((await c.get(`${base}/events/${e.id}`)).body), 'In your time zone', 'a made-up zone is ignored')
    await db.updateTable('members').set({ time_zone: 'Europe/London' }).where('id', '=', ada.id).execute()
    c.cookies.set('convene_tz', 'America/Los_Angeles')
    t.match(text((await c.get(`${base}/events/${e.id}`)).body), 'In your time zone (Europe/London)', 'the profile’s zone wins')
    await db.updateTable('members').set({ time_zone: null }).where('id', '=', ada.id).execute()
  })

  await t.test('past events, latest first, with their recordings', async (t) => {
    const list = await member.get(`${base}/events?when=past`)
    t.equal(list.statusCode, 200)
    const shown = text(list.body)
    t.match(shown, 'Past events')
    t.match(list.body, '<a class="usa-link" href="https://video.example.gov/r1">Recording or transcript<span class="usa-sr-only"> of Recorded</span></a>')
    t.match(list.body, 'href="https://captions.example.gov/bb">Transcript<span class="usa-sr-only"> of Not recorded', 'the transcript when there is no recording')
    t.notMatch(shown, 'Captioned brown-bag', 'upcoming events are not in the past list')
    t.match(text((await member.get(`${base}/events`)).body), 'Captioned brown-bag')
    t.notMatch(text((await member.get(`${base}/events`)).body), 'Not recorded', 'nor past ones in the upcoming list')
  })

  await t.test('the date filter counts days where the viewer is', async (t) => {
    await db.updateTable('members').set({ time_zone: 'America/Los_Angeles' }).where('id', '=', ada.id).execute()
    // 23:30 in Los Angeles on 10 March 2027 is already 11 March in UTC.
    const late = await make({ title: 'Late-night clinic', timeZone: 'America/Los_Angeles', startsAt: new Date('2027-03-11T07:30:00Z'), endsAt: new Date('2027-03-11T08:30:00Z') })
    t.match(text((await member.get(`${base}/events?from=2027-03-10&to=2027-03-10`)).body), late.title)
    t.notMatch(text((await member.get(`${base}/events?from=2027-03-11&to=2027-03-11`)).body), late.title)
    await db.updateTable('members').set({ time_zone: null }).where('id', '=', ada.id).execute()
  })

  await t.test('organizers see which upcoming online events lack captions; members do not', async (t) => {
    const missing = await make({ title: 'Uncaptioned brown-bag', liveTranscriptUrl: null })
    const draft = await make({ title: 'Uncaptioned draft', liveTranscriptUrl: null }, false)
    await make({ title: 'In-person meetup', kind: 'meetup', onlineUrl: null, liveTranscriptUrl: null, venueName: 'State Lab' })
    const list = await organizer.get(`${base}/events`)
    t.equal(list.statusCode, 200)
    const shown = text(list.body)
    t.match(shown, '2 upcoming online events have no live captions')
    t.match(list.body, `href="${base}/orga/events/${missing.id}/edit">Uncaptioned brown-bag</a>`)
    t.match(list.body, `href="${base}/orga/events/${draft.id}/edit">Uncaptioned draft</a>`)
    t.match(shown, '(draft)')
    t.notMatch(list.body, '>In-person meetup</a>, <time', 'an in-person event needs no captions link')
    t.notMatch(text((await member.get(`${base}/events`)).body), 'no live captions', 'members do not see the organizers’ warning')

    await db.updateTable('events').set({ live_transcript_url: 'https://captions.example.gov/late' }).where('id', 'in', [missing.id, draft.id]).execute()
    t.notMatch(text((await organizer.get(`${base}/events`)).body), 'no live captions', 'the warning goes once captions are added')
  })

  await t.test('reminders carry the join and captions links', async (t) => {
    const e = await make({ title: 'Tomorrow’s brown-bag' })
    await db.transaction().execute((trx) => answerInTransaction(trx, { eventId: e.id, memberId: ada.id, choice: 'going' }))
    // A day before the start: the one-day reminder is due.
    const queued = await sendDueReminders(db, app.mailer, new Date(e.starts_at.getTime() - 24 * HOUR + 60_000))
    t.equal(queued, 1)
    const mail = await db.selectFrom('mail_messages').selectAll().where('kind', '=', 'event-reminder').executeTakeFirstOrThrow()
    t.equal(mail.to_address, 'ada@lab.gov')
    t.match(mail.text_body, 'Join online: https://meet.example.gov/bb')
    t.match(mail.text_body, 'Live captions: https://captions.example.gov/bb')
  })
})
