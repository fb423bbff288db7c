import type { AgendaSession, Community, Event } from '../../db/database.js'
import { absoluteUrl, paths } from '../../lib/paths.js'
import type { MailSite } from '../mail/mailer.js'
import { accessLinksText, buildCalendar, communityMailbox, eventLocation, type CalendarEntry, type CalendarMethod } from '../calendar/ics.js'

/*
 * The agenda's sessions as calendar entries, written by the one calendar writer (calendar/ics.ts `buildCalendar`)
 * under the rules of event files: DTSTART/DTEND with TZID in the EVENT's zone (and its VTIMEZONE), a UID of the
 * session's own (`session-<id>@<host>`, never an event's), SEQUENCE = the session's `sequence`, DTSTAMP, LOCATION
 * (the room, then the event's place), a DESCRIPTION with why this matters, the speakers and the captions link,
 * and the URL of the session on the agenda page.
 */

export type CalendarSession = Pick<AgendaSession, 'id' | 'title' | 'why_this_matters' | 'starts_at' | 'ends_at' | 'room' | 'sequence'> &
  Partial<Pick<AgendaSession, 'updated_at'>>

export type SessionEvent = Pick<Event, 'id' | 'title' | 'time_zone' | 'status' | 'venue_name' | 'venue_room' | 'venue_address' |
  'online_url' | 'live_transcript_url' | 'recording_url' | 'ends_at'>

export interface SessionEntryOptions {
  site: Pick<MailSite, 'publicUrl' | 'mailFrom'>
  /** DTSTAMP. Default: the session's updated_at (stable across downloads); mail passes the sending time. */
  stamp?: Date
  /** Captions link until the event ends, then its recording or transcript. Default: now. */
  now?: Date
  speakers?: string[]
  /** For mail to one member who picked the session: their ATTENDEE line (no RSVP: a pick is not an answer). */
  attendee?: { name: string, email: string }
  /** The session was cancelled (deleted): STATUS:CANCELLED. */
  cancelled?: boolean
}

/** UID of a session: `session-<id>@<host of PUBLIC_URL>` (an event's is `event-<id>@…`). */
export function sessionUid (sessionId: number, publicUrl: string): string {
  return `session-${sessionId}@${new URL(publicUrl).hostname}`
}

/** The session on the agenda page (its anchor). */
export function sessionUrl (publicUrl: string, communitySlug: string, eventId: number, sessionId: number): string {
  return `${absoluteUrl(publicUrl, paths.agenda(communitySlug, eventId))}#session-${sessionId}`
}

/** LOCATION: the room, then the event's place ("Room B, Library, 1 Main St"). */
export function sessionLocation (session: Pick<AgendaSession, 'room'>, event: SessionEvent): string {
  const place = eventLocation(event)
  return session.room.trim() ? `${session.room.trim()}, ${place}` : place
}

export function toSessionEntry (session: CalendarSession, event: SessionEvent, community: Pick<Community, 'slug' | 'name'>, opts: SessionEntryOptions): CalendarEntry {
  const url = sessionUrl(opts.site.publicUrl, community.slug, event.id, session.id)
  const cancelled = opts.cancelled === true || event.status === 'cancelled'
  const parts: string[] = []
  if (cancelled) parts.push('This session was cancelled.')
  if (session.why_this_matters.trim()) parts.push(`Why this matters: ${session.why_this_matters.trim()}`)
  if (opts.speakers?.length) parts.push(`Speakers: ${opts.speakers.join(', ')}`)
  parts.push(`Part of ${event.title} (${community.name}).`)
  const links = accessLinksText(event, opts.now ?? new Date())
  if (links) parts.push(links)
  parts.push(`Agenda: ${url}`)
  const modified = session.updated_at ?? opts.stamp ?? new Date()
  return {
    uid: sessionUid(session.id, opts.site.publicUrl),
    sequence: session.sequence,
    status: cancelled ? 'CANCELLED' : 'CONFIRMED',
    title: cancelled ? `Cancelled: ${session.title}` : session.title,
    startsAt: session.starts_at,
    endsAt: session.ends_at,
    timeZone: event.time_zone,
    url,
    location: sessionLocation(session, event),
    description: parts.join('\n\n'),
    organizer: communityMailbox({ MAIL_FROM: opts.site.mailFrom }, community),
    attendee: opts.attendee ? { name: opts.attendee.name, email: opts.attendee.email, rsvp: false, partstat: 'ACCEPTED' } : undefined,
    stamp: opts.stamp ?? modified,
    lastModified: modified
  }
}

/** A calendar file of sessions (a download: PUBLISH; mail: REQUEST or CANCEL). */
export function sessionsCalendar (method: CalendarMethod, entries: CalendarEntry[], calendarName?: string): string {
  return buildCalendar({ method, entries, calendarName })
}
