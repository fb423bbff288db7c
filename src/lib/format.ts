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

// The same instants are formatted over and over (an event page's start and end on every view): remember the
// strings, per format and zone, up to a bound.
const MEMO_SIZE = 5_000
const memo = new Map<Intl.DateTimeFormatOptions, Map<string, Map<number, string>>>()
function formatted (d: Date, zone: string, opts: Intl.DateTimeFormatOptions): string {
  let byZone = memo.get(opts)
  if (!byZone) memo.set(opts, byZone = new Map())
  let strings = byZone.get(zone)
  if (!strings) byZone.set(zone, strings = new Map())
  const ms = d.getTime()
  let s = strings.get(ms)
  if (s === undefined) {
    if (strings.size >= MEMO_SIZE) strings.clear()
    s = formatter(zone, opts).format(d)
    strings.set(ms, s)
  }
  return s
}

const DATE: Intl.DateTimeFormatOptions = { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }
const TIME: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }
const SHORT_DATE: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' }
const DATE_TIME: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }

/** "Tuesday, March 10, 2026" in the zone. */
export function date (d: Date, zone = 'UTC'): string {
  return formatted(d, zone, DATE)
}

/** "Mar 10, 2026" in the zone. */
export function shortDate (d: Date, zone = 'UTC'): string {
  return formatted(d, zone, SHORT_DATE)
}

/** "12:00 PM EDT" in the zone. */
export function time (d: Date, zone = 'UTC'): string {
  return formatted(d, zone, TIME)
}

/** "Mar 10, 2026, 12:00 PM EDT" in the zone. */
export function dateTime (d: Date, zone = 'UTC'): string {
  return formatted(d, zone, DATE_TIME)
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
  return `${n < 1000 && n > -1000 ? String(n) : n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}

/** "1st", "2nd", "3rd", "11th", "22nd" … */
export function ordinal (n: number): string {
  const tens = n % 100
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th'
  return `${n}${suffix}`
}
