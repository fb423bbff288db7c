import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import type { Database, Db, EventKind, Series } from '../../db/database.js'
import type { PlaceInput } from '../events/events.service.js'
import { lockEvent } from '../events/events.repository.js'
import { eventChanges, notifyEventChanged } from '../invites/invites.service.js'
import { fillFromWaitlist } from '../rsvps/rsvps.service.js'
import { expand, localToInstant, type RulePattern } from './recurrence.js'
import {
  addSeriesHosts, allSeriesIds, insertOccurrences, insertSeries, listUpcomingOccurrences, lockFollowingOccurrences, lockSeries,
  setMeetingSpeaker, upcomingMeetings, updateOccurrence, updateOccurrencesContent, updateSeriesRow
} from './series.repository.js'

export const RULE_PATTERNS: { value: RulePattern, label: string }[] = [
  { value: 'weekly', label: 'Weekly, on the same weekday' },
  { value: 'monthly-weekday', label: 'Monthly, on the same weekday of the month (e.g. 2nd Tuesday)' },
  { value: 'monthly-day', label: 'Monthly, on the same day of the month' }
]

export interface SeriesContent extends PlaceInput {
  kind: EventKind
  title: string
  summary: string
  whyItMatters: string
  durationMinutes: number
}

export interface SeriesInput extends SeriesContent {
  rrule: string
  dtstartLocal: string
  timeZone: string
  publishOccurrences: boolean
}

function contentColumns (c: SeriesContent) {
  return {
    kind: c.kind,
    title: c.title,
    summary: c.summary,
    why_it_matters: c.whyItMatters,
    venue_name: c.venueName,
    venue_address: c.venueAddress,
    venue_room: c.venueRoom,
    accessibility_notes: c.accessibilityNotes,
    online_url: c.onlineUrl,
    region: c.region,
    live_transcript_url: c.liveTranscriptUrl,
    capacity: c.capacity
  }
}

/** Creates a series hosted by its creator and materialises its occurrences. Call inside a transaction. */
export async function createSeries (trx: Db, communityId: number, input: SeriesInput, creatorId: number, now = new Date()) {
  const series = await insertSeries(trx, {
    ...contentColumns(input),
    community_id: communityId,
    rrule: input.rrule,
    dtstart_local: input.dtstartLocal,
    time_zone: input.timeZone,
    duration_minutes: input.durationMinutes,
    publish_occurrences: input.publishOccurrences,
    created_by: creatorId
  })
  await addSeriesHosts(trx, series.id, [creatorId])
  const created = await materialiseSeries(trx, series, now)
  return { series, created }
}

/**
 * Makes sure every occurrence from now to the series' horizon exists as an event, with the series' hosts.
 * Idempotent: an occurrence that exists — even moved or cancelled — is never created again.
 * Returns how many events it created. The scheduled job calls this daily to roll the horizon forward.
 */
export async function materialiseSeries (trx: Db, series: Series, now = new Date()): Promise<number> {
  const from = new Date(Math.max(now.getTime(), localToInstant(series.dtstart_local, series.time_zone).getTime()))
  const until = DateTime.fromJSDate(now).plus({ months: series.horizon_months }).toJSDate()
  const occurrences = expand({ rrule: series.rrule, dtstartLocal: series.dtstart_local, timeZone: series.time_zone, durationMinutes: series.duration_minutes }, from, until)
  if (!occurrences.length) return 0
  const created = await insertOccurrences(trx, occurrences.map((o) => ({
    kind: series.kind,
    title: series.title,
    summary: series.summary,
    why_it_matters: series.why_it_matters,
    venue_name: series.venue_name,
    venue_address: series.venue_address,
    venue_room: series.venue_room,
    accessibility_notes: series.accessibility_notes,
    online_url: series.online_url,
    region: series.region,
    live_transcript_url: series.live_transcript_url,
    capacity: series.capacity,
    community_id: series.community_id,
    series_id: series.id,
    occurrence_key: o.key,
    original_starts_at: o.startsAt,
    starts_at: o.startsAt,
    ends_at: o.endsAt,
    time_zone: series.time_zone,
    status: series.publish_occurrences ? 'published' as const : 'draft' as const,
    created_by: series.created_by
  })))
  return created.length
}

/**
 * Edits what a series' occurrences say (title, texts, place, links, places, length). Applies to future
 * occurrences that were not edited on their own and are not cancelled (a meeting's own speaker and "why this
 * matters" stay); past ones and every RSVP stay as they were. More places go to waitlisted members at once. Returns the number of occurrences updated.
 */
export async function editSeries (trx: Db, seriesId: number, content: SeriesContent, now = new Date()): Promise<number> {
  const previous = await lockSeries(trx, seriesId)
  if (!previous) throw new Error(`series ${seriesId} not found`)
  await updateSeriesRow(trx, seriesId, { ...contentColumns(content), duration_minutes: content.durationMinutes, updated_at: new Date() })
  const targets = await lockFollowingOccurrences(trx, seriesId, now)
  if (!targets.length) return 0
  const ids = targets.map((t) => t.id)
  await updateOccurrencesContent(trx, ids, contentColumns(content), content.durationMinutes, previous.why_it_matters)
  for (const before of targets) {
    const event = await lockEvent(trx, before.id)
    if (!event) continue
    // A new place or length reaches attendees once each (an invite update for those holding the invite).
    await notifyEventChanged(trx, event, eventChanges(before, event))
    await fillFromWaitlist(trx, event)
  }
  return ids.length
}

/**
 * Moves one occurrence to a new local start in its zone (keeping its length); it then counts as edited on its
 * own, so later series edits leave it alone.
 */
export async function moveOccurrence (trx: Db, eventId: number, newStartLocal: string) {
  const event = await lockEvent(trx, eventId)
  if (!event) throw new Error(`event ${eventId} not found`)
  const startsAt = localToInstant(newStartLocal, event.time_zone)
  const endsAt = new Date(startsAt.getTime() + (event.ends_at.getTime() - event.starts_at.getTime()))
  return updateOccurrence(trx, eventId, {
    starts_at: startsAt, ends_at: endsAt, edited_individually: true, sequence: event.sequence + 1, updated_at: new Date()
  })
}

/**
 * Upcoming occurrences of a series with the number going and what is missing (no host, no speaker, no join
 * link for a brown-bag).
 */
export async function seriesOccurrences (db: Db, seriesId: number, now = new Date(), limit = 24) {
  const rows = await listUpcomingOccurrences(db, seriesId, now, limit)
  return rows.map((r) => ({
    ...r,
    flags: [
      ...(r.has_host ? [] : ['has no host']),
      ...(r.speaker_name ? [] : ['has no speaker']),
      ...(r.kind === 'brown-bag' && !r.online_url ? ['has no join link'] : [])
    ]
  }))
}

/** Most meetings the speakers form lists (and one POST may change). */
export const SPEAKER_FORM_MEETINGS = 24

export interface MeetingSpeaker { eventId: number, speakerName: string | null, whyItMatters: string }

/**
 * Sets the speaker and "why this matters" of upcoming meetings of the series (the speakers form), in one
 * transaction. Each must be an upcoming meeting of the series not cancelled; the meetings stay with the series
 * (later series edits still reach them). Returns how many changed.
 */
export async function setSeriesSpeakers (trx: Db, seriesId: number, rows: MeetingSpeaker[], now = new Date()): Promise<number> {
  const current = new Map((await upcomingMeetings(trx, seriesId, now, 1000)).map((m) => [m.id, m]))
  let changed = 0
  for (const r of rows) {
    const m = current.get(r.eventId)
    if (!m) throw new Error(`event ${r.eventId} is not an upcoming meeting of series ${seriesId}`)
    if (m.speaker_name === r.speakerName && m.why_it_matters === r.whyItMatters) continue
    await setMeetingSpeaker(trx, r.eventId, r.speakerName, r.whyItMatters)
    changed++
  }
  return changed
}

/**
 * Rolls every series' horizon forward (the daily scheduled job): one transaction per series, so one bad rule
 * cannot hold back the others. Returns how many events it created.
 */
export async function materialiseAllSeries (db: Kysely<Database>, now = new Date()): Promise<number> {
  let created = 0
  for (const id of await allSeriesIds(db)) {
    created += await db.transaction().execute(async (trx) => {
      const series = await lockSeries(trx, id)
      return series ? materialiseSeries(trx, series, now) : 0
    })
  }
  return created
}
