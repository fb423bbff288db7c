import t from 'tap'
import ICAL from 'ical.js'
import { simpleParser } from 'mailparser'
import { createTestApp, PUBLIC_URL } from '../../fixtures/build-app.js'
import { addMembership, createEvent, createMember, createSeries } from '../../fixtures/factories.js'
import { buildWorld } from '../../fixtures/world.js'
import type { Member } from '../../../src/db/database.js'
import { cancelEvent, publishEvent, updateEvent, type EventInput } from '../../../src/domain/events/events.service.js'
import { answerInTransaction, type RsvpChoice } from '../../../src/domain/rsvps/rsvps.service.js'
import { deliverDueMail } from '../../../src/domain/mail/mail.delivery.js'
import { createMailSender } from '../../../src/infra/mail/transport.js'
import { editSeries, moveOccurrence } from '../../../src/domain/series/series.service.js'
import { notifyTimeChanged } from '../../../src/domain/series/series-changes.js'
import { inviteList, parseEmailList } from '../../../src/domain/invites/invites.service.js'
import { sendCalendarMail } from '../../fixtures/calendar-mail.js'
import { startSmtp } from '../../fixtures/smtp.js'

// Calendar invites by email: one message per person with text/calendar; method=REQUEST, updates with a higher
// SEQUENCE and the same UID, CANCEL with STATUS:CANCELLED — sent through a real SMTP server, parsed by ical.js.

const DAY = 86_400_000
const FROM = 'Convene <convene@convene.test>'


/** The calendar part of a received message, parsed by ical.js, and its Content-Type header. */
async function calendarOf (raw: string) {
  const header = /Content-Type: text\/calendar;[^\r\n]*/i.exec(raw)?.[0] ?? ''
  const parsed = await simpleParser(raw)
  const part = parsed.attachments.find((a) => a.contentType === 'text/calendar')
  if (!part) throw new Error('no text/calendar part')
  const cal = new ICAL.Component(ICAL.parse(part.content.toString('utf8')))
  const vevent = cal.getFirstSubcomponent('vevent')!
  const attendee = vevent.getFirstProperty('attendee')!
  return {
    header,
    to: parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((a) => a.address) : [],
    text: parsed.text ?? '',
    method: cal.getFirstPropertyValue('method'),
    uid: vevent.getFirstPropertyValue('uid'),
    sequence: Number(vevent.getFirstPropertyValue('sequence')),
    status: vevent.getFirstPropertyValue('status'),
    start: (vevent.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate(),
    location: vevent.getFirstPropertyValue('location'),
    description: String(vevent.getFirstPropertyValue('description')),
    organizer: String(vevent.getFirstPropertyValue('organizer')),
    attendee: String(attendee.getFirstValue()),
    partstat: attendee.getParameter('partstat'),
    rsvp: attendee.getParameter('rsvp')
  }
}

function input (over: Partial<EventInput> = {}): EventInput {
  // Whole minutes, as the event form gives them (calendar times carry no milliseconds).
  const startsAt = new Date(Math.floor((Date.now() + 10 * DAY) / 60_000) * 60_000)
  return {
    kind: 'meetup', title: 'Validation roundtable', summary: '', whyItMatters: 'Share validation plans.',
    startsAt, endsAt: new Date(startsAt.getTime() + 2 * 3_600_000), timeZone: 'America/New_York',
    venueName: 'State Lab', venueAddress: '1 Main St', venueRoom: null, accessibilityNotes: null, onlineUrl: 'https://meet.example.gov/r',
    region: null, liveTranscriptUrl: 'https://captions.example.gov/r', recordingUrl: null, capacity: null, rsvpClosesAt: null,
    askAccessibility: false, askDietary: false, ...over
  }
}

t.test('calendar invites', async (t) => {
  const { app } = await createTestApp(t, { config: { MAIL_FROM: FROM } })
  const db = app.db
  const { community } = await buildWorld(db, { community: { slug: 'dna-analysts', name: 'DNA Analysts' }, members: [], event: false })
  const smtp = await startSmtp()
  t.teardown(smtp.close)
  const sender = createMailSender(smtp.url, FROM)
  t.teardown(() => sender.transport.close?.())

  async function member (name: string): Promise<Member> {
    const m = await createMember(db, { full_name: name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@lab.gov` })
    await addMembership(db, community.id, m.id)
    return m
  }
  async function event (over: Partial<EventInput> = {}) {
    return db.transaction().execute(async (trx) => {
      const e = await createEvent(trx, community, { ...input(over), status: 'draft' })
      return publishEvent(trx, e.id)
    })
  }
  /** An answer, then its calendar mail as the worker sends it. */
  async function answer (eventId: number, memberId: number, choice: RsvpChoice) {
    const outcome = await db.transaction().execute((trx) => answerInTransaction(trx, { eventId, memberId, choice }))
    await sendCalendarMail(app)
    return outcome
  }
  /** Runs the calendar worker, delivers everything queued through SMTP and returns what arrived since. */
  async function deliver () {
    await sendCalendarMail(app)
    const before = smtp.received.length
    await deliverDueMail(db, sender, { now: new Date(Date.now() + 60_000) })
    return smtp.received.slice(before)
  }
  const eventRow = (id: number) => db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  t.test('going and maybe: each their own REQUEST with UID, SEQUENCE, ATTENDEE, ORGANIZER', async (t) => {
    const e = await event()
    const ana = await member('Ana Going')
    const ben = await member('Ben Maybe')
    await answer(e.id, ana.id, 'going')
    await answer(e.id, ben.id, 'maybe')
    const got = await deliver()
    t.equal(got.length, 2, 'one message per person')
    t.same(got.map((m) => m.to).sort(), [[ana.email], [ben.email]].sort(), 'each message has exactly one recipient')
    for (const m of got) {
      const cal = await calendarOf(m.raw)
      const who = m.to[0] === ana.email ? ana : ben
      t.match(cal.header, /text\/calendar; charset=utf-8; method=REQUEST/)
      t.same(cal.to, [who.email], 'the To: header names only the recipient')
      t.equal(cal.method, 'REQUEST')
      t.equal(cal.uid, `event-${e.id}@convene.test`)
      t.equal(cal.sequence, e.sequence)
      t.equal(cal.organizer, 'mailto:convene+dna-analysts@convene.test')
      t.equal(cal.attendee, `mailto:${who.email}`)
      t.equal(cal.rsvp, 'TRUE')
      t.equal(cal.partstat, who === ana ? 'ACCEPTED' : 'TENTATIVE')
      t.equal(cal.start.getTime(), e.starts_at.getTime(), 'the parsed start is the event’s instant')
      t.match(cal.description, 'Live captions: https://captions.example.gov/r')
      t.match(cal.description, `${PUBLIC_URL}/rsvp/${e.id}.${who.id}.declined.`)
      t.match(cal.text, 'Join online: https://meet.example.gov/r')
      t.match(cal.text, 'Can’t go: http://convene.test/rsvp/')
    }
    const held = await db.selectFrom('calendar_invites').selectAll().where('event_id', '=', e.id).orderBy('member_id').execute()
    t.same(held.map((h) => [h.member_id, h.sequence, h.method]), [[ana.id, e.sequence, 'REQUEST'], [ben.id, e.sequence, 'REQUEST']])

    await answer(e.id, ana.id, 'going')
    t.equal((await deliver()).length, 0, 'the same answer again sends nothing')
    await answer(e.id, ben.id, 'going')
    const [again] = await deliver()
    t.equal((await calendarOf(again.raw)).partstat, 'ACCEPTED', 'a changed answer sends the invite with the new PARTSTAT')
  })

  t.test('a change of time sends holders an update: same UID, higher SEQUENCE; others a plain notice; once each', async (t) => {
    const e = await event({ capacity: 1 })
    const ana = await member('Ana Holder')
    const wes = await member('Wes Waiting')
    await answer(e.id, ana.id, 'going')
    await answer(e.id, wes.id, 'going')
    const first = await calendarOf((await deliver())[0].raw)
    t.equal((await db.selectFrom('rsvps').select('status').where('member_id', '=', wes.id).executeTakeFirstOrThrow()).status, 'waitlisted')

    const later = new Date(e.starts_at.getTime() + DAY)
    await db.transaction().execute((trx) => updateEvent(trx, e.id, input({ capacity: 1, startsAt: later, endsAt: new Date(later.getTime() + 2 * 3_600_000) })))
    const got = await deliver()
    t.equal(got.length, 2, 'one message for each person who answered')
    const toAna = got.find((m) => m.to[0] === ana.email)!
    const cal = await calendarOf(toAna.raw)
    t.equal(cal.method, 'REQUEST')
    t.equal(cal.uid, first.uid, 'the same UID')
    t.ok(cal.sequence > first.sequence, 'a higher SEQUENCE')
    t.equal(cal.sequence, (await eventRow(e.id)).sequence)
    t.equal(cal.start.getTime(), later.getTime(), 'the new time')
    t.match(cal.text, 'now starts')
    const toWes = got.find((m) => m.to[0] === wes.email)!
    t.notMatch(toWes.raw, 'text/calendar', 'the waitlisted member holds no invite: a plain notice')
    t.match(toWes.raw, /Subject: New time: Validation roundtable/)

    await db.transaction().execute((trx) => updateEvent(trx, e.id, input({ capacity: 1, title: 'Validation roundtable (renamed)', startsAt: later, endsAt: new Date(later.getTime() + 2 * 3_600_000) })))
    t.equal((await deliver()).length, 0, 'a change of title alone mails nobody')

    await db.transaction().execute((trx) => updateEvent(trx, e.id, input({ capacity: 1, venueName: 'Annex B', startsAt: later, endsAt: new Date(later.getTime() + 2 * 3_600_000) })))
    const moved = await deliver()
    t.equal(moved.length, 2)
    const placeCal = await calendarOf(moved.find((m) => m.to[0] === ana.email)!.raw)
    t.match(placeCal.location, 'Annex B')
    t.ok(placeCal.sequence > cal.sequence)
  })

  t.test('cancelling sends METHOD:CANCEL with STATUS:CANCELLED to every holder, once each', async (t) => {
    const e = await event()
    const people = [await member('Cal One'), await member('Cal Two'), await member('Cal Three')]
    await answer(e.id, people[0].id, 'going')
    await answer(e.id, people[1].id, 'maybe')
    await answer(e.id, people[2].id, 'going')
    const invites = await deliver()
    const seq = (await calendarOf(invites[0].raw)).sequence
    await db.transaction().execute((trx) => cancelEvent(trx, e.id))
    const got = await deliver()
    t.equal(got.length, 3)
    t.same(got.map((m) => m.to[0]).sort(), people.map((p) => p.email).sort())
    for (const m of got) {
      const cal = await calendarOf(m.raw)
      t.match(cal.header, /method=CANCEL/)
      t.equal(cal.method, 'CANCEL')
      t.equal(cal.status, 'CANCELLED')
      t.equal(cal.uid, `event-${e.id}@convene.test`)
      t.ok(cal.sequence > seq)
      t.match(cal.text, 'has been cancelled by the organizers of DNA Analysts')
    }
    t.same((await db.selectFrom('calendar_invites').select('method').distinct().where('event_id', '=', e.id).execute()).map((r) => r.method), ['CANCEL'])
  })

  t.test('"can’t go" after holding an invite: a CANCEL to that attendee, then nothing more', async (t) => {
    const e = await event()
    const dee = await member('Dee Decliner')
    await answer(e.id, dee.id, 'going')
    await deliver()
    await answer(e.id, dee.id, 'declined')
    const [m] = await deliver()
    const cal = await calendarOf(m.raw)
    t.equal(cal.method, 'CANCEL')
    t.equal(cal.partstat, 'DECLINED')
    t.match(m.raw, /Subject: Removed from your calendar/)
    const later = new Date(e.starts_at.getTime() + 3_600_000)
    await db.transaction().execute((trx) => updateEvent(trx, e.id, input({ startsAt: later, endsAt: new Date(later.getTime() + 3_600_000) })))
    await db.transaction().execute((trx) => cancelEvent(trx, e.id))
    t.equal((await deliver()).length, 0, 'no update and no cancellation for someone who can’t go')
  })

  t.test('a waitlist promotion carries the invite and the event link', async (t) => {
    const e = await event({ capacity: 1 })
    const first = await member('First Seat')
    const next = await member('Next Inline')
    await answer(e.id, first.id, 'going')
    await answer(e.id, next.id, 'going')
    await deliver()
    await answer(e.id, first.id, 'declined')
    const got = await deliver()
    t.equal(got.length, 2, 'a CANCEL to the one who left, the promotion to the next')
    const promoted = got.find((m) => m.to[0] === next.email)!
    const cal = await calendarOf(promoted.raw)
    t.equal(cal.method, 'REQUEST')
    t.equal(cal.partstat, 'ACCEPTED')
    t.match(cal.text, 'A place opened up')
    t.match(cal.text, `Event page: ${PUBLIC_URL}/c/dna-analysts/events/${e.id}`)
  })

  t.test('series: an edit of the place, a moved occurrence and a cancelled occurrence reach holders', async (t) => {
    // Weekly at 12:00 Chicago, from three days from now (the factory's series).
    const { series } = await createSeries(db, community, { title: 'Monthly brown-bag' })
    const [o1, o2] = await db.selectFrom('events').selectAll().where('series_id', '=', series.id).orderBy('starts_at').limit(2).execute()
    const sue = await member('Sue Series')
    await answer(o1.id, sue.id, 'going')
    await answer(o2.id, sue.id, 'going')
    t.equal((await deliver()).length, 2, 'one invite per occurrence')

    await db.transaction().execute((trx) => editSeries(trx, series.id, {
      kind: 'brown-bag', title: 'Monthly brown-bag', summary: '', whyItMatters: 'Learn from each other.', durationMinutes: 60,
      venueName: null, venueAddress: null, venueRoom: null, accessibilityNotes: null, onlineUrl: 'https://meet.example.gov/new-room', region: null,
      liveTranscriptUrl: 'https://captions.example.gov/bb', capacity: null
    }))
    const edited = await deliver()
    t.equal(edited.length, 2, 'an update for each occurrence she holds')
    for (const m of edited) t.match((await calendarOf(m.raw)).description, 'https://meet.example.gov/new-room')

    const local = new Date(o1.starts_at.getTime() + DAY).toISOString().slice(0, 10)
    await db.transaction().execute(async (trx) => {
      const moved = await moveOccurrence(trx, o1.id, `${local}T15:00`)
      await notifyTimeChanged(trx, moved)
    })
    const [movedMail] = await deliver()
    const cal = await calendarOf(movedMail.raw)
    t.equal(cal.uid, `event-${o1.id}@convene.test`)
    t.equal(cal.sequence, (await eventRow(o1.id)).sequence)

    await db.transaction().execute((trx) => cancelEvent(trx, o2.id))
    const [cancelled] = await deliver()
    t.equal((await calendarOf(cancelled.raw)).method, 'CANCEL')
  })

  t.test('an organizer invites a list: members individually, non-members reported, no repeats', async (t) => {
    const e = await event()
    const a = await member('List Alpha')
    const b = await member('List Beta')
    const outsider = await createMember(db, { email: 'outsider@elsewhere.gov' })
    const emails = parseEmailList(`${a.email}, "Beta" <${b.email.toUpperCase()}>\n${outsider.email}; not-an-address`)
    const result = await db.transaction().execute((trx) => inviteList(trx, e, { everyone: false, emails }))
    t.same(result, { invited: 2, skipped: 0, optedOut: 0, notMembers: ['outsider@elsewhere.gov', 'not-an-address'] })
    const got = await deliver()
    t.same(got.map((m) => m.to).sort(), [[a.email], [b.email]].sort())
    const cal = await calendarOf(got[0].raw)
    t.equal(cal.partstat, 'NEEDS-ACTION')
    t.equal(cal.rsvp, 'TRUE')
    const again = await db.transaction().execute((trx) => inviteList(trx, e, { everyone: false, emails: [a.email] }))
    t.same(again, { invited: 0, skipped: 1, optedOut: 0, notMembers: [] }, 'holders are not mailed twice')
    await db.transaction().execute((trx) => cancelEvent(trx, e.id))
    t.equal((await deliver()).length, 2, 'invitees who never answered get the CANCEL too')
  })
})
