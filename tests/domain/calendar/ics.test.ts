import t from 'tap'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ICAL from 'ical.js'
import {
  buildCalendar, communityMailbox, eventDescription, foldLine, partstatFor, slugFromMailbox, toCalendarEntry, unfold,
  type CalendarEntry, type CalendarEvent, type CalendarMethod
} from '../../../src/domain/calendar/ics.js'
import { googleCalendarUrl, outlookCalendarUrl } from '../../../src/domain/calendar/web-links.js'
import { expand, localToInstant } from '../../../src/domain/series/recurrence.js'

const PUBLIC_URL = 'https://convene.agency.gov'
const MAIL_FROM = 'Convene <convene@agency.gov>'
const community = { slug: 'dna', name: 'DNA Analysts' }

let nextId = 1
function event (over: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    id: nextId++,
    title: 'Validation brown-bag',
    summary: 'Forty minutes and questions.',
    why_it_matters: 'See how another lab validated its kit.',
    starts_at: new Date('2026-03-12T13:00:00Z'),
    ends_at: new Date('2026-03-12T14:00:00Z'),
    time_zone: 'America/New_York',
    venue_name: null,
    venue_room: null,
    venue_address: null,
    online_url: 'https://meet.example.gov/bb',
    live_transcript_url: 'https://captions.example.gov/bb',
    recording_url: null,
    status: 'published',
    sequence: 0,
    updated_at: new Date('2026-01-05T10:00:00Z'),
    ...over
  }
}

const entry = (e: CalendarEvent, opts: Partial<Parameters<typeof toCalendarEntry>[2]> = {}) =>
  toCalendarEntry(e, community, { site: { publicUrl: PUBLIC_URL, mailFrom: MAIL_FROM }, now: new Date('2026-01-10T00:00:00Z'), ...opts })

/** Parses with Mozilla's ical.js, registering the file's own VTIMEZONEs (ical.js has no zone database). */
function parse (text: string) {
  const cal = new ICAL.Component(ICAL.parse(text))
  for (const z of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(z)
  const events = cal.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c))
  return { cal, events }
}

function resetZones () {
  ICAL.TimezoneService.reset()
}

/** Debian's python3-icalendar, if installed: a second, independent parser. */
const PY = '/usr/bin/python3'
const hasPython = (() => {
  try { execFileSync(PY, ['-c', 'import icalendar'], { stdio: 'ignore' }); return true } catch { return false }
})()
function pythonStarts (text: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ics-'))
  const file = path.join(dir, 'cal.ics')
  fs.writeFileSync(file, text)
  const script = [
    'import sys, datetime, icalendar',
    'cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())',
    'for ev in cal.walk("VEVENT"):',
    '    d = ev.decoded("DTSTART")',
    '    print(d.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), d.strftime("%H:%M"), str(ev.get("SUMMARY")))'
  ].join('\n')
  try {
    return execFileSync(PY, ['-c', script, file], { encoding: 'utf8' }).trim().split('\n')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const iso = (d: Date) => d.toISOString().replace('.000', '')

t.test('09:00 local on both sides of a daylight-saving change, in five zones', async (t) => {
  // [zone, local date, intended UTC instant]
  const cases: [string, string, string][] = [
    ['America/New_York', '2026-03-05', '2026-03-05T14:00:00Z'], ['America/New_York', '2026-03-12', '2026-03-12T13:00:00Z'],
    ['America/New_York', '2026-10-29', '2026-10-29T13:00:00Z'], ['America/New_York', '2026-11-05', '2026-11-05T14:00:00Z'],
    ['America/Los_Angeles', '2026-03-05', '2026-03-05T17:00:00Z'], ['America/Los_Angeles', '2026-03-12', '2026-03-12T16:00:00Z'],
    ['America/Los_Angeles', '2026-10-29', '2026-10-29T16:00:00Z'], ['America/Los_Angeles', '2026-11-05', '2026-11-05T17:00:00Z'],
    ['Pacific/Honolulu', '2026-03-05', '2026-03-05T19:00:00Z'], ['Pacific/Honolulu', '2026-03-12', '2026-03-12T19:00:00Z'],
    ['Europe/London', '2026-03-26', '2026-03-26T09:00:00Z'], ['Europe/London', '2026-04-02', '2026-04-02T08:00:00Z'],
    ['Europe/London', '2026-10-22', '2026-10-22T08:00:00Z'], ['Europe/London', '2026-10-29', '2026-10-29T09:00:00Z'],
    ['Australia/Sydney', '2026-04-02', '2026-04-01T22:00:00Z'], ['Australia/Sydney', '2026-04-09', '2026-04-08T23:00:00Z'],
    ['Australia/Sydney', '2026-10-01', '2026-09-30T23:00:00Z'], ['Australia/Sydney', '2026-10-08', '2026-10-07T22:00:00Z']
  ]
  const events = cases.map(([zone, day]) => {
    const starts = localToInstant(`${day}T09:00`, zone)
    return event({ time_zone: zone, title: `${zone} ${day}`, starts_at: starts, ends_at: new Date(starts.getTime() + 3_600_000) })
  })
  for (const [i, [, , intended]] of cases.entries()) t.equal(iso(events[i].starts_at), intended, `stored instant for ${cases[i][0]} ${cases[i][1]}`)
  const text = buildCalendar({ method: 'PUBLISH', entries: events.map((e) => entry(e)) })

  t.equal(text.match(/BEGIN:VTIMEZONE/g)!.length, 5, 'one VTIMEZONE per zone used')
  for (const zone of ['America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu', 'Europe/London', 'Australia/Sydney']) {
    t.match(text, `TZID:${zone}\r\n`, `VTIMEZONE for ${zone}`)
  }
  t.match(text, 'DTSTART;TZID=America/New_York:20260305T090000\r\n')
  t.match(text, 'DTEND;TZID=Australia/Sydney:20261008T100000\r\n')

  resetZones()
  const parsed = parse(text).events
  t.equal(parsed.length, cases.length)
  for (const [i, [zone, day, intended]] of cases.entries()) {
    const start = parsed[i].startDate
    t.equal(start.zone?.tzid, zone, `ical.js: ${zone} ${day} in its zone`)
    t.equal(`${start.hour}:${start.minute}`, '9:0', `ical.js: ${zone} ${day} at 09:00 local`)
    t.equal(iso(start.toJSDate()), intended, `ical.js: ${zone} ${day} instant`)
    t.equal(iso(parsed[i].endDate.toJSDate()), iso(new Date(new Date(intended).getTime() + 3_600_000)), `ical.js: ${zone} ${day} end`)
  }

  if (hasPython) {
    const lines = pythonStarts(text)
    t.equal(lines.length, cases.length)
    for (const [i, [zone, day, intended]] of cases.entries()) t.equal(lines[i], `${intended} 09:00 ${zone} ${day}`, `python-icalendar: ${zone} ${day}`)
  } else {
    t.comment('python3-icalendar not installed: checked with ical.js only')
  }
})

t.test('a weekly series keeps its local time across the change', async (t) => {
  for (const [zone, first] of [['America/New_York', '2026-02-24T09:30'], ['Europe/London', '2026-03-10T09:30'], ['Australia/Sydney', '2026-03-17T09:30']] as const) {
    const occurrences = expand({ rrule: 'FREQ=WEEKLY;COUNT=8', dtstartLocal: first, timeZone: zone, durationMinutes: 60 },
      new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))
    t.equal(occurrences.length, 8)
    const offsets = new Set<number>()
    const entries = occurrences.map((o) => entry(event({ time_zone: zone, starts_at: o.startsAt, ends_at: o.endsAt })))
    resetZones()
    const parsed = parse(buildCalendar({ method: 'PUBLISH', entries })).events
    for (const [i, p] of parsed.entries()) {
      t.equal(`${p.startDate.hour}:${p.startDate.minute}`, '9:30', `${zone} week ${i + 1}: 09:30 local`)
      t.equal(p.startDate.toJSDate().getTime(), occurrences[i].startsAt.getTime(), `${zone} week ${i + 1}: the intended instant`)
      offsets.add(p.startDate.toJSDate().getUTCHours())
    }
    t.equal(offsets.size, 2, `${zone}: the UTC hour changes with daylight saving, the local time does not`)
  }
})

t.test('every file: CRLF, VERSION, PRODID, METHOD, and the per-event properties', async (t) => {
  for (const method of ['PUBLISH', 'REQUEST', 'CANCEL'] as CalendarMethod[]) {
    const e = event({ sequence: 3, venue_name: 'State Crime Lab', venue_room: 'Room 2', venue_address: '1 Main St, Richmond, VA' })
    const text = buildCalendar({ method, entries: [entry(e, { stamp: new Date('2026-01-09T12:00:00Z') })] })
    t.notMatch(text.replace(/\r\n/g, ''), /[\r\n]/, `${method}: only CRLF line ends`)
    t.ok(text.endsWith('END:VCALENDAR\r\n'))
    t.match(text, /^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\n/)
    t.match(text, '\r\nPRODID:-//Convene//Convene Calendar//EN\r\n')
    t.match(text, `\r\nMETHOD:${method}\r\n`)
    const u = unfold(text)
    t.match(u, `\r\nUID:event-${e.id}@convene.agency.gov\r\n`)
    t.match(u, '\r\nDTSTAMP:20260109T120000Z\r\n')
    t.match(u, '\r\nSEQUENCE:3\r\n')
    t.match(u, `\r\nSTATUS:${method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}\r\n`)
    t.match(u, `\r\nURL:${PUBLIC_URL}/c/dna/events/${e.id}\r\n`)
    t.match(u, '\r\nLOCATION:State Crime Lab\\, Room 2\\, 1 Main St\\, Richmond\\, VA (and online)\r\n')
    t.match(u, '\r\nORGANIZER;CN="DNA Analysts":mailto:convene+dna@agency.gov\r\n')
    resetZones()
    const [p] = parse(text).events
    t.equal(p.uid, `event-${e.id}@convene.agency.gov`)
    t.equal(p.sequence, 3)
    t.equal(p.location, 'State Crime Lab, Room 2, 1 Main St, Richmond, VA (and online)')
  }
})

t.test('invites: ATTENDEE with RSVP=TRUE and PARTSTAT; cancellations', async (t) => {
  const e = event()
  const text = buildCalendar({
    method: 'REQUEST',
    entries: [entry(e, { attendee: { name: 'Ada "the analyst" Lovelace', email: 'ada@lab.gov', rsvpStatus: 'going' } })]
  })
  const u = unfold(text)
  t.match(u, '\r\nATTENDEE;RSVP=TRUE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN="Ada \'the analyst\' Lovelace":mailto:ada@lab.gov\r\n',
    'a double quote in a name cannot break the quoted CN')
  resetZones()
  const [p] = parse(text).events
  const attendee = p.attendees[0]
  t.equal(attendee.getParameter('partstat'), 'ACCEPTED')
  t.equal(attendee.getParameter('rsvp'), 'TRUE')
  t.equal(attendee.getFirstValue(), 'mailto:ada@lab.gov')
  t.equal(p.organizer, 'mailto:convene+dna@agency.gov')

  t.equal(partstatFor('maybe'), 'TENTATIVE')
  t.equal(partstatFor('waitlisted'), 'TENTATIVE')
  t.equal(partstatFor('declined'), 'DECLINED')
  t.equal(partstatFor(null), 'NEEDS-ACTION')

  const cancelled = event({ status: 'cancelled', sequence: 4 })
  const c = unfold(buildCalendar({ method: 'CANCEL', entries: [entry(cancelled, { attendee: { name: 'Ada', email: 'ada@lab.gov', rsvpStatus: 'going' } })] }))
  t.match(c, '\r\nMETHOD:CANCEL\r\n')
  t.match(c, '\r\nSTATUS:CANCELLED\r\n')
  t.match(c, '\r\nSUMMARY:Cancelled: Validation brown-bag\r\n')
  t.match(c, '\r\nSEQUENCE:4\r\n')
})

t.test('the community mailbox', async (t) => {
  t.same(communityMailbox({ MAIL_FROM }, community), { name: 'DNA Analysts', email: 'convene+dna@agency.gov' })
  t.same(communityMailbox({ MAIL_FROM: 'events@example.org' }, { slug: 'records', name: 'Records' }), { name: 'Records', email: 'events+records@example.org' })
  t.equal(slugFromMailbox({ MAIL_FROM }, 'Convene+DNA@agency.gov'), 'dna')
  t.equal(slugFromMailbox({ MAIL_FROM }, 'mailto:convene+dna-analysts@agency.gov'), 'dna-analysts')
  t.equal(slugFromMailbox({ MAIL_FROM }, 'convene@agency.gov'), null)
  t.equal(slugFromMailbox({ MAIL_FROM }, 'other+dna@agency.gov'), null)
  t.equal(slugFromMailbox({ MAIL_FROM }, 'convene+dna@elsewhere.gov'), null)
})

t.test('description: why it matters, join link, captions before the end and the recording after, RSVP links', async (t) => {
  const e = event({ recording_url: 'https://video.example.gov/rec' })
  const url = `${PUBLIC_URL}/c/dna/events/${e.id}`
  const before = eventDescription(e, url, { now: new Date('2026-03-12T13:30:00Z'), rsvpLinks: { going: 'https://x/rsvp/g', declined: 'https://x/rsvp/d' } })
  t.match(before, 'Why this matters: See how another lab validated its kit.')
  t.match(before, 'Join online: https://meet.example.gov/bb')
  t.match(before, 'Live captions: https://captions.example.gov/bb')
  t.notMatch(before, 'Recording')
  t.match(before, 'Going: https://x/rsvp/g\nCan’t go: https://x/rsvp/d')
  t.match(before, `Event page: ${url}`)
  const after = eventDescription(e, url, { now: new Date('2026-03-12T14:00:00Z') })
  t.match(after, 'Recording or transcript: https://video.example.gov/rec')
  t.notMatch(after, 'Live captions')
  const noRecording = eventDescription(event({ recording_url: null }), url, { now: new Date('2027-01-01T00:00:00Z') })
  t.match(noRecording, 'Transcript: https://captions.example.gov/bb')
  const onlineOnly = entry(event({ venue_name: null }))
  t.equal(onlineOnly.location, 'Online')
  const inPerson = entry(event({ venue_name: 'Lab', online_url: null }))
  t.equal(inPerson.location, 'Lab')

  // Through the file and back.
  resetZones()
  const [p] = parse(buildCalendar({ method: 'PUBLISH', entries: [entry(e, { now: new Date('2026-03-01T00:00:00Z') })] })).events
  t.match(p.description, 'Live captions: https://captions.example.gov/bb')
})

t.test('folding at 75 octets with emoji and CJK, never inside a character', async (t) => {
  const title = '🧬🔬 DNA 分析者の会合 — 検証ブラウンバッグ 👩🏽‍🔬 '.repeat(6).trim()
  const place = '東京都千代田区霞が関1-2-3 中央合同庁舎第5号館 🏛️ 会議室A'
  const e = event({ title, venue_name: place, online_url: null, summary: 'Ünïcödé '.repeat(30) })
  const text = buildCalendar({ method: 'PUBLISH', entries: [entry(e)] })
  const bytes = Buffer.from(text, 'utf8')
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let start = 0
  let longest = 0
  for (let i = 0; i < bytes.length - 1; i++) {
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) {
      const line = bytes.subarray(start, i)
      longest = Math.max(longest, line.length)
      t.doesNotThrow(() => decoder.decode(line), 'each physical line is whole UTF-8')
      start = i + 2
    }
  }
  t.ok(longest <= 75, `longest line ${longest} octets`)
  t.ok(text.split('\r\n').some((l) => l.startsWith(' ')), 'long lines were folded')
  resetZones()
  const [p] = parse(text).events
  t.equal(p.summary, title, 'the title unfolds to the original')
  t.equal(p.location, place)

  t.equal(foldLine('a'.repeat(75)), 'a'.repeat(75))
  t.equal(foldLine('a'.repeat(76)), `${'a'.repeat(75)}\r\n a`)
  t.equal(foldLine('é'.repeat(38)), `${'é'.repeat(37)}\r\n é`, 'a 2-octet character is not split at octet 75')
  t.equal(unfold(foldLine('😀'.repeat(40))), '😀'.repeat(40))

  if (hasPython) {
    const [line] = pythonStarts(text)
    t.ok(line.endsWith(title), 'python-icalendar reads the same title')
  }
})

t.test('escaping of commas, semicolons, backslashes and newlines', async (t) => {
  const title = 'Q&A; labs, courts\\and "you"\nPart 2'
  const place = 'Bldg 5; Room 3, 2nd floor\\east\r\nEnter by side door'
  const e = event({ title, venue_name: place, online_url: null, why_it_matters: 'Faster, cheaper; better\\fairer' })
  const text = buildCalendar({ method: 'PUBLISH', entries: [entry(e)] })
  const u = unfold(text)
  t.match(u, '\r\nSUMMARY:Q&A\\; labs\\, courts\\\\and "you"\\nPart 2\r\n')
  t.match(u, '\r\nLOCATION:Bldg 5\\; Room 3\\, 2nd floor\\\\east\\nEnter by side door\r\n')
  resetZones()
  const [p] = parse(text).events
  t.equal(p.summary, title)
  t.equal(p.location, place.replace('\r\n', '\n'))
  t.match(p.description, 'Why this matters: Faster, cheaper; better\\fairer')
  if (hasPython) t.ok(pythonStarts(text)[0].includes('Q&A; labs, courts\\and "you"'), 'python-icalendar unescapes the same')
})

t.test('a UTC event is written in UTC without a VTIMEZONE; an empty calendar is valid', async (t) => {
  const text = buildCalendar({ method: 'PUBLISH', entries: [entry(event({ time_zone: 'UTC' }))], calendarName: 'My events (Convene)' })
  t.match(text, '\r\nDTSTART:20260312T130000Z\r\n')
  t.notMatch(text, 'VTIMEZONE')
  t.match(text, '\r\nX-WR-CALNAME:My events (Convene)\r\n')
  resetZones()
  t.equal(iso(parse(text).events[0].startDate.toJSDate()), '2026-03-12T13:00:00Z')
  const empty = buildCalendar({ method: 'PUBLISH', entries: [] })
  t.equal(parse(empty).events.length, 0)
})

t.test('web calendar links', async (t) => {
  const e: CalendarEntry = entry(event({ title: 'Validation, part 2' }))
  const g = new URL(googleCalendarUrl(e))
  t.equal(g.host, 'calendar.google.com')
  t.equal(g.searchParams.get('text'), 'Validation, part 2')
  t.equal(g.searchParams.get('dates'), '20260312T130000Z/20260312T140000Z')
  t.equal(g.searchParams.get('ctz'), 'America/New_York')
  t.match(g.searchParams.get('details')!, 'Live captions: https://captions.example.gov/bb')
  const o = new URL(outlookCalendarUrl(e))
  t.equal(o.host, 'outlook.office.com')
  t.equal(o.searchParams.get('subject'), 'Validation, part 2')
  t.equal(o.searchParams.get('startdt'), '2026-03-12T13:00:00.000Z')
  t.equal(new URL(outlookCalendarUrl(e, 'live')).host, 'outlook.live.com')
})
