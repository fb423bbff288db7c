import type { Db, Event, EventKind, EventUpdate, NewEvent } from '../../db/database.js'

export type EventMode = 'in-person' | 'online'

export interface EventFilters {
  kind?: EventKind
  region?: string
  mode?: EventMode
  /** ISO dates (YYYY-MM-DD), inclusive, compared in UTC. */
  from?: string
  to?: string
}

export async function findEvent (db: Db, communityId: number, id: number): Promise<Event | undefined> {
  return db.selectFrom('events').selectAll().where('community_id', '=', communityId).where('id', '=', id).executeTakeFirst()
}

/** Locks the event's row until the transaction ends: every seat decision for the event goes through this. */
export async function lockEvent (db: Db, id: number): Promise<Event | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export async function insertEvent (db: Db, values: NewEvent): Promise<Event> {
  return db.insertInto('events').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function updateEventRow (db: Db, id: number, changes: EventUpdate): Promise<Event> {
  return db.updateTable('events').set({ ...changes, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/**
 * Events that have not ended, soonest first, with the number going. Members see published and cancelled
 * events; organizers also drafts.
 */
export async function listUpcoming (db: Db, communityId: number, now: Date, opts: { filters?: EventFilters, includeDrafts?: boolean, publishedOnly?: boolean, limit?: number } = {}) {
  const f = opts.filters ?? {}
  let q = db.selectFrom('events')
    .select(['id', 'title', 'kind', 'summary', 'starts_at', 'ends_at', 'time_zone', 'venue_name', 'online_url', 'region', 'status', 'capacity', 'series_id'])
    .select((eb) => eb.selectFrom('rsvps').select((e2) => e2.fn.countAll<number>().as('n'))
      .whereRef('rsvps.event_id', '=', 'events.id').where('rsvps.status', '=', 'going').as('going_count'))
    .where('community_id', '=', communityId)
    .where('ends_at', '>', now)
  if (opts.publishedOnly) q = q.where('status', '=', 'published')
  else if (!opts.includeDrafts) q = q.where('status', '!=', 'draft')
  if (f.kind) q = q.where('kind', '=', f.kind)
  if (f.region) q = q.where('region', '=', f.region)
  if (f.mode === 'in-person') q = q.where('venue_name', 'is not', null)
  if (f.mode === 'online') q = q.where('online_url', 'is not', null)
  if (f.from) q = q.where('starts_at', '>=', new Date(`${f.from}T00:00:00Z`))
  if (f.to) q = q.where('starts_at', '<', new Date(new Date(`${f.to}T00:00:00Z`).getTime() + 86_400_000))
  return q.orderBy('starts_at').orderBy('id').limit(opts.limit ?? 200).execute()
}

/** The regions the community's upcoming events are in (for the filter). */
export async function listRegions (db: Db, communityId: number): Promise<string[]> {
  const rows = await db.selectFrom('events').select('region').distinct()
    .where('community_id', '=', communityId).where('region', 'is not', null).orderBy('region').execute()
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
