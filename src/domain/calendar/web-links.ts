import type { CalendarEntry } from './ics.js'

/*
 * "Add to calendar" links for web calendars that cannot take a file: they open the calendar's new-event form
 * filled in. Times go as UTC instants (the calendar shows them in the user's zone); these links make a copy,
 * so later changes reach the user only through the .ics file, a feed or an invite.
 */

const utc = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')

/** Keeps a link under the length browsers and Google accept. */
function short (s: string, max = 1500): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s
}

export function googleCalendarUrl (e: CalendarEntry): string {
  const q = new URLSearchParams({
    action: 'TEMPLATE',
    text: e.title,
    dates: `${utc(e.startsAt)}/${utc(e.endsAt)}`,
    ctz: e.timeZone,
    details: short(e.description),
    location: e.location
  })
  return `https://calendar.google.com/calendar/render?${q.toString()}`
}

/** Outlook on the web: `office` for work and school accounts (Microsoft 365), `live` for Outlook.com. */
export function outlookCalendarUrl (e: CalendarEntry, service: 'office' | 'live' = 'office'): string {
  const q = new URLSearchParams({
    path: '/calendar/action/compose',
    rru: 'addevent',
    subject: e.title,
    startdt: e.startsAt.toISOString(),
    enddt: e.endsAt.toISOString(),
    body: short(e.description),
    location: e.location
  })
  const host = service === 'office' ? 'outlook.office.com' : 'outlook.live.com'
  return `https://${host}/calendar/deeplink/compose?${q.toString()}`
}
