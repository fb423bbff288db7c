import { sql, type ExpressionBuilder, type Insertable, type Updateable } from 'kysely'
import type { Database, Db, Event, EventUpdate, NewEvent, Series, SeriesSchedule, SeriesSchedulesTable, SeriesTable } from '../../db/database.js'

/*
 * The SQL of series: their rows and hosts, and the events that are their meetings. The services
 * (series.service.ts, series-changes.ts) decide what a change does; these functions only read and write.
 */

export type NewSeries = Insertable<SeriesTable>
export type SeriesUpdate = Updateable<SeriesTable>

export async function insertSeries (db: Db, values: NewSeries): Promise<Series> {
  return db.insertInto('series').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function updateSeriesRow (db: Db, id: number, changes: SeriesUpdate): Promise<Series> {
  return db.updateTable('series').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/** Records a schedule the series had (before a change "from this meeting on"). */
export async function insertScheduleHistory (db: Db, values: Insertable<SeriesSchedulesTable>): Promise<void> {
  await db.insertInto('series_schedules').values(values).execute()
}

/** Changes when a past schedule ended (a later change from an earlier meeting). */
export async function updateScheduleHistory (db: Db, id: number, changes: { rrule: string, until_local: string, last_local: string | null }): Promise<void> {
  await db.updateTable('series_schedules').set(changes).where('id', '=', id).execute()
}

/** Drops a schedule that never applied (a later change started before it). */
export async function deleteScheduleHistory (db: Db, id: number): Promise<void> {
  await db.deleteFrom('series_schedules').where('id', '=', id).execute()
}

/** The schedules a series had before its current one, oldest first. */
export async function scheduleHistory (db: Db, seriesId: number): Promise<SeriesSchedule[]> {
  return db.selectFrom('series_schedules').selectAll().where('series_id', '=', seriesId).orderBy('id').execute()
}

/** Every series of a community (for the scheduled job's horizon roll). */
export async function listSeries (db: Db, communityId: number) {
  return db.selectFrom('series').selectAll().where('community_id', '=', communityId).orderBy('title').execute()
}

/**
 * The community's series for the organizers' list, by title: each with its next meeting not cancelled (id, start,
 * zone; null when none) and how many meetings not cancelled are still to start. One statement.
 */
export async function listSeriesSummaries (db: Db, communityId: number, now: Date) {
  const upcoming = (eb: ExpressionBuilder<Database, 'series'>) => eb.selectFrom('events')
    .whereRef('events.series_id', '=', 'series.id').where('events.starts_at', '>', now).where('events.status', '!=', 'cancelled')
  return db.selectFrom('series')
    .select(['series.id', 'series.title', 'series.kind', 'series.rrule', 'series.dtstart_local', 'series.time_zone'])
    .select((eb) => upcoming(eb).select((e) => e.fn.countAll<string>().as('n')).as('upcoming_count'))
    .select((eb) => upcoming(eb).select('events.id').orderBy('events.starts_at').orderBy('events.id').limit(1).as('next_id'))
    .select((eb) => upcoming(eb).select('events.starts_at').orderBy('events.starts_at').orderBy('events.id').limit(1).as('next_starts_at'))
    .select((eb) => upcoming(eb).select('events.time_zone').orderBy('events.starts_at').orderBy('events.id').limit(1).as('next_time_zone'))
    .where('series.community_id', '=', communityId).orderBy('series.title').orderBy('series.id').execute()
}

export async function findSeries (db: Db, communityId: number, id: number): Promise<Series | undefined> {
  return db.selectFrom('series').selectAll().where('community_id', '=', communityId).where('id', '=', id).executeTakeFirst()
}

/** A series, locked for the rest of the transaction. */
export async function lockSeries (db: Db, id: number): Promise<Series | undefined> {
  return db.selectFrom('series').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

/** The ids of every series, in order. */
export async function allSeriesIds (db: Db): Promise<number[]> {
  return (await db.selectFrom('series').select('id').orderBy('id').execute()).map((s) => s.id)
}

export async function seriesHostIds (db: Db, seriesId: number): Promise<number[]> {
  return (await db.selectFrom('series_hosts').select('member_id').where('series_id', '=', seriesId).execute()).map((h) => h.member_id)
}

export async function addSeriesHosts (db: Db, seriesId: number, memberIds: number[]): Promise<void> {
  if (memberIds.length) await db.insertInto('series_hosts').values(memberIds.map((member_id) => ({ series_id: seriesId, member_id }))).execute()
}

/**
 * Sets the series' hosts, and the hosts of its future meetings that were not edited on their own and are not
 * cancelled. Past meetings keep theirs.
 */
export async function setSeriesHosts (trx: Db, seriesId: number, hostIds: number[], now = new Date()): Promise<void> {
  const ids = [...new Set(hostIds)]
  await trx.deleteFrom('series_hosts').where('series_id', '=', seriesId).execute()
  await addSeriesHosts(trx, seriesId, ids)
  const events = await trx.selectFrom('events').select('id')
    .where('series_id', '=', seriesId).where('starts_at', '>', now)
    .where('edited_individually', '=', false).where('status', '!=', 'cancelled').execute()
  if (!events.length) return
  const eventIds = events.map((e) => e.id)
  await trx.deleteFrom('event_hosts').where('event_id', 'in', eventIds).execute()
  if (ids.length) await trx.insertInto('event_hosts').values(eventIds.flatMap((event_id) => ids.map((member_id) => ({ event_id, member_id })))).execute()
}

/**
 * Inserts meetings of a series, skipping any whose occurrence key it already has (even moved or cancelled), and
 * gives the new ones the series' hosts. Returns the ids of the meetings created.
 */
export async function insertOccurrences (trx: Db, rows: NewEvent[]): Promise<number[]> {
  if (!rows.length) return []
  const ids = (await trx.insertInto('events').values(rows)
    .onConflict((oc) => oc.columns(['series_id', 'occurrence_key']).doNothing()).returning('id').execute()).map((r) => r.id)
  if (ids.length) {
    await trx.insertInto('event_hosts')
      .columns(['event_id', 'member_id'])
      .expression((eb) => eb.selectFrom('series_hosts')
        .innerJoin('events', (j) => j.onRef('events.series_id', '=', 'series_hosts.series_id'))
        .select(['events.id', 'series_hosts.member_id'])
        .where('events.id', 'in', ids))
      .execute()
  }
  return ids
}

/** Future meetings of the series that follow it (not edited on their own, not cancelled), locked, in id order. */
export async function lockFollowingOccurrences (trx: Db, seriesId: number, now: Date): Promise<Event[]> {
  return trx.selectFrom('events').selectAll()
    .where('series_id', '=', seriesId).where('starts_at', '>', now)
    .where('edited_individually', '=', false).where('status', '!=', 'cancelled')
    .orderBy('id').forUpdate().execute()
}

/**
 * Gives these meetings new content and a length of `durationMinutes` from their start; their sequence goes up.
 * A meeting given its own "why this matters" (it differs from the series' `previousWhy`) keeps it.
 */
export async function updateOccurrencesContent (trx: Db, ids: number[], content: EventUpdate & { why_it_matters: string }, durationMinutes: number, previousWhy: string): Promise<void> {
  await trx.updateTable('events').set({
    ...content,
    why_it_matters: sql<string>`case when why_it_matters = ${previousWhy} then ${content.why_it_matters} else why_it_matters end`,
    ends_at: sql<Date>`starts_at + make_interval(mins => ${durationMinutes})`,
    sequence: sql<number>`sequence + 1`,
    updated_at: new Date()
  }).where('id', 'in', ids).execute()
}

/** Updates one meeting and returns it. */
export async function updateOccurrence (trx: Db, id: number, changes: EventUpdate): Promise<Event> {
  return trx.updateTable('events').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/** A meeting of the series, or undefined. */
export async function findOccurrence (db: Db, seriesId: number, eventId: number): Promise<Event | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', eventId).where('series_id', '=', seriesId).executeTakeFirst()
}

/** A meeting of the series that has not started yet, or undefined. */
export async function upcomingOccurrence (db: Db, seriesId: number, eventId: number, now = new Date()): Promise<Event | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', eventId).where('series_id', '=', seriesId)
    .where('starts_at', '>', now).executeTakeFirst()
}

/** Meetings of the series from occurrence key `fromKey` on that have not started, locked, in start order. */
export async function lockLaterOccurrences (trx: Db, seriesId: number, fromKey: string, now: Date): Promise<Event[]> {
  return trx.selectFrom('events').selectAll()
    .where('series_id', '=', seriesId).where('occurrence_key', '>=', fromKey).where('starts_at', '>', now)
    .orderBy('starts_at').orderBy('id').forUpdate().execute()
}

/** The next meetings of a series not cancelled and not started, in start order (the speakers form). */
export async function upcomingMeetings (db: Db, seriesId: number, now: Date, limit: number) {
  return db.selectFrom('events').select(['id', 'starts_at', 'time_zone', 'speaker_name', 'why_it_matters', 'edited_individually', 'proposal_id'])
    .where('series_id', '=', seriesId).where('starts_at', '>', now).where('status', '!=', 'cancelled')
    .orderBy('starts_at').orderBy('id').limit(limit).execute()
}

/** Sets one meeting's speaker and why it matters (its own: the meeting stays with the series). */
export async function setMeetingSpeaker (trx: Db, eventId: number, speakerName: string | null, whyItMatters: string): Promise<void> {
  await trx.updateTable('events').set({ speaker_name: speakerName, why_it_matters: whyItMatters, updated_at: new Date() }).where('id', '=', eventId).execute()
}

/** Meetings of a series that have not ended, with the number going and what the series page flags (and warns of). */
export async function listUpcomingOccurrences (db: Db, seriesId: number, now: Date, limit: number) {
  return db.selectFrom('events')
    .select(['id', 'title', 'starts_at', 'ends_at', 'time_zone', 'status', 'edited_individually', 'online_url', 'venue_name', 'kind', 'speaker_name', 'why_it_matters'])
    // Counted over every meeting not ended, before the limit: how many upcoming online ones lack a captions link.
    .select(sql<number>`(count(*) filter (where online_url is not null and live_transcript_url is null and status <> 'cancelled' and starts_at > ${now}) over ())::int`.as('lacking_captions'))
    .select((eb) => eb.exists(eb.selectFrom('event_hosts').select('event_hosts.member_id').whereRef('event_hosts.event_id', '=', 'events.id')).as('has_host'))
    .select((eb) => eb.selectFrom('rsvps').select((e2) => e2.fn.countAll<number>().as('n'))
      .whereRef('rsvps.event_id', '=', 'events.id').where('rsvps.status', '=', 'going').as('going_count'))
    .where('series_id', '=', seriesId).where('ends_at', '>', now)
    .orderBy('starts_at').limit(limit).execute()
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
