import { createEvents, type EventAttributes } from 'ics'
import { tzlib_get_ical_block as vtimezoneBlock } from 'timezones-ical-library'
import type { Community, Event, RsvpStatus } from '../../db/database.js'
import { absoluteUrl, paths } from '../../lib/paths.js'
import type { MailSite } from '../mail/mailer.js'
import { accessLinks } from '../events/access-links.js'

/*
 * iCalendar (RFC 5545 / iTIP RFC 5546) for every calendar Convene sends or serves: downloads, feeds, invites,
 * updates and cancellations. The `ics` package writes the components; this module adds what it lacks:
 *  - DTSTART/DTEND with ;TZID=<zone> and one VTIMEZONE per zone used (ics writes only UTC or floating times).
 *    A weekly 09:00 New York event written in UTC would show at 10:00 after the March change.
 *  - folding at 75 octets, never inside a UTF-8 character (ics folds at 75 *characters*, so a line of emoji or
 *    CJK text went far over 75 octets), with CRLF line ends.
 *  - a stable PRODID; parameter values (CN) without DQUOTE, which RFC 5545 forbids inside a quoted value.
 * See src/domain/README.md, "Calendar".
 */

export type CalendarMethod = 'PUBLISH' | 'REQUEST' | 'CANCEL'
export type PartStat = 'NEEDS-ACTION' | 'ACCEPTED' | 'DECLINED' | 'TENTATIVE'

export const PRODID = '-//Convene//Convene Calendar//EN'

export interface CalendarPerson {
  name: string
  email: string
}

export interface CalendarAttendee extends CalendarPerson {
  partstat: PartStat
  /** RSVP=TRUE asks the member's calendar to offer Yes / No / Maybe (and mail an iTIP REPLY). */
  rsvp: boolean
}

/** One VEVENT, independent of the database. Build it with `toCalendarEntry` or by hand (tests). */
export interface CalendarEntry {
  /** Never changes for an occurrence: calendars match updates and cancellations on it. */
  uid: string
  sequence: number
  status: 'CONFIRMED' | 'CANCELLED'
  title: string
  startsAt: Date
  endsAt: Date
  /** IANA zone: DTSTART/DTEND are written as wall-clock times in it, with TZID and a VTIMEZONE. */
  timeZone: string
  url: string
  location: string
  description: string
  organizer: CalendarPerson
  /** Only for REQUEST / CANCEL messages to one member. */
  attendee?: CalendarAttendee
  /** DTSTAMP (written in UTC). */
  stamp: Date
  lastModified?: Date
}

export interface BuildCalendarInput {
  method: CalendarMethod
  entries: CalendarEntry[]
  /** X-WR-CALNAME: the name calendar apps show for a subscribed feed. */
  calendarName?: string
}

// ---- text and time helpers

/** Control characters other than TAB and LF cannot appear in iCalendar TEXT; CR LF / CR become LF. */
function clean (s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\r\n?/g, '\n').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')
}

/** A parameter value (CN): one line, no DQUOTE (RFC 5545 3.1: quoted values cannot contain it). */
function paramText (s: string): string {
  return clean(s).replace(/\n/g, ' ').replace(/"/g, '\'').trim() || 'Convene'
}

const wallClockFormats = new Map<string, Intl.DateTimeFormat>()

/** 'YYYYMMDDTHHmmss' of the instant in the zone (a cached Intl formatter: luxon's toFormat is ~40× slower). */
export function wallClock (d: Date, zone: string): string {
  let f = wallClockFormats.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit'
    })
    wallClockFormats.set(zone, f)
  }
  const p: Record<string, string> = {}
  for (const part of f.formatToParts(d)) p[part.type] = part.value
  return `${p.year.padStart(4, '0')}${p.month}${p.day}T${p.hour}${p.minute}${p.second}`
}

function utcStamp (d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}

interface Zone { tzid: string, block: string }
const zones = new Map<string, Zone | null>()

/** The VTIMEZONE for an IANA zone (aliases resolve, e.g. US/Eastern → America/New_York), or null → write UTC. */
function zoneFor (zone: string): Zone | null {
  if (zones.has(zone)) return zones.get(zone)!
  let found: Zone | null = null
  if (!/^(Etc\/)?(UTC|GMT|UCT|Zulu|Universal)$/.test(zone)) {
    const r = vtimezoneBlock(zone)
    if (Array.isArray(r) && r.length === 2 && r[1].startsWith('TZID=')) found = { tzid: r[1].slice(5), block: r[0] }
  }
  zones.set(zone, found)
  return found
}

// ---- folding

/**
 * Folds one content line at 75 octets (RFC 5545 3.1): continuation lines start with a space, so they hold at most
 * 74 octets of content. Splits only between code points, so no UTF-8 sequence is ever cut.
 */
export function foldLine (line: string): string {
  if (Buffer.byteLength(line) <= 75) return line
  const out: string[] = []
  let current = ''
  let bytes = 0
  let limit = 75
  for (const ch of line) {
    const cp = ch.codePointAt(0)!
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
    if (bytes + n > limit) {
      out.push(current)
      current = ''
      bytes = 0
      limit = 74
    }
    current += ch
    bytes += n
  }
  out.push(current)
  return out.join('\r\n ')
}

/** Undoes folding (for reading back, and for re-folding what `ics` folded by characters). */
export function unfold (text: string): string {
  return text.replace(/\r?\n[ \t]/g, '')
}

// ---- the calendar

// DTSTAMP: `ics` reads `timestamp` (ms) but its types omit it.
type Attributes = EventAttributes & { timestamp: number }

function attributes (e: CalendarEntry, method: CalendarMethod): Attributes {
  const zone = zoneFor(e.timeZone)
  // `ics` writes a string date verbatim; the TZID= prefix is moved into the property's parameters afterwards.
  const when = (d: Date) => zone ? `TZID=${zone.tzid}:${wallClock(d, e.timeZone)}` : utcStamp(d)
  const status = method === 'CANCEL' ? 'CANCELLED' : e.status
  const attrs: Attributes = {
    uid: e.uid,
    sequence: e.sequence,
    timestamp: e.stamp.getTime(),
    start: when(e.startsAt) as unknown as number,
    end: when(e.endsAt) as unknown as number,
    title: clean(e.title),
    description: clean(e.description),
    location: clean(e.location),
    url: e.url,
    status,
    organizer: { name: paramText(e.organizer.name), email: e.organizer.email }
  }
  if (e.lastModified) attrs.lastModified = e.lastModified.getTime()
  if (e.attendee) {
    attrs.attendees = [{
      name: paramText(e.attendee.name), email: e.attendee.email, rsvp: e.attendee.rsvp, partstat: e.attendee.partstat, role: 'REQ-PARTICIPANT'
    }]
  }
  return attrs
}

/**
 * The text of one iCalendar object (CRLF, folded, ready to serve or mail) with METHOD `method`, one VEVENT per
 * entry and one VTIMEZONE per zone used. For CANCEL every entry is written STATUS:CANCELLED.
 * Throws if `ics` rejects an entry (a bug, not user input: every field is cleaned first).
 */
export function buildCalendar ({ method, entries, calendarName }: BuildCalendarInput): string {
  const header = { method, productId: PRODID, ...(calendarName ? { calName: clean(calendarName).replace(/\n/g, ' ') } : {}) }
  const { error, value } = createEvents(entries.map((e) => attributes(e, method)), header)
  if (error || !value) throw error ?? new Error('ics produced no calendar')
  const lines = unfold(value).split(/\r\n/)
  if (lines[lines.length - 1] === '') lines.pop()
  const usedZones = new Map<string, string>()
  for (const e of entries) {
    const zone = zoneFor(e.timeZone)
    if (zone) usedZones.set(zone.tzid, zone.block)
  }
  const out: string[] = []
  let zonesWritten = false
  for (const raw of lines) {
    let line = raw.replace(/^(DTSTART|DTEND):TZID=([A-Za-z0-9_+/-]+):/, '$1;TZID=$2:')
    if (line === 'BEGIN:VEVENT' && !zonesWritten) {
      for (const block of usedZones.values()) out.push(...block.split(/\r?\n/))
      zonesWritten = true
    }
    if (line.startsWith('PRODID:')) line = `PRODID:${PRODID}`
    // `ics` quotes every parameter; enumerated values are written bare, as clients (Outlook) expect them.
    if (line.startsWith('ATTENDEE;')) line = line.replace(/;(ROLE|PARTSTAT|CUTYPE)="([A-Z-]+)"/g, ';$1=$2')
    // `ics` writes ORGANIZER as MAILTO: and ATTENDEE as mailto:; one spelling, so clients comparing them agree.
    if (line.startsWith('ORGANIZER')) line = line.replace(/:MAILTO:/, ':mailto:')
    out.push(foldLine(line))
  }
  return out.join('\r\n') + '\r\n'
}

// ---- from Convene's events

export type CalendarEvent = Pick<Event, 'id' | 'title' | 'summary' | 'why_it_matters' | 'starts_at' | 'ends_at' | 'time_zone' |
  'venue_name' | 'venue_room' | 'venue_address' | 'online_url' | 'live_transcript_url' | 'recording_url' | 'status' | 'sequence' | 'updated_at'>

export interface CalendarEntryOptions {
  /** The site: its public URL (links, and the UID's host) and MAIL_FROM (the ORGANIZER is the community's mailbox there). */
  site: Pick<MailSite, 'publicUrl' | 'mailFrom'>
  /** Decides live-captions link (before the end) or transcript/recording link (after). Default: now. */
  now?: Date
  /** DTSTAMP. Default: the event's updated_at (stable, so feed ETags stay stable); invites pass the sending time. */
  stamp?: Date
  /** For REQUEST / CANCEL to one member: becomes ATTENDEE;RSVP=TRUE;PARTSTAT=… */
  attendee?: { name: string, email: string, rsvpStatus: RsvpStatus | null }
  /** Signed "Going" / "Can't go" URLs (src/domain/rsvps/rsvp-links.ts), written into the description. */
  rsvpLinks?: { going: string, declined: string }
  /** A first line for the description, e.g. "Your answer: going". */
  note?: string
}

/** UID of an event (each occurrence of a series is its own event): `event-<id>@<host of PUBLIC_URL>`. */
export function eventUid (eventId: number, publicUrl: string): string {
  return `event-${eventId}@${new URL(publicUrl).hostname}`
}

export function eventUrl (publicUrl: string, communitySlug: string, eventId: number): string {
  return absoluteUrl(publicUrl, paths.eventPage(communitySlug, eventId))
}

/** The community's mailbox: MAIL_FROM's address with +<slug> in the local part, named after the community. */
export function communityMailbox (config: { MAIL_FROM: string }, community: Pick<Community, 'slug' | 'name'>): CalendarPerson {
  const address = (/<([^>]+)>/.exec(config.MAIL_FROM)?.[1] ?? config.MAIL_FROM).trim()
  const at = address.lastIndexOf('@')
  const email = at > 0 ? `${address.slice(0, at)}+${community.slug}${address.slice(at)}` : address
  return { name: community.name, email }
}

/** The community slug of an address made by `communityMailbox` (for REPLY ingestion), or null. */
export function slugFromMailbox (config: { MAIL_FROM: string }, address: string): string | null {
  const base = (/<([^>]+)>/.exec(config.MAIL_FROM)?.[1] ?? config.MAIL_FROM).trim().toLowerCase()
  const at = base.lastIndexOf('@')
  if (at <= 0) return null
  const local = base.slice(0, at)
  const domain = base.slice(at)
  const m = /^(.+)\+([a-z0-9-]+)(@.+)$/.exec(address.trim().toLowerCase().replace(/^mailto:/, ''))
  return m && m[1] === local && m[3] === domain ? m[2] : null
}

/** PARTSTAT for a member's RSVP: the waitlist is not a seat yet, so it is TENTATIVE. */
export function partstatFor (status: RsvpStatus | null): PartStat {
  switch (status) {
    case 'going': return 'ACCEPTED'
    case 'declined': return 'DECLINED'
    case 'maybe':
    case 'waitlisted': return 'TENTATIVE'
    default: return 'NEEDS-ACTION'
  }
}

/** LOCATION: venue, room and address; "Online" for an online-only event; hybrid says so. */
export function eventLocation (e: Pick<Event, 'venue_name' | 'venue_room' | 'venue_address' | 'online_url'>): string {
  const place = [e.venue_name, e.venue_room, e.venue_address].filter((s): s is string => Boolean(s && s.trim())).join(', ')
  if (!place) return 'Online'
  return e.online_url ? `${place} (and online)` : place
}

/** "Join online: …", "Live captions: …" (until the end), then "Recording or transcript: …": one per line. */
export function accessLinksText (e: Pick<Event, 'online_url' | 'live_transcript_url' | 'recording_url' | 'ends_at'>, now = new Date()): string {
  const links = accessLinks(e, now)
  const lines: string[] = []
  if (links.join) lines.push(`Join online: ${links.join}`)
  if (links.captions) lines.push(`Live captions: ${links.captions}`)
  if (links.afterwards) lines.push(`${links.afterwards.label}: ${links.afterwards.url}`)
  return lines.join('\n')
}

/** DESCRIPTION (plain text): why it matters, summary, join, captions or transcript, RSVP links, event page. */
export function eventDescription (e: CalendarEvent, url: string, opts: { now?: Date, rsvpLinks?: { going: string, declined: string }, note?: string } = {}): string {
  const now = opts.now ?? new Date()
  const parts: string[] = []
  if (e.status === 'cancelled') parts.push('This event was cancelled.')
  if (opts.note) parts.push(opts.note)
  parts.push(`Why this matters: ${e.why_it_matters}`)
  if (e.summary.trim()) parts.push(e.summary.trim())
  const links = accessLinksText(e, now)
  if (links) parts.push(links)
  if (opts.rsvpLinks && e.status !== 'cancelled') parts.push(`Going: ${opts.rsvpLinks.going}\nCan’t go: ${opts.rsvpLinks.declined}`)
  parts.push(`Event page: ${url}`)
  return parts.join('\n\n')
}

/** One event of a community as a calendar entry (see CalendarEntryOptions). */
export function toCalendarEntry (event: CalendarEvent, community: Pick<Community, 'slug' | 'name'>, opts: CalendarEntryOptions): CalendarEntry {
  const url = eventUrl(opts.site.publicUrl, community.slug, event.id)
  const cancelled = event.status === 'cancelled'
  return {
    uid: eventUid(event.id, opts.site.publicUrl),
    sequence: event.sequence,
    status: cancelled ? 'CANCELLED' : 'CONFIRMED',
    // Some calendars ignore STATUS in a subscribed feed: the title says it too.
    title: cancelled ? `Cancelled: ${event.title}` : event.title,
    startsAt: event.starts_at,
    endsAt: event.ends_at,
    timeZone: event.time_zone,
    url,
    location: eventLocation(event),
    description: eventDescription(event, url, opts),
    organizer: communityMailbox({ MAIL_FROM: opts.site.mailFrom }, community),
    attendee: opts.attendee
      ? { name: opts.attendee.name, email: opts.attendee.email, rsvp: true, partstat: partstatFor(opts.attendee.rsvpStatus) }
      : undefined,
    stamp: opts.stamp ?? event.updated_at,
    lastModified: event.updated_at
  }
}
