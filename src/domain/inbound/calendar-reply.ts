import ICAL from 'ical.js'
import type { Attachment } from 'mailparser'

/*
 * Reading an iTIP REPLY (RFC 5546) out of a raw e-mail: pure functions, no database. Outlook puts the
 * calendar inline (multipart/alternative: text/plain + text/calendar; method=REPLY); Google Calendar does the
 * same and adds the file again as an `invite.ics` attachment (application/ics); other clients send only an
 * .ics attachment. mailparser hands every one of those parts over as an attachment.
 */

/** Replies with more events than this are read only this far (a REPLY normally holds one). */
export const MAX_EVENTS_PER_REPLY = 50

export interface ReplyEvent {
  uid: string | null
  /** SEQUENCE of the version the attendee answered; 0 when absent (RFC 5545's default). */
  sequence: number
  /** Every ATTENDEE's address (lower case, without mailto:) and PARTSTAT (upper case, null when absent). */
  attendees: Array<{ email: string, partstat: string | null }>
}

export interface ParsedMessage {
  messageId: string | null
  /** The From: addresses, lower case. */
  from: string[]
  /** Calendar texts found in the message, in order (inline parts before attachments, duplicates removed). */
  calendars: Array<{ text: string, methodParam: string | null }>
}

export type CalendarReading =
  | { kind: 'reply', events: ReplyEvent[] }
  | { kind: 'not-a-reply', method: string | null }
  | { kind: 'unparseable', error: string }

const CALENDAR_TYPES = new Set(['text/calendar', 'application/ics', 'text/x-vcalendar'])

function isCalendarPart (a: Attachment): boolean {
  return CALENDAR_TYPES.has(a.contentType.toLowerCase()) || /\.(ics|ifb|vcs)$/i.test(a.filename ?? '')
}

function contentTypeParams (a: Attachment): Record<string, string> {
  const h = a.headers.get('content-type')
  return h && typeof h === 'object' && 'params' in h && typeof h.params === 'object' ? h.params as Record<string, string> : {}
}

function decode (content: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset || 'utf-8').decode(content)
  } catch {
    return content.toString('utf8') // an unknown charset label
  }
}

export function normaliseAddress (value: string): string {
  return value.trim().replace(/^mailto:/i, '').trim().toLowerCase()
}

/** Parses the MIME message and collects its calendar parts. */
export async function parseMessage (raw: Buffer | string): Promise<ParsedMessage> {
  // Loaded on first use: the parser and its character-set tables take ~30 MB the web pages never need.
  const { simpleParser } = await import('mailparser')
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true })
  const seen = new Set<string>()
  const calendars: ParsedMessage['calendars'] = []
  for (const a of mail.attachments.filter(isCalendarPart)) {
    const params = contentTypeParams(a)
    const text = decode(a.content, params.charset)
    if (seen.has(text)) continue
    seen.add(text)
    calendars.push({ text, methodParam: params.method?.toUpperCase() ?? null })
  }
  const from = (mail.from?.value ?? []).map((v) => normaliseAddress(v.address ?? '')).filter(Boolean)
  return { messageId: mail.messageId ?? null, from, calendars }
}

/** Reads one calendar text: is it a REPLY, and what does each VEVENT answer? */
export function readCalendar (text: string, methodParam: string | null = null): CalendarReading {
  let calendar: ICAL.Component
  try {
    const parsed = ICAL.parse(text) as unknown[]
    // One VCALENDAR parses to its jCal array; several to an array of them (we read the first).
    const first = (Array.isArray(parsed[0]) ? parsed[0] : parsed) as unknown[]
    calendar = new ICAL.Component(first as never)
  } catch (err) {
    return { kind: 'unparseable', error: (err as Error).message }
  }
  // An empty or undecodable part parses to a component without a name.
  if (calendar.name !== 'vcalendar') {
    return { kind: 'unparseable', error: typeof calendar.name === 'string' && calendar.name ? `a ${calendar.name.toUpperCase()} where VCALENDAR was expected` : 'no VCALENDAR in the calendar part' }
  }
  const methodValue = calendar.getFirstPropertyValue('method')
  const method = (typeof methodValue === 'string' ? methodValue.toUpperCase() : null) ?? methodParam
  if (method !== 'REPLY') return { kind: 'not-a-reply', method }
  const events = calendar.getAllSubcomponents('vevent').slice(0, MAX_EVENTS_PER_REPLY).map((vevent): ReplyEvent => {
    const uid = vevent.getFirstPropertyValue('uid')
    const sequence = Number(vevent.getFirstPropertyValue('sequence') ?? 0)
    return {
      uid: typeof uid === 'string' && uid.trim() ? uid.trim() : null,
      sequence: Number.isFinite(sequence) ? sequence : 0,
      attendees: vevent.getAllProperties('attendee').map((p) => {
        const partstat = p.getParameter('partstat')
        return {
          email: normaliseAddress(String(p.getFirstValue() ?? '')),
          partstat: typeof partstat === 'string' ? partstat.toUpperCase() : null
        }
      }).filter((a) => a.email)
    }
  })
  return { kind: 'reply', events }
}

/** The event id in a UID made by `eventUid` (`event-<id>@<host of PUBLIC_URL>`), or null when it is not ours. */
export function eventIdFromUid (uid: string, publicUrl: string): number | null {
  const m = /^event-(\d{1,10})@(.+)$/i.exec(uid.trim())
  if (!m || m[2].toLowerCase() !== new URL(publicUrl).hostname.toLowerCase()) return null
  const id = Number(m[1])
  return id > 0 && id < 2 ** 31 ? id : null
}
