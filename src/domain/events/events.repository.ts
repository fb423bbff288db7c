import { DateTime } from 'luxon'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import { sql } from 'kysely'
import type { Db, Event, EventKind, EventStatus, EventUpdate, NewEvent, Rsvp, RsvpStatus } from '../../db/database.js'

export type EventMode = 'in-person' | 'online'

export interface EventFilters {
  kind?: EventKind
  region?: string
  mode?: EventMode
  /** ISO dates (YYYY-MM-DD), inclusive, as days in `zone` (the viewer's; default UTC). */
  from?: string
  to?: string
  zone?: string
}

/** The longest an event may last (a check in migrations/2026-11-25T1000_events.ts; the event form says so). */
export const MAX_EVENT_DAYS = 31

/**
 * Events that have not ended by `now` started after this: the bound lets "upcoming" queries read a range of the
 * (community_id, starts_at) index instead of every past event too.
 */
export function startedAfterBound (now: Date): Date {
  return new Date(now.getTime() - MAX_EVENT_DAYS * 86_400_000)
}

/** Midnight starting the day `iso` in `zone`, as an instant. */
function dayStart (iso: string, zone = 'UTC'): Date {
  return DateTime.fromISO(iso, { zone }).startOf('day').toJSDate()
}

export async function findEventById (db: Db, id: number): Promise<Event | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findEvent (db: Db, communityId: number, id: number): Promise<Event | undefined> {
  return db.selectFrom('events').selectAll().where('community_id', '=', communityId).where('id', '=', id).executeTakeFirst()
}

/** The community's event as the viewer may see it: drafts exist only for organizers (and site admins). */
export async function findVisibleEvent (db: Db, communityId: number, id: number, canOrganize: boolean): Promise<Event | undefined> {
  const event = await findEvent(db, communityId, id)
  return event && (event.status !== 'draft' || canOrganize) ? event : undefined
}

export interface PersonRow { id: number, full_name: string, agency: string }

/** What the event page shows every member (see `findEventPage`); the viewer's own answer is `findMyRsvp`. */
export interface EventPage {
  event: Event
  hosts: PersonRow[]
  /** Going and listed, by name (at most 500). */
  going: PersonRow[]
  counts: Record<RsvpStatus, number>
  /** Whether the event has a published agenda session (the page links to the agenda). */
  hasAgenda: boolean
}

export type MyRsvp = Pick<Rsvp, 'id' | 'status' | 'listed' | 'accessibility_needs' | 'dietary_needs' | 'waitlisted_at'>

/**
 * The event page in one query: the event, its RSVP counts, its hosts, who's going (listed) and whether it has a
 * published agenda (agenda_sessions tell the read cache when they change). Undefined when
 * there is no such event; the caller checks its community and status.
 */
export async function findEventPage (db: Db, id: number): Promise<EventPage | undefined> {
  const row = await db.selectFrom('events')
    .innerJoinLateral((eb) => eb.selectFrom('rsvps').select((e2) => [
      e2.fn.countAll<number>().filterWhere('rsvps.status', '=', 'going').as('n_going'),
      e2.fn.countAll<number>().filterWhere('rsvps.status', '=', 'maybe').as('n_maybe'),
      e2.fn.countAll<number>().filterWhere('rsvps.status', '=', 'declined').as('n_declined'),
      e2.fn.countAll<number>().filterWhere('rsvps.status', '=', 'waitlisted').as('n_waitlisted')
    ]).whereRef('rsvps.event_id', '=', 'events.id').as('c'), (join) => join.onTrue())
    .selectAll('events')
    .select(['c.n_going', 'c.n_maybe', 'c.n_declined', 'c.n_waitlisted'])
    .select((eb) => [
      jsonArrayFrom(eb.selectFrom('event_hosts').innerJoin('members', 'members.id', 'event_hosts.member_id')
        .select(['members.id', 'members.full_name', 'members.agency'])
        .whereRef('event_hosts.event_id', '=', 'events.id').orderBy('members.full_name')).as('hosts'),
      jsonArrayFrom(eb.selectFrom('rsvps').innerJoin('members', 'members.id', 'rsvps.member_id')
        .select(['members.id', 'members.full_name', 'members.agency'])
        .whereRef('rsvps.event_id', '=', 'events.id').where('rsvps.status', '=', 'going').where('rsvps.listed', '=', true)
        .orderBy('members.full_name').limit(500)).as('going'),
      eb.exists(eb.selectFrom('agenda_sessions').select('agenda_sessions.id')
        .whereRef('agenda_sessions.event_id', '=', 'events.id').where('agenda_sessions.published', '=', true)).as('has_agenda')
    ])
    .where('events.id', '=', id)
    .executeTakeFirst()
  if (!row) return undefined
  const { n_going: going, n_maybe: maybe, n_declined: declined, n_waitlisted: waitlisted, hosts, going: goingList, has_agenda: hasAgenda, ...event } = row
  return {
    event,
    hosts,
    going: goingList,
    counts: { going: Number(going), maybe: Number(maybe), declined: Number(declined), waitlisted: Number(waitlisted) },
    hasAgenda: Boolean(hasAgenda)
  }
}

/** The member's own RSVP to the event, if any. */
export async function findMyRsvp (db: Db, eventId: number, memberId: number): Promise<MyRsvp | undefined> {
  return db.selectFrom('rsvps').select(['id', 'status', 'listed', 'accessibility_needs', 'dietary_needs', 'waitlisted_at'])
    .where('event_id', '=', eventId).where('member_id', '=', memberId).executeTakeFirst()
}

/** Locks the event's row until the transaction ends: every seat decision for the event goes through this. */
export async function lockEvent (db: Db, id: number): Promise<Event | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

/** Deletes the event if it is still a draft; true when it was. Its hosts go with it (cascade). */
export async function deleteDraftEvent (db: Db, id: number): Promise<boolean> {
  const r = await db.deleteFrom('events').where('id', '=', id).where('status', '=', 'draft').executeTakeFirst()
  return Number(r.numDeletedRows) === 1
}

export async function insertEvent (db: Db, values: NewEvent): Promise<Event> {
  return db.insertInto('events').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function updateEventRow (db: Db, id: number, changes: EventUpdate): Promise<Event> {
  return db.updateTable('events').set({ ...changes, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/**
 * A page of the community's events: `upcoming` (not ended, soonest first) or `past` (ended, latest first),
 * with the number going. Members see published and cancelled events; organizers also drafts.
 */
export async function listEvents (db: Db, communityId: number, now: Date, opts: { when?: 'upcoming' | 'past', filters?: EventFilters, includeDrafts?: boolean, publishedOnly?: boolean, limit?: number, offset?: number } = {}) {
  const f = opts.filters ?? {}
  const past = opts.when === 'past'
  let q = db.selectFrom('events')
    .select(['id', 'title', 'kind', 'summary', 'starts_at', 'ends_at', 'time_zone', 'venue_name', 'online_url', 'region', 'status', 'capacity', 'series_id',
      'recording_url', 'live_transcript_url'])
    .select((eb) => eb.selectFrom('rsvps').select((e2) => e2.fn.countAll<number>().as('n'))
      .whereRef('rsvps.event_id', '=', 'events.id').where('rsvps.status', '=', 'going').as('going_count'))
    .where('community_id', '=', communityId)
    .where('ends_at', past ? '<=' : '>', now)
    .where('starts_at', past ? '<' : '>', past ? now : startedAfterBound(now))
  if (opts.publishedOnly) q = q.where('status', '=', 'published')
  else if (!opts.includeDrafts) q = q.where('status', '!=', 'draft')
  if (f.kind) q = q.where('kind', '=', f.kind)
  if (f.region) q = q.where('region', '=', f.region)
  if (f.mode === 'in-person') q = q.where('venue_name', 'is not', null)
  if (f.mode === 'online') q = q.where('online_url', 'is not', null)
  if (f.from) q = q.where('starts_at', '>=', dayStart(f.from, f.zone))
  if (f.to) q = q.where('starts_at', '<', DateTime.fromJSDate(dayStart(f.to, f.zone)).plus({ days: 1 }).toJSDate())
  q = q.orderBy('starts_at', past ? 'desc' : 'asc').orderBy('id', past ? 'desc' : 'asc').limit(opts.limit ?? 200)
  if (opts.offset) q = q.offset(opts.offset)
  return q.execute()
}

/**
 * Upcoming online or hybrid events (drafts too) with no live-transcript (captions) link, soonest first: the
 * organizers' list of captions still to arrange. A series' meetings are one line (`series_id` set, `meetings`
 * how many, `title` the series' title, `id` its soonest meeting); a one-off event is a line of its own. One
 * statement.
 */
export async function listLackingCaptions (db: Db, communityId: number, now: Date, limit = 20) {
  return db.selectFrom('events').leftJoin('series', 'series.id', 'events.series_id')
    .select([
      'events.series_id',
      sql<number>`min(events.id)`.as('id'),
      sql<string>`coalesce(min(series.title), min(events.title))`.as('title'),
      sql<Date>`min(events.starts_at)`.as('starts_at'),
      sql<string>`min(events.time_zone)`.as('time_zone'),
      sql<EventStatus>`case when bool_and(events.status = 'draft') then 'draft' else 'published' end`.as('status'),
      sql<number>`count(*)::int`.as('meetings')
    ])
    .where('events.community_id', '=', communityId).where('events.starts_at', '>', startedAfterBound(now)).where('events.ends_at', '>', now)
    .where('events.status', '!=', 'cancelled')
    .where('events.online_url', 'is not', null).where('events.live_transcript_url', 'is', null)
    .groupBy(['events.series_id', sql`case when events.series_id is null then events.id end`])
    .orderBy(sql`min(events.starts_at)`).orderBy(sql`min(events.id)`).limit(limit).execute()
}

/**
 * The regions the community's upcoming events are in (for the filter): only events that have not ended (as
 * `listEvents`), so past years of events are not read on every visit.
 */
export async function listRegions (db: Db, communityId: number, now = new Date(), opts: { includeDrafts?: boolean } = {}): Promise<string[]> {
  let q = db.selectFrom('events').select('region').distinct()
    .where('community_id', '=', communityId).where('starts_at', '>', startedAfterBound(now)).where('ends_at', '>', now).where('region', 'is not', null)
  if (!opts.includeDrafts) q = q.where('status', '!=', 'draft')
  const rows = await q.orderBy('region').execute()
  return rows.map((r) => r.region!)
}

export async function setHosts (db: Db, eventId: number, memberIds: number[]): Promise<void> {
  await db.deleteFrom('event_hosts').where('event_id', '=', eventId).execute()
  if (memberIds.length) {
    await db.insertInto('event_hosts').values([...new Set(memberIds)].map((member_id) => ({ event_id: eventId, member_id }))).execute()
  }
}

export async function listHosts (db: Db, eventId: number) {
  return db.selectFrom('event_hosts').innerJoin('members', 'members.id', 'event_hosts.member_id')
    .select(['members.id', 'members.full_name', 'members.agency'])
    .where('event_hosts.event_id', '=', eventId).orderBy('members.full_name').execute()
}

/** Those of `ids` who are members of the community in good standing (not suspended), by name (host checkboxes; ids may come from a posted form). */
export async function listMembersAmong (db: Db, communityId: number, ids: number[]): Promise<{ id: number, full_name: string, agency: string }[]> {
  if (!ids.length) return []
  return db.selectFrom('members').innerJoin('memberships', 'memberships.member_id', 'members.id')
    .select(['members.id', 'members.full_name', 'members.agency'])
    .where('memberships.community_id', '=', communityId).where('memberships.suspended_at', 'is', null)
    .where('members.id', 'in', [...new Set(ids)])
    .orderBy('members.full_name').execute()
}

/** The member of the community (not suspended) with this (normalised) address: the host form's "add by email". */
export async function findMemberByEmail (db: Db, communityId: number, email: string): Promise<{ id: number } | undefined> {
  return db.selectFrom('members').innerJoin('memberships', 'memberships.member_id', 'members.id')
    .select('members.id').where('memberships.community_id', '=', communityId).where('memberships.suspended_at', 'is', null)
    .where('members.email', '=', email).executeTakeFirst()
}
