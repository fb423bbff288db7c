import { IANAZone } from 'luxon'
import { date, time } from './format.js'

/*
 * Time zones, in one place: which zones forms offer, which a value may be, and an event's times in the viewer's
 * zone. Two checks on purpose:
 *  - `isValidZone`: any zone the runtime resolves, aliases included (`US/Eastern`): an event's or a series' zone,
 *    and the zone a browser reports;
 *  - `isKnownZone`: one of the canonical names in ALL_ZONES: the profile's select offers exactly those.
 */

/** Every IANA zone the runtime knows (for the profile's select), plus UTC. */
export const ALL_ZONES: readonly string[] = [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])].sort()
const ZONE_SET = new Set(ALL_ZONES)

/** Zones offered first in the event and series forms; any valid IANA zone is accepted. */
export const COMMON_ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles',
  'America/Anchorage', 'Pacific/Honolulu', 'America/Puerto_Rico', 'Pacific/Guam', 'Europe/London', 'Australia/Sydney', 'UTC']

/** Whether the runtime can place times in `zone` (an IANA name or alias). */
export function isValidZone (zone: string): boolean {
  return zone.length > 0 && IANAZone.isValidZone(zone)
}

/** Whether `zone` is one of ALL_ZONES (canonical names only). */
export function isKnownZone (zone: string): boolean {
  return ZONE_SET.has(zone)
}

/** A zone as people read it: `America/New York`. */
export function zoneLabel (zone: string): string {
  return zone.replace(/_/g, ' ')
}

/** The zone select of the event and series forms: the common US zones, with the current one first if it is another. */
export function zoneOptions (current: string): { value: string, label: string }[] {
  return [...new Set([...(current ? [current] : []), ...COMMON_ZONES])].map((z) => ({ value: z, label: zoneLabel(z) }))
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
    zoneLabel: zoneLabel(viewerZone),
    start: `${startDate}, ${time(event.starts_at, viewerZone)}`,
    end: `${endDate === startDate ? '' : endDate + ', '}${time(event.ends_at, viewerZone)}`
  }
}
