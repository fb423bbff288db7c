import type { Db } from '../../db/database.js'
import { date, time } from '../../lib/format.js'
import { str } from '../../lib/forms.js'

/** Every IANA zone the runtime knows (for the profile's select), plus UTC. */
export const ALL_ZONES: readonly string[] = [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])].sort()
const ZONE_SET = new Set(ALL_ZONES)

export function isKnownZone (zone: string): boolean {
  return ZONE_SET.has(zone)
}

/** Reads the profile's time-zone select: '' means "none chosen". */
export function readTimeZone (body: unknown): { value: string, error?: string } {
  const value = str(body, 'time_zone', 100)
  if (value && !isKnownZone(value)) return { value, error: 'Choose a time zone from the list, or leave it empty.' }
  return { value }
}

export async function saveMemberTimeZone (db: Db, memberId: number, zone: string | null): Promise<void> {
  await db.updateTable('members').set({ time_zone: zone, updated_at: new Date() }).where('id', '=', memberId).execute()
}

/** Whether two zones show the same date and clock time at the instant (zone abbreviation aside). */
function sameWallClock (d: Date, a: string, b: string): boolean {
  return time(d, a).replace(/\s\S+$/, '') === time(d, b).replace(/\s\S+$/, '') && date(d, a) === date(d, b)
}

/**
 * The event's start and end in the viewer's zone, when the viewer chose one that shows a different clock
 * time from the event's own zone; otherwise null (the page shows the event's local time only).
 */
export function viewerTimes (event: { starts_at: Date, ends_at: Date, time_zone: string }, viewerZone: string | null | undefined) {
  if (!viewerZone || viewerZone === event.time_zone || !isKnownZone(viewerZone)) return null
  if (sameWallClock(event.starts_at, viewerZone, event.time_zone) && sameWallClock(event.ends_at, viewerZone, event.time_zone)) return null
  const startDate = date(event.starts_at, viewerZone)
  const endDate = date(event.ends_at, viewerZone)
  return {
    zone: viewerZone,
    zoneLabel: viewerZone.replace(/_/g, ' '),
    start: `${startDate}, ${time(event.starts_at, viewerZone)}`,
    end: `${endDate === startDate ? '' : endDate + ', '}${time(event.ends_at, viewerZone)}`
  }
}
