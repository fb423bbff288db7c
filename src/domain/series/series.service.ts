import { sql, type Kysely } from 'kysely'
import { DateTime } from 'luxon'
import type { Database, Db, EventKind, Series } from '../../db/database.js'
import { isClockTime, isIsoDate, str } from '../../lib/forms.js'
import type { PlaceInput } from '../events/events.service.js'
import { readCommonFields, type FormValues } from '../../forms/place-fields.js'
import { lockEvent } from '../events/events.repository.js'
import { eventChanges, notifyEventChanged } from '../invites/invites.service.js'
import { fillFromWaitlist } from '../rsvps/rsvps.service.js'
import { buildRule, expand, localToInstant, type RulePattern } from './recurrence.js'
import { isValidZone } from '../../lib/time-zones.js'

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

/** Reads the simple series form (pattern, every N, first date, time, zone, length) into an RRULE. */
export function readSeriesForm (body: unknown): { values: FormValues, errors: Record<string, string>, input?: SeriesInput } {
  const values: FormValues = {}
  const errors: Record<string, string> = {}
  const common = readCommonFields(body, values, errors)
  const pattern = str(body, 'pattern') as RulePattern
  const interval = str(body, 'interval', 3) || '1'
  const firstDate = str(body, 'first_date', 10)
  const startTime = str(body, 'start_time', 5)
  const duration = str(body, 'duration_minutes', 5)
  const timeZone = str(body, 'time_zone', 100)
  const publish = str(body, 'publish') !== 'no'
  Object.assign(values, { pattern, interval, first_date: firstDate, start_time: startTime, duration_minutes: duration, time_zone: timeZone, publish: publish ? 'yes' : 'no' })
  if (!RULE_PATTERNS.some((p) => p.value === pattern)) errors.pattern = 'Choose how often the series meets.'
  if (!/^\d+$/.test(interval) || +interval < 1 || +interval > 12) errors.interval = 'Enter how many weeks or months apart, from 1 to 12.'
  if (!isIsoDate(firstDate)) errors.first_date = 'Enter the first date as YYYY-MM-DD.'
  if (!isClockTime(startTime)) errors.start_time = 'Enter the start time as HH:MM (24-hour).'
  if (!/^\d+$/.test(duration) || +duration < 5 || +duration > 24 * 60) errors.duration_minutes = 'Enter the length in minutes, from 5 to 1440.'
  if (!isValidZone(timeZone)) errors.time_zone = 'Choose a time zone, such as America/New_York.'
  if (Object.keys(errors).length) return { values, errors }
  return {
    values,
    errors,
    input: {
      ...common.place,
      kind: common.kind,
      title: common.title,
      summary: common.summary,
      whyItMatters: common.whyItMatters,
      durationMinutes: +duration,
      rrule: buildRule(pattern, +interval, firstDate),
      dtstartLocal: `${firstDate}T${startTime}`,
      timeZone,
      publishOccurrences: publish
    }
  }
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
  const series = await trx.insertInto('series').values({
    ...contentColumns(input),
    community_id: communityId,
    rrule: input.rrule,
    dtstart_local: input.dtstartLocal,
    time_zone: input.timeZone,
    duration_minutes: input.durationMinutes,
    publish_occurrences: input.publishOccurrences,
    created_by: creatorId
  }).returningAll().executeTakeFirstOrThrow()
  await trx.insertInto('series_hosts').values({ series_id: series.id, member_id: creatorId }).execute()
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
  const rows = await trx.insertInto('events').values(occurrences.map((o) => ({
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
  }))).onConflict((oc) => oc.columns(['series_id', 'occurrence_key']).doNothing()).returning('id').execute()
  if (rows.length) {
    await trx.insertInto('event_hosts')
      .columns(['event_id', 'member_id'])
      .expression((eb) => eb.selectFrom('series_hosts')
        .innerJoin('events', (j) => j.onRef('events.series_id', '=', 'series_hosts.series_id'))
        .select(['events.id', 'series_hosts.member_id'])
        .where('events.id', 'in', rows.map((r) => r.id)))
      .execute()
  }
  return rows.length
}

/** Every series of a community (for the scheduled job's horizon roll). */
export async function listSeries (db: Db, communityId: number) {
  return db.selectFrom('series').selectAll().where('community_id', '=', communityId).orderBy('title').execute()
}

export async function findSeries (db: Db, communityId: number, id: number) {
  return db.selectFrom('series').selectAll().where('community_id', '=', communityId).where('id', '=', id).executeTakeFirst()
}

/**
 * Edits what a series' occurrences say (title, texts, place, links, places, length). Applies to future
 * occurrences that were not edited on their own and are not cancelled; past ones and every RSVP stay as they
 * were. More places go to waitlisted members at once. Returns the number of occurrences updated.
 */
export async function editSeries (trx: Db, seriesId: number, content: SeriesContent, now = new Date()): Promise<number> {
  await trx.updateTable('series').set({ ...contentColumns(content), duration_minutes: content.durationMinutes, updated_at: new Date() })
    .where('id', '=', seriesId).execute()
  const targets = await trx.selectFrom('events').selectAll()
    .where('series_id', '=', seriesId).where('starts_at', '>', now)
    .where('edited_individually', '=', false).where('status', '!=', 'cancelled')
    .orderBy('id').forUpdate().execute()
  if (!targets.length) return 0
  const ids = targets.map((t) => t.id)
  await trx.updateTable('events').set({
    ...contentColumns(content),
    ends_at: sql<Date>`starts_at + make_interval(mins => ${content.durationMinutes})`,
    sequence: sql<number>`sequence + 1`,
    updated_at: new Date()
  }).where('id', 'in', ids).execute()
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
  return trx.updateTable('events').set({
    starts_at: startsAt, ends_at: endsAt, edited_individually: true, sequence: event.sequence + 1, updated_at: new Date()
  }).where('id', '=', eventId).returningAll().executeTakeFirstOrThrow()
}

/**
 * Upcoming occurrences of a series with the number going and what is missing (no host, no speaker, no join
 * link for a brown-bag).
 */
export async function seriesOccurrences (db: Db, seriesId: number, now = new Date(), limit = 24) {
  const rows = await db.selectFrom('events')
    .select(['id', 'title', 'starts_at', 'ends_at', 'time_zone', 'status', 'edited_individually', 'online_url', 'venue_name', 'kind', 'speaker_name'])
    .select((eb) => eb.exists(eb.selectFrom('event_hosts').select('event_hosts.member_id').whereRef('event_hosts.event_id', '=', 'events.id')).as('has_host'))
    .select((eb) => eb.selectFrom('rsvps').select((e2) => e2.fn.countAll<number>().as('n'))
      .whereRef('rsvps.event_id', '=', 'events.id').where('rsvps.status', '=', 'going').as('going_count'))
    .where('series_id', '=', seriesId).where('ends_at', '>', now)
    .orderBy('starts_at').limit(limit).execute()
  return rows.map((r) => ({
    ...r,
    flags: [
      ...(r.has_host ? [] : ['has no host']),
      ...(r.speaker_name ? [] : ['has no speaker']),
      ...(r.kind === 'brown-bag' && !r.online_url ? ['has no join link'] : [])
    ]
  }))
}

/**
 * Rolls every series' horizon forward (the daily scheduled job): one transaction per series, so one bad rule
 * cannot hold back the others. Returns how many events it created.
 */
export async function materialiseAllSeries (db: Kysely<Database>, now = new Date()): Promise<number> {
  let created = 0
  for (const { id } of await db.selectFrom('series').select('id').orderBy('id').execute()) {
    created += await db.transaction().execute(async (trx) => {
      const series = await trx.selectFrom('series').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
      return series ? materialiseSeries(trx, series, now) : 0
    })
  }
  return created
}
