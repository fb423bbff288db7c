import t from 'tap'
import ICAL from 'ical.js'
import { unfold } from '../../../src/domain/calendar/ics.js'
import { sessionsCalendar, sessionUid, toSessionEntry, type CalendarSession, type SessionEvent } from '../../../src/domain/agenda/session-ics.js'

// A session's calendar file follows the rules of event files (tests/domain/calendar/ics.test.ts): TZID in the
// event's zone with its VTIMEZONE, a stable UID of its own, SEQUENCE, DTSTAMP, LOCATION, DESCRIPTION, URL.

const site = { publicUrl: 'https://convene.agency.gov', mailFrom: 'Convene <convene@agency.gov>' }
const community = { slug: 'dna', name: 'DNA Analysts' }
const event: SessionEvent = {
  id: 12, title: 'Regional conference', time_zone: 'America/New_York', status: 'published', venue_name: 'State Lab', venue_room: null,
  venue_address: '1 Main St', online_url: null, live_transcript_url: 'https://captions.example.gov/conf', recording_url: null,
  ends_at: new Date('2026-07-02T21:00:00Z')
}
const session: CalendarSession = {
  id: 7, title: 'Halving the backlog', why_this_matters: 'Backlogs delay justice.', starts_at: new Date('2026-07-01T14:00:00Z'),
  ends_at: new Date('2026-07-01T14:45:00Z'), room: 'Room A', sequence: 3, updated_at: new Date('2026-06-01T10:00:00Z')
}

/** Parses with Mozilla's ical.js, registering the file's own VTIMEZONEs (as the event calendar tests do). */
function parse (text: string) {
  const cal = new ICAL.Component(ICAL.parse(text))
  for (const z of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(z)
  return { cal, events: cal.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c)) }
}

t.test('one session as a PUBLISH file', async (t) => {
  const now = new Date('2026-06-10T00:00:00Z')
  const text = sessionsCalendar('PUBLISH', [toSessionEntry(session, event, community, { site, now, speakers: ['Ada Analyst', 'Cleo Cospeaker'] })])
  t.ok(text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75), 'folded at 75 octets')
  const lines = unfold(text)
  t.match(lines, 'METHOD:PUBLISH')
  t.match(lines, 'BEGIN:VTIMEZONE\r\nTZID:America/New_York')
  t.match(lines, 'DTSTART;TZID=America/New_York:20260701T100000')
  t.match(lines, 'DTEND;TZID=America/New_York:20260701T104500')
  t.match(lines, 'UID:session-7@convene.agency.gov')
  t.equal(sessionUid(7, site.publicUrl), 'session-7@convene.agency.gov')
  t.notMatch(lines, 'UID:event-', 'not the event’s UID')
  t.match(lines, 'SEQUENCE:3')
  t.match(lines, 'DTSTAMP:20260601T100000Z', 'DTSTAMP: the session’s last change (stable across downloads)')
  t.match(lines, 'LOCATION:Room A\\, State Lab\\, 1 Main St')
  t.match(lines, 'URL:https://convene.agency.gov/c/dna/events/12/agenda#session-7')
  t.match(lines, 'STATUS:CONFIRMED')
  const { events } = parse(text)
  t.equal(events.length, 1)
  const e = events[0]
  t.equal(e.uid, 'session-7@convene.agency.gov')
  t.equal(e.sequence, 3)
  t.equal(e.startDate.zone?.tzid, 'America/New_York')
  t.equal(e.startDate.toJSDate().toISOString(), '2026-07-01T14:00:00.000Z', 'the instant reads back')
  t.match(e.description, 'Why this matters: Backlogs delay justice.')
  t.match(e.description, 'Speakers: Ada Analyst, Cleo Cospeaker')
  t.match(e.description, 'Live captions: https://captions.example.gov/conf')
  t.match(e.description, 'Part of Regional conference (DNA Analysts).')
  t.equal(sessionsCalendar('PUBLISH', [toSessionEntry(session, event, community, { site, now })]),
    sessionsCalendar('PUBLISH', [toSessionEntry(session, event, community, { site, now })]), 'the same text every time')
})

t.test('a CANCEL to one member', async (t) => {
  const stamp = new Date('2026-06-20T12:00:00Z')
  const text = sessionsCalendar('CANCEL', [toSessionEntry({ ...session, sequence: 4 }, event, community, {
    site, stamp, now: stamp, attendee: { name: 'Ada "the" Analyst', email: 'ada@lab.gov' }, cancelled: true
  })])
  const lines = unfold(text)
  t.match(lines, 'METHOD:CANCEL')
  t.match(lines, 'STATUS:CANCELLED')
  t.match(lines, 'SEQUENCE:4')
  t.match(lines, 'DTSTAMP:20260620T120000Z')
  t.match(lines, /ATTENDEE;RSVP=FALSE;[^\r\n]*PARTSTAT=ACCEPTED;CN="Ada 'the' Analyst":mailto:ada@lab.gov/)
  t.match(lines, 'This session was cancelled.')
  const { events } = parse(text)
  t.equal(events[0].summary, 'Cancelled: Halving the backlog')
})

t.test('a session with no room: the event’s place', async (t) => {
  const text = unfold(sessionsCalendar('PUBLISH', [toSessionEntry({ ...session, room: '' }, { ...event, venue_name: null, venue_address: null }, community, { site })]))
  t.match(text, 'LOCATION:Online')
})
