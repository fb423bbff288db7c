import { DateTime } from 'luxon'

// Intl formatters are costly to build (luxon's toFormat builds one per call): build each once per zone. Keyed
// by the options object itself (the constants below), so a lookup costs no string building.
const cache = new Map<Intl.DateTimeFormatOptions, Map<string, Intl.DateTimeFormat>>()
function formatter (zone: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let byZone = cache.get(opts)
  if (!byZone) {
    byZone = new Map()
    cache.set(opts, byZone)
  }
  let f = byZone.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, ...opts })
    byZone.set(zone, f)
  }
  return f
}

const DATE: Intl.DateTimeFormatOptions = { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }
const TIME: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }
const SHORT_DATE: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' }
const DATE_TIME: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }

/** "Tuesday, March 10, 2026" in the zone. */
export function date (d: Date, zone = 'UTC'): string {
  return formatter(zone, DATE).format(d)
}

/** "Mar 10, 2026" in the zone. */
export function shortDate (d: Date, zone = 'UTC'): string {
  return formatter(zone, SHORT_DATE).format(d)
}

/** "12:00 PM EDT" in the zone. */
export function time (d: Date, zone = 'UTC'): string {
  return formatter(zone, TIME).format(d)
}

/** "Mar 10, 2026, 12:00 PM EDT" in the zone. */
export function dateTime (d: Date, zone = 'UTC'): string {
  return formatter(zone, DATE_TIME).format(d)
}

/** ISO 8601 for <time datetime>. */
export function iso (d: Date): string {
  return d.toISOString()
}

/** "March 2026" from an ISO date or a Date. */
export function dayOnly (d: string | Date): string {
  const dt = typeof d === 'string' ? DateTime.fromISO(d, { zone: 'UTC' }) : DateTime.fromJSDate(d, { zone: 'UTC' })
  return dt.toLocaleString(DateTime.DATE_FULL)
}

export function plural (n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}
