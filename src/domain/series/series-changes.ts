import { DateTime } from 'luxon'
import type { Db, Event } from '../../db/database.js'
import { cancelEvent } from '../events/events.service.js'
import { notifyEventChanged } from '../invites/invites.service.js'
import { expand, instantToLocal, localToInstant } from './recurrence.js'
import {
  deleteScheduleHistory, findOccurrence, insertScheduleHistory, lockLaterOccurrences, lockSeries, scheduleHistory, updateOccurrence, updateScheduleHistory,
  updateSeriesRow
} from './series.repository.js'
import { materialiseSeries } from './series.service.js'

/*
 * Organizers' changes to an existing series: its schedule "from this meeting on" (the series keeps one
 * address; the rule it replaces is kept as its schedule history).
 */


export interface ScheduleChange {
  fromEventId: number
  rrule: string
  dtstartLocal: string
  timeZone: string
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
 * Changes the rule or time "from this meeting on". The series stays one series (one address, one list entry):
 * the rule it had is kept as its schedule history, ending before the chosen meeting, and the series takes the
 * new rule from there. Each later meeting already created that was not edited on its own or cancelled and falls
 * on a date the new rule keeps moves to the new time, with its RSVPs (attendees are emailed when its time
 * changed); one on a date the new rule drops is cancelled (attendees are emailed) and stays as the record.
 * Meetings edited on their own or cancelled keep their state, and claim their date on the new rule. Earlier and
 * past meetings are never touched.
 */
export async function changeScheduleFrom (trx: Db, seriesId: number, change: ScheduleChange, now = new Date()) {
  const old = await lockSeries(trx, seriesId)
  if (!old) throw new Error(`series ${seriesId} not found`)
  const from = await findOccurrence(trx, seriesId, change.fromEventId)
  if (!from || from.starts_at <= now) throw new ScheduleChangeError('from_event', 'Choose an upcoming meeting of this series.')
  const splitKey = from.occurrence_key ?? instantToLocal(from.original_starts_at ?? from.starts_at, old.time_zone)
  const firstDate = change.dtstartLocal.slice(0, 10)
  if (firstDate < splitKey.slice(0, 10)) throw new ScheduleChangeError('first_date', 'The new first date must be on or after the meeting the change starts from.')
  const newStart = localToInstant(change.dtstartLocal, change.timeZone)
  if (newStart <= now) throw new ScheduleChangeError('first_date', 'The new first date and time must be in the future.')

  // The rule it had becomes history. Expansion works on floating wall-clock times, so UNTIL is the split
  // meeting's local start, less a minute; its last meeting is the last the old rule gave before that.
  const until = DateTime.fromISO(splitKey, { zone: 'UTC' }).minus({ minutes: 1 }).toFormat("yyyyLLdd'T'HHmmss'Z'")
  const endingBefore = (rule: string) => [...rule.split(';').filter((p) => !/^(UNTIL|COUNT)=/i.test(p)), `UNTIL=${until}`].join(';')
  const oldRule = endingBefore(old.rrule)
  const splitAt = localToInstant(splitKey, old.time_zone)
  const lastBefore = (rrule: string, dtstartLocal: string, timeZone: string) => {
    const start = localToInstant(dtstartLocal, timeZone)
    const lookBack = new Date(Math.max(start.getTime(), DateTime.fromJSDate(splitAt).minus({ days: 400 }).toJSDate().getTime()))
    return expand({ rrule, dtstartLocal, timeZone, durationMinutes: old.duration_minutes }, lookBack, splitAt).at(-1)?.key ?? null
  }
  // A change from a meeting before an earlier change: schedules that would have started from it on never
  // applied (they leave the history), and the one running then ends before it.
  for (const h of await scheduleHistory(trx, old.id)) {
    if (h.dtstart_local >= splitKey) await deleteScheduleHistory(trx, h.id)
    else if (h.until_local > splitKey) await updateScheduleHistory(trx, h.id, { rrule: endingBefore(h.rrule), until_local: splitKey, last_local: lastBefore(h.rrule, h.dtstart_local, h.time_zone) })
  }
  if (old.dtstart_local < splitKey) {
    await insertScheduleHistory(trx, {
      series_id: old.id, rrule: oldRule, dtstart_local: old.dtstart_local, time_zone: old.time_zone, until_local: splitKey,
      last_local: lastBefore(old.rrule, old.dtstart_local, old.time_zone)
    })
  }
  const series = await updateSeriesRow(trx, old.id, { rrule: change.rrule, dtstart_local: change.dtstartLocal, time_zone: change.timeZone, updated_at: new Date() })

  const horizon = DateTime.fromJSDate(now).plus({ months: series.horizon_months }).toJSDate()
  const byDate = new Map<string, ReturnType<typeof expand>[number]>()
  for (const o of expand({ rrule: series.rrule, dtstartLocal: series.dtstart_local, timeZone: series.time_zone, durationMinutes: series.duration_minutes }, newStart, horizon)) {
    byDate.set(o.key.slice(0, 10), o)
  }
  const later = await lockLaterOccurrences(trx, old.id, splitKey, now)
  let moved = 0
  let cancelled = 0
  for (const e of later) {
    const date = (e.occurrence_key ?? instantToLocal(e.starts_at, old.time_zone)).slice(0, 10)
    const o = byDate.get(date)
    const followsSeries = !e.edited_individually && e.status !== 'cancelled'
    if (o) {
      byDate.delete(date)
      if (followsSeries) {
        const updated = await updateOccurrence(trx, e.id, {
          occurrence_key: o.key, original_starts_at: o.startsAt, starts_at: o.startsAt, ends_at: o.endsAt,
          time_zone: series.time_zone, sequence: e.sequence + 1, updated_at: new Date()
        })
        if (updated.starts_at.getTime() !== e.starts_at.getTime()) await notifyTimeChanged(trx, updated)
        moved++
      } else {
        await updateOccurrence(trx, e.id, { occurrence_key: o.key, updated_at: new Date() })
      }
    } else if (followsSeries) {
      // The new rule has no meeting that day: it stays, cancelled, as the record.
      await cancelEvent(trx, e.id)
      cancelled++
    }
  }
  const created = await materialiseSeries(trx, series, now)
  return { series, moved, cancelled, created }
}
