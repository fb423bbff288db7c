import { DateTime } from 'luxon'
import type { Db, Event, Series } from '../../db/database.js'
import { isClockTime, isIsoDate, str } from '../../lib/forms.js'
import { cancelEvent } from '../events/events.service.js'
import { readCommonFields, type FormValues } from '../../forms/place-fields.js'
import { notifyEventChanged } from '../invites/invites.service.js'
import { buildRule, expand, instantToLocal, localToInstant, type RulePattern } from './recurrence.js'
import { isValidZone } from '../../lib/time-zones.js'
import { materialiseSeries, RULE_PATTERNS, type SeriesContent } from './series.service.js'

/*
 * Organizers' changes to an existing series: what its meetings say (editSeries), who hosts them, and its
 * schedule "from this meeting on" (a split: the old series ends before that meeting, a new one starts there).
 */


/** The series edit form's values for an existing series. */
export function seriesFormValues (s: Series): FormValues {
  return {
    title: s.title,
    kind: s.kind,
    summary: s.summary,
    why_it_matters: s.why_it_matters,
    duration_minutes: String(s.duration_minutes),
    venue_name: s.venue_name ?? '',
    venue_address: s.venue_address ?? '',
    venue_room: s.venue_room ?? '',
    accessibility_notes: s.accessibility_notes ?? '',
    online_url: s.online_url ?? '',
    region: s.region ?? '',
    live_transcript_url: s.live_transcript_url ?? '',
    capacity: s.capacity === null ? '' : String(s.capacity)
  }
}

/** Reads what the series' meetings say (the edit form). `input` is set only when there are no errors. */
export function readSeriesEditForm (body: unknown): { values: FormValues, errors: Record<string, string>, input?: SeriesContent } {
  const values: FormValues = {}
  const errors: Record<string, string> = {}
  const common = readCommonFields(body, values, errors)
  const duration = str(body, 'duration_minutes', 5)
  values.duration_minutes = duration
  if (!/^\d+$/.test(duration) || +duration < 5 || +duration > 24 * 60) errors.duration_minutes = 'Enter the length in minutes, from 5 to 1440.'
  if (Object.keys(errors).length) return { values, errors }
  return {
    values,
    errors,
    input: { ...common.place, kind: common.kind, title: common.title, summary: common.summary, whyItMatters: common.whyItMatters, durationMinutes: +duration }
  }
}

/**
 * Sets the series' hosts, and the hosts of its future meetings that were not edited on their own and are not
 * cancelled. Past meetings keep theirs.
 */
export async function setSeriesHosts (trx: Db, seriesId: number, hostIds: number[], now = new Date()): Promise<void> {
  const ids = [...new Set(hostIds)]
  await trx.deleteFrom('series_hosts').where('series_id', '=', seriesId).execute()
  if (ids.length) await trx.insertInto('series_hosts').values(ids.map((member_id) => ({ series_id: seriesId, member_id }))).execute()
  const events = await trx.selectFrom('events').select('id')
    .where('series_id', '=', seriesId).where('starts_at', '>', now)
    .where('edited_individually', '=', false).where('status', '!=', 'cancelled').execute()
  if (!events.length) return
  const eventIds = events.map((e) => e.id)
  await trx.deleteFrom('event_hosts').where('event_id', 'in', eventIds).execute()
  if (ids.length) await trx.insertInto('event_hosts').values(eventIds.flatMap((event_id) => ids.map((member_id) => ({ event_id, member_id })))).execute()
}

export interface ScheduleChange {
  fromEventId: number
  rrule: string
  dtstartLocal: string
  timeZone: string
}

/** Reads the "change the schedule from this meeting on" form. */
export function readScheduleForm (body: unknown): { values: FormValues, errors: Record<string, string>, input?: ScheduleChange } {
  const values: FormValues = {}
  const errors: Record<string, string> = {}
  const from = str(body, 'from_event', 12)
  const pattern = str(body, 'pattern') as RulePattern
  const interval = str(body, 'interval', 3) || '1'
  const firstDate = str(body, 'first_date', 10)
  const startTime = str(body, 'start_time', 5)
  const timeZone = str(body, 'time_zone', 100)
  Object.assign(values, { from_event: from, pattern, interval, first_date: firstDate, start_time: startTime, time_zone: timeZone })
  if (!/^\d{1,9}$/.test(from)) errors.from_event = 'Choose the first meeting the new schedule applies to.'
  if (!RULE_PATTERNS.some((p) => p.value === pattern)) errors.pattern = 'Choose how often the series meets.'
  if (!/^\d+$/.test(interval) || +interval < 1 || +interval > 12) errors.interval = 'Enter how many weeks or months apart, from 1 to 12.'
  if (!isIsoDate(firstDate)) errors.first_date = 'Enter the new first date as YYYY-MM-DD.'
  if (!isClockTime(startTime)) errors.start_time = 'Enter the start time as HH:MM (24-hour).'
  if (!isValidZone(timeZone)) errors.time_zone = 'Choose a time zone, such as America/New_York.'
  if (Object.keys(errors).length) return { values, errors }
  return {
    values,
    errors,
    input: { fromEventId: +from, rrule: buildRule(pattern, +interval, firstDate), dtstartLocal: `${firstDate}T${startTime}`, timeZone }
  }
}

/** The values the schedule form starts with: the series' current rule, from its next meeting. */
export function scheduleFormValues (s: Series, next: { id: number, starts_at: Date } | undefined): FormValues {
  const parts = Object.fromEntries(s.rrule.split(';').map((p) => p.split('=') as [string, string]))
  const pattern: RulePattern = parts.FREQ === 'WEEKLY' ? 'weekly' : parts.BYMONTHDAY ? 'monthly-day' : 'monthly-weekday'
  return {
    from_event: next ? String(next.id) : '',
    pattern,
    interval: parts.INTERVAL ?? '1',
    first_date: next ? instantToLocal(next.starts_at, s.time_zone).slice(0, 10) : '',
    start_time: s.dtstart_local.slice(11),
    time_zone: s.time_zone
  }
}

/**
 * Tells everyone who answered going, maybe or waitlisted (or holds the invite) that a meeting's time changed:
 * once each, as an invite update for holders (src/domain/invites/).
 */
export async function notifyTimeChanged (trx: Db, event: Event): Promise<void> {
  await notifyEventChanged(trx, event, { time: true })
}

/** A schedule change that can't apply (a message for the form, under `field`). */
export class ScheduleChangeError extends Error {
  constructor (readonly field: string, message: string) {
    super(message)
  }
}

/**
 * Changes the rule or time "from this meeting on". The old series' rule ends just before the chosen meeting;
 * a new series (same content and hosts) starts with the new rule. Each later meeting already created that was
 * not edited on its own or cancelled and falls on a date the new rule keeps moves to the new series and time,
 * with its RSVPs (attendees are emailed when its time changed); one on a date the new rule drops is cancelled
 * (attendees are emailed). Meetings edited on their own or cancelled keep their state, and claim their date in
 * the new series. Earlier and past meetings are never touched.
 */
export async function splitSeries (trx: Db, seriesId: number, change: ScheduleChange, now = new Date()) {
  const old = await trx.selectFrom('series').selectAll().where('id', '=', seriesId).forUpdate().executeTakeFirst()
  if (!old) throw new Error(`series ${seriesId} not found`)
  const from = await trx.selectFrom('events').selectAll().where('id', '=', change.fromEventId).where('series_id', '=', seriesId).executeTakeFirst()
  if (!from || from.starts_at <= now) throw new ScheduleChangeError('from_event', 'Choose an upcoming meeting of this series.')
  const splitKey = from.occurrence_key ?? instantToLocal(from.original_starts_at ?? from.starts_at, old.time_zone)
  const firstDate = change.dtstartLocal.slice(0, 10)
  if (firstDate < splitKey.slice(0, 10)) throw new ScheduleChangeError('first_date', 'The new first date must be on or after the meeting the change starts from.')
  const newStart = localToInstant(change.dtstartLocal, change.timeZone)
  if (newStart <= now) throw new ScheduleChangeError('first_date', 'The new first date and time must be in the future.')

  // Expansion works on floating wall-clock times, so UNTIL is the split meeting's local start, less a minute.
  const until = DateTime.fromISO(splitKey, { zone: 'UTC' }).minus({ minutes: 1 }).toFormat("yyyyLLdd'T'HHmmss'Z'")
  const oldRule = [...old.rrule.split(';').filter((p) => !/^(UNTIL|COUNT)=/i.test(p)), `UNTIL=${until}`].join(';')
  await trx.updateTable('series').set({ rrule: oldRule, updated_at: new Date() }).where('id', '=', old.id).execute()

  const { id: _id, created_at: _c, updated_at: _u, ...content } = old
  const series = await trx.insertInto('series').values({
    ...content, rrule: change.rrule, dtstart_local: change.dtstartLocal, time_zone: change.timeZone
  }).returningAll().executeTakeFirstOrThrow()
  const hosts = await trx.selectFrom('series_hosts').select('member_id').where('series_id', '=', old.id).execute()
  if (hosts.length) await trx.insertInto('series_hosts').values(hosts.map((h) => ({ series_id: series.id, member_id: h.member_id }))).execute()

  const horizon = DateTime.fromJSDate(now).plus({ months: series.horizon_months }).toJSDate()
  const byDate = new Map<string, ReturnType<typeof expand>[number]>()
  for (const o of expand({ rrule: series.rrule, dtstartLocal: series.dtstart_local, timeZone: series.time_zone, durationMinutes: series.duration_minutes }, newStart, horizon)) {
    byDate.set(o.key.slice(0, 10), o)
  }
  const later = await trx.selectFrom('events').selectAll()
    .where('series_id', '=', old.id).where('occurrence_key', '>=', splitKey).where('starts_at', '>', now)
    .orderBy('starts_at').orderBy('id').forUpdate().execute()
  let moved = 0
  let cancelled = 0
  for (const e of later) {
    const date = (e.occurrence_key ?? instantToLocal(e.starts_at, old.time_zone)).slice(0, 10)
    const o = byDate.get(date)
    const followsSeries = !e.edited_individually && e.status !== 'cancelled'
    if (o) {
      byDate.delete(date)
      if (followsSeries) {
        const updated = await trx.updateTable('events').set({
          series_id: series.id, occurrence_key: o.key, original_starts_at: o.startsAt, starts_at: o.startsAt, ends_at: o.endsAt,
          time_zone: series.time_zone, sequence: e.sequence + 1, updated_at: new Date()
        }).where('id', '=', e.id).returningAll().executeTakeFirstOrThrow()
        if (updated.starts_at.getTime() !== e.starts_at.getTime()) await notifyTimeChanged(trx, updated)
        moved++
      } else {
        await trx.updateTable('events').set({ series_id: series.id, occurrence_key: o.key, updated_at: new Date() }).where('id', '=', e.id).execute()
      }
    } else if (followsSeries) {
      // The new rule has no meeting that day: it stays with the old series, cancelled, as the record.
      await cancelEvent(trx, e.id)
      cancelled++
    }
  }
  const created = await materialiseSeries(trx, series, now)
  return { series, moved, cancelled, created }
}

/** Past meetings of a series, latest first, with the number who went (going). */
export async function pastOccurrences (db: Db, seriesId: number, now = new Date(), limit = 12) {
  return db.selectFrom('events')
    .select(['id', 'starts_at', 'time_zone', 'status'])
    .select((eb) => eb.selectFrom('rsvps').select((e2) => e2.fn.countAll<number>().as('n'))
      .whereRef('rsvps.event_id', '=', 'events.id').where('rsvps.status', '=', 'going').as('going_count'))
    .where('series_id', '=', seriesId).where('ends_at', '<=', now)
    .orderBy('starts_at', 'desc').limit(limit).execute()
}

export async function seriesHostIds (db: Db, seriesId: number): Promise<number[]> {
  return (await db.selectFrom('series_hosts').select('member_id').where('series_id', '=', seriesId).execute()).map((h) => h.member_id)
}

/** A meeting of the series that has not started yet, or undefined. */
export async function upcomingOccurrence (db: Db, seriesId: number, eventId: number, now = new Date()): Promise<Event | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', eventId).where('series_id', '=', seriesId)
    .where('starts_at', '>', now).executeTakeFirst()
}
