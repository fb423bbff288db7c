import type { Db } from '../../db/database.js'
import { dateTime, ordinal, time } from '../../lib/format.js'
import { listMyEvents, type MyEventRow } from './rsvps.repository.js'

/*
 * "My events": what a member answered across their communities, with the answer in words and the times where
 * the viewer is. Decided here so the page (views/profile/events.eta) only shows it.
 */

/** Past events shown (the latest first); upcoming ones are few enough to show all, up to this bound too. */
export const MY_EVENTS_LIMIT = 100

export interface MyEventItem {
  id: number
  title: string
  communitySlug: string
  communityName: string
  startsAt: Date
  /** "Dec 10, 2026, 9:00 AM EST" in the viewer's zone (the event's own zone when the viewer's is not known). */
  when: string
  /** The same start where the event is, when that reads differently from `when`; else null. */
  eventZoneWhen: string | null
  /** "Going", "Can’t go", "Maybe", "On the waitlist (3rd)". */
  answer: string
  cancelled: boolean
  online: boolean
  inPerson: boolean
}

function answerLabel (r: MyEventRow): string {
  switch (r.rsvp_status) {
    case 'going': return 'Going'
    case 'maybe': return 'Maybe'
    case 'declined': return 'Can’t go'
    case 'waitlisted': return r.waitlist_place ? `On the waitlist (${ordinal(Number(r.waitlist_place))})` : 'On the waitlist'
  }
}

function item (r: MyEventRow, viewerZone: string | null): MyEventItem {
  const zone = viewerZone ?? r.time_zone
  const when = dateTime(r.starts_at, zone)
  const own = dateTime(r.starts_at, r.time_zone)
  return {
    id: r.id,
    title: r.title,
    communitySlug: r.community_slug,
    communityName: r.community_name,
    startsAt: r.starts_at,
    when,
    eventZoneWhen: own === when ? null : `${time(r.starts_at, r.time_zone)} where the event is`,
    answer: answerLabel(r),
    cancelled: r.status === 'cancelled',
    online: Boolean(r.online_url),
    inPerson: Boolean(r.venue_name)
  }
}

/** The member's upcoming and past events (answered, in communities they still belong to). */
export async function myEvents (db: Db, memberId: number, viewerZone: string | null, now = new Date()):
Promise<{ upcoming: MyEventItem[], past: MyEventItem[] }> {
  const [upcoming, past] = await Promise.all([
    listMyEvents(db, memberId, now, 'upcoming', MY_EVENTS_LIMIT),
    listMyEvents(db, memberId, now, 'past', MY_EVENTS_LIMIT)
  ])
  return { upcoming: upcoming.map((r) => item(r, viewerZone)), past: past.map((r) => item(r, viewerZone)) }
}
