import rrule from 'rrule'
import { DateTime } from 'luxon'

const { RRule } = rrule

/*
 * Recurrence expansion that does not depend on the process's time zone.
 *
 * `rrule` with a TZID gives results that shift with the server's TZ. So we expand the rule on *floating*
 * wall-clock times (a JS Date whose UTC fields are the local wall clock) with no tzid, then place each result
 * in the series' zone with luxon. A weekly 12:00 America/New_York series therefore stays at 12:00 local across
 * daylight-saving changes, whatever TZ the process runs in.
 */

export interface SeriesRule {
  /** RRULE body without DTSTART, e.g. 'FREQ=MONTHLY;BYDAY=+2TU'. */
  rrule: string
  /** Local wall-clock first start, 'YYYY-MM-DDTHH:mm'. */
  dtstartLocal: string
  timeZone: string
  durationMinutes: number
}

export interface Occurrence {
  /** The occurrence's original local start, 'YYYY-MM-DDTHH:mm' (stable identity for exceptions). */
  key: string
  startsAt: Date
  endsAt: Date
}

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/
/** Most occurrences one expansion may produce: a guard against a rule like FREQ=MINUTELY. */
export const MAX_OCCURRENCES = 500

function floating (local: string): Date {
  const m = LOCAL_RE.exec(local)
  if (!m) throw new Error(`Not a local date-time: ${local}`)
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]))
}

function keyOf (f: Date): string {
  return f.toISOString().slice(0, 16)
}

/** The instant of a local wall-clock time in a zone (a time skipped by a DST change moves forward). */
export function localToInstant (local: string, zone: string): Date {
  const f = floating(local)
  return DateTime.fromObject({
    year: f.getUTCFullYear(), month: f.getUTCMonth() + 1, day: f.getUTCDate(), hour: f.getUTCHours(), minute: f.getUTCMinutes()
  }, { zone }).toJSDate()
}

/** 'YYYY-MM-DDTHH:mm' of an instant in a zone. */
export function instantToLocal (d: Date, zone: string): string {
  return DateTime.fromJSDate(d, { zone }).toFormat("yyyy-LL-dd'T'HH:mm")
}

/** Occurrences starting in [from, until), in order. Throws on a rule `rrule` can't parse. */
export function expand (rule: SeriesRule, from: Date, until: Date): Occurrence[] {
  const options = RRule.parseString(rule.rrule)
  const r = new RRule({ ...options, dtstart: floating(rule.dtstartLocal), tzid: null })
  // Widen the floating window by a day each side (zones are at most ±14 h), then filter on real instants.
  const day = 86_400_000
  const lo = floating(instantToLocal(from, rule.timeZone))
  const hi = floating(instantToLocal(until, rule.timeZone))
  const out: Occurrence[] = []
  r.between(new Date(lo.getTime() - day), new Date(hi.getTime() + day), true, (_d, i) => i < MAX_OCCURRENCES * 2)
    .forEach((f) => {
      const key = keyOf(f)
      const startsAt = localToInstant(key, rule.timeZone)
      if (startsAt < from || startsAt >= until || out.length >= MAX_OCCURRENCES) return
      const endsAt = DateTime.fromJSDate(startsAt, { zone: rule.timeZone }).plus({ minutes: rule.durationMinutes }).toJSDate()
      out.push({ key, startsAt, endsAt })
    })
  return out
}

export type RulePattern = 'weekly' | 'monthly-weekday' | 'monthly-day'

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']

/**
 * The RRULE for the organizer's simple form, anchored on the first date:
 * weekly on its weekday every `interval` weeks; monthly on its nth weekday (the 5th becomes "last");
 * or monthly on its day of the month — each every `interval` months.
 */
export function buildRule (pattern: RulePattern, interval: number, firstDate: string): string {
  const d = DateTime.fromISO(firstDate, { zone: 'UTC' })
  if (!d.isValid) throw new Error(`Not a date: ${firstDate}`)
  const n = Math.max(1, Math.floor(interval))
  const weekday = WEEKDAYS[d.weekday - 1]
  if (pattern === 'weekly') return `FREQ=WEEKLY;INTERVAL=${n};BYDAY=${weekday}`
  if (pattern === 'monthly-weekday') {
    const nth = Math.ceil(d.day / 7)
    return `FREQ=MONTHLY;INTERVAL=${n};BYDAY=${nth >= 5 ? '-1' : '+' + nth}${weekday}`
  }
  return `FREQ=MONTHLY;INTERVAL=${n};BYMONTHDAY=${d.day}`
}

/** "every 2 months on the 2nd Tuesday" — for pages. */
export function describeRule (rule: string): string {
  try {
    return RRule.fromString(rule).toText()
  } catch {
    return rule
  }
}

const DAY_NAMES: Record<string, string> = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' }
const zoneNames = new Map<string, Intl.DateTimeFormat>()

/** A zone's everyday name on a date ("Eastern Time"), or its IANA name with spaces when unknown. */
export function zoneName (zone: string, at: Date): string {
  try {
    let f = zoneNames.get(zone)
    if (!f) zoneNames.set(zone, f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longGeneric' }))
    return f.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? zone.replace(/_/g, ' ')
  } catch {
    return zone.replace(/_/g, ' ')
  }
}

function ordinal (n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th'
  return `${n}${s}`
}

/**
 * A series' schedule in words, for organizers: "Every other Tuesday at 12:00 PM Eastern Time", "Every month on
 * the 2nd Tuesday at …", "Every 3 months on the 15th at …". UNTIL is left out (the page says when a schedule
 * ended). A rule the simple form does not make falls back to `rrule`'s own words.
 */
export function describeSchedule (rule: string, dtstartLocal: string, timeZone: string): string {
  const parts = Object.fromEntries(rule.split(';').map((p) => p.split('=') as [string, string]))
  const start = DateTime.fromISO(dtstartLocal, { zone: 'UTC' })
  const n = /^\d+$/.test(parts.INTERVAL ?? '1') ? Number(parts.INTERVAL ?? '1') : 1
  const at = `at ${start.isValid ? start.toFormat('h:mm a') : dtstartLocal.slice(11)} ${zoneName(timeZone, start.isValid ? localToInstant(dtstartLocal, timeZone) : new Date())}`
  const startDay = start.isValid ? WEEKDAYS[start.weekday - 1] : 'MO'
  const everyMonths = n === 1 ? 'every month' : n === 2 ? 'every other month' : `every ${n} months`
  let what: string | null = null
  if (parts.FREQ === 'WEEKLY' && (!parts.BYDAY || /^(MO|TU|WE|TH|FR|SA|SU)$/.test(parts.BYDAY))) {
    const day = DAY_NAMES[parts.BYDAY ?? startDay]
    what = n === 1 ? `every ${day}` : n === 2 ? `every other ${day}` : `every ${n} weeks on ${day}`
  } else if (parts.FREQ === 'MONTHLY' && parts.BYDAY) {
    const m = /^([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)$/.exec(parts.BYDAY)
    if (m) what = `${everyMonths} on the ${Number(m[1]) < 0 ? 'last' : ordinal(Number(m[1]))} ${DAY_NAMES[m[2]]}`
  } else if (parts.FREQ === 'MONTHLY' && /^\d+$/.test(parts.BYMONTHDAY ?? '')) {
    what = `${everyMonths} on the ${ordinal(Number(parts.BYMONTHDAY))}`
  }
  const text = `${what ?? describeRule(rule.split(';').filter((p) => !/^UNTIL=/i.test(p)).join(';'))} ${at}`
  return text.charAt(0).toUpperCase() + text.slice(1)
}
