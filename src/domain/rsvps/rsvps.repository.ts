import { sql } from 'kysely'
import type { Db, Rsvp, RsvpStatus } from '../../db/database.js'

export async function findRsvp (db: Db, eventId: number, memberId: number): Promise<Rsvp | undefined> {
  return db.selectFrom('rsvps').selectAll().where('event_id', '=', eventId).where('member_id', '=', memberId).executeTakeFirst()
}

export async function currentLinkVersion (db: Db, eventId: number, memberId: number): Promise<number> {
  const row = await db.selectFrom('rsvp_link_versions').select('version')
    .where('event_id', '=', eventId).where('member_id', '=', memberId).executeTakeFirst()
  return row?.version ?? 0
}

/** Revokes every RSVP link of this member for this event made so far (rsvp-tokens.ts: the version is signed). */
export async function bumpLinkVersion (db: Db, eventId: number, memberId: number): Promise<void> {
  await db.insertInto('rsvp_link_versions').values({ event_id: eventId, member_id: memberId, version: 1 })
    .onConflict((oc) => oc.columns(['event_id', 'member_id']).doUpdateSet({
      version: sql<number>`rsvp_link_versions.version + 1`,
      updated_at: sql<Date>`now()`
    })).execute()
}

export async function countGoing (db: Db, eventId: number): Promise<number> {
  const row = await db.selectFrom('rsvps').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('event_id', '=', eventId).where('status', '=', 'going').executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The member's RSVP (if any) and the number going, in one round trip. */
export async function findRsvpAndCountGoing (db: Db, eventId: number, memberId: number): Promise<{ rsvp: Rsvp | undefined, going: number }> {
  const row = await db.selectFrom('events')
    .leftJoin('rsvps', (j) => j.onRef('rsvps.event_id', '=', 'events.id').on('rsvps.member_id', '=', memberId))
    .selectAll('rsvps')
    .select((eb) => eb.selectFrom('rsvps as g').select((e2) => e2.fn.countAll<number>().as('n'))
      .whereRef('g.event_id', '=', 'events.id').where('g.status', '=', 'going').as('going_count'))
    .where('events.id', '=', eventId).executeTakeFirst()
  if (!row) return { rsvp: undefined, going: 0 }
  const { going_count: going, ...rsvp } = row
  return { rsvp: rsvp.id === null ? undefined : rsvp as Rsvp, going: Number(going ?? 0) }
}

export interface RsvpWrite {
  eventId: number
  memberId: number
  status: RsvpStatus
  listed: boolean
  accessibilityNeeds: string | null
  dietaryNeeds: string | null
  /** Keep the member's place when they were already waitlisted; otherwise a new place at the end. */
  keepWaitlistPlace: boolean
  /** Queue the answer for its calendar mail (calendar_changes), in the same statement. */
  queueAnswerMail?: boolean
}

/** One row per (event, member): a second submit updates the first. Call with the event's row locked. */
export async function upsertRsvp (db: Db, w: RsvpWrite): Promise<Rsvp> {
  // clock_timestamp(), not now(): now() is when the transaction began, before it waited for the event lock.
  const waitlistedAt = w.status !== 'waitlisted'
    ? sql<Date | null>`null`
    : w.keepWaitlistPlace ? sql<Date>`coalesce(rsvps.waitlisted_at, clock_timestamp())` : sql<Date>`clock_timestamp()`
  const upsert = db.insertInto('rsvps').values({
    event_id: w.eventId,
    member_id: w.memberId,
    status: w.status,
    listed: w.listed,
    accessibility_needs: w.accessibilityNeeds,
    dietary_needs: w.dietaryNeeds,
    waitlisted_at: w.status === 'waitlisted' ? sql<Date>`clock_timestamp()` : null
  }).onConflict((oc) => oc.columns(['event_id', 'member_id']).doUpdateSet({
    status: w.status,
    listed: w.listed,
    accessibility_needs: w.accessibilityNeeds,
    dietary_needs: w.dietaryNeeds,
    waitlisted_at: waitlistedAt,
    updated_at: sql<Date>`clock_timestamp()`
  })).returningAll()
  if (!w.queueAnswerMail) return upsert.executeTakeFirstOrThrow()
  // One round trip for both: answering is the hottest write there is.
  return db.with('written', () => upsert)
    .with('queued', (qb) => qb.insertInto('calendar_changes').columns(['event_id', 'member_id', 'reason'])
      .expression((eb) => eb.selectFrom('written').select(['written.event_id', 'written.member_id', sql<'answer'>`'answer'`.as('reason')])))
    .selectFrom('written').selectAll().executeTakeFirstOrThrow()
}

export interface OneStatementAnswer {
  eventId: number
  /** When given, an event of another community is not answered. */
  communityId?: number
  memberId: number
  choice: 'going' | 'maybe' | 'declined'
  listed: boolean
  /** The needs the event asks about. Undefined: keep what the member said before; '' or null clears it. */
  accessibilityNeeds?: string | null
  dietaryNeeds?: string | null
  now: Date
}

/**
 * An answer to an event without a capacity, whole in one statement: there are no seats to count, so no lock to
 * wait for. The event row is share-locked in the statement (an edit or a cancellation waits for it, and it
 * re-checks a row that changed meanwhile), and the event must take this answer now: published, not ended,
 * within the RSVP window unless it is "can't go", of the community (the rules of `rsvpProblem`: change both
 * together; a rule stricter here only sends more answers the locked way). Undefined when it doesn't (or the event
 * has a capacity): the caller then takes the locked way, which says why. The stated needs are kept as
 * `answerUnderEventLock()` keeps them (only what the event asks; left out keeps the earlier one, empty clears it). The
 * answer goes on the calendar queue (calendar_changes) in the same statement, unless the event has ended by the
 * database's clock (`answerBringsMail` in rsvps.service.ts decides the same for the locked way).
 */
export async function answerWithoutCapacity (db: Db, a: OneStatementAnswer): Promise<{ status: RsvpStatus, previous: RsvpStatus | null } | undefined> {
  const given = (v: string | null | undefined) => v !== undefined
  const value = (v: string | null | undefined) => v || null
  const row = await sql<{ status: RsvpStatus, previous: RsvpStatus | null }>`
    with e as (
      select id, ask_accessibility, ask_dietary, ends_at from events
      where id = ${a.eventId} and (${a.communityId ?? null}::integer is null or community_id = ${a.communityId ?? null}::integer)
        and capacity is null and status = 'published' and ends_at > ${a.now}
        and (${a.choice} = 'declined' or ((rsvp_opens_at is null or rsvp_opens_at <= ${a.now}) and (rsvp_closes_at is null or rsvp_closes_at > ${a.now})))
      for share
    ),
    old as (select status from rsvps where event_id = ${a.eventId} and member_id = ${a.memberId}),
    written as (
      insert into rsvps (event_id, member_id, status, listed, accessibility_needs, dietary_needs, waitlisted_at)
      select e.id, ${a.memberId}, ${a.choice}, ${a.listed},
             case when e.ask_accessibility then ${value(a.accessibilityNeeds)}::text end,
             case when e.ask_dietary then ${value(a.dietaryNeeds)}::text end,
             null
      from e
      on conflict (event_id, member_id) do update set
        status = excluded.status,
        listed = excluded.listed,
        accessibility_needs = case when ${given(a.accessibilityNeeds)} then excluded.accessibility_needs
                                   when (select ask_accessibility from e) then rsvps.accessibility_needs end,
        dietary_needs = case when ${given(a.dietaryNeeds)} then excluded.dietary_needs
                             when (select ask_dietary from e) then rsvps.dietary_needs end,
        waitlisted_at = null,
        updated_at = clock_timestamp()
      returning event_id, member_id, status
    ),
    queued as (
      insert into calendar_changes (event_id, member_id, reason)
      select written.event_id, written.member_id, 'answer' from written, e where e.ends_at > now()
    )
    select written.status, (select status from old) as previous from written`.execute(db)
  return row.rows[0]
}

/** The earliest `n` waitlisted, in arrival order. */
export async function nextWaitlisted (db: Db, eventId: number, n: number) {
  return db.selectFrom('rsvps').innerJoin('members', 'members.id', 'rsvps.member_id')
    .select(['rsvps.id', 'rsvps.member_id', 'members.email', 'members.full_name'])
    .where('rsvps.event_id', '=', eventId).where('rsvps.status', '=', 'waitlisted')
    .orderBy('rsvps.waitlisted_at').orderBy('rsvps.id').limit(n).execute()
}

/**
 * A waitlisted member's place on the event's waitlist (1 = next to get a seat), in the order `nextWaitlisted`
 * promotes; null when they are not on it. Never cached: anyone ahead of them leaving moves it.
 */
export async function waitlistPlace (db: Db, eventId: number, memberId: number): Promise<number | null> {
  const row = await db.selectFrom('rsvps as mine')
    .select((eb) => eb.selectFrom('rsvps as ahead').select(eb.fn.countAll<number>().as('n'))
      .whereRef('ahead.event_id', '=', 'mine.event_id').where('ahead.status', '=', 'waitlisted')
      .where((w) => w.or([
        w('ahead.waitlisted_at', '<', w.ref('mine.waitlisted_at')),
        w.and([w('ahead.waitlisted_at', '=', w.ref('mine.waitlisted_at')), w('ahead.id', '<', w.ref('mine.id'))])
      ])).as('ahead'))
    .where('mine.event_id', '=', eventId).where('mine.member_id', '=', memberId).where('mine.status', '=', 'waitlisted')
    .executeTakeFirst()
  return row ? Number(row.ahead) + 1 : null
}

export async function markGoing (db: Db, rsvpIds: number[]): Promise<void> {
  if (!rsvpIds.length) return
  await db.updateTable('rsvps').set({ status: 'going', waitlisted_at: null, updated_at: sql<Date>`clock_timestamp()` })
    .where('id', 'in', rsvpIds).execute()
}

export async function countByStatus (db: Db, eventId: number): Promise<Record<RsvpStatus, number>> {
  const rows = await db.selectFrom('rsvps').select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('event_id', '=', eventId).groupBy('status').execute()
  const out: Record<RsvpStatus, number> = { going: 0, maybe: 0, declined: 0, waitlisted: 0 }
  for (const r of rows) out[r.status] = Number(r.n)
  return out
}

/** Everyone who answered, with their answer, stated needs and check-in: the organizers' attendee list. */
export async function listAttendees (db: Db, eventId: number) {
  return db.selectFrom('rsvps').innerJoin('members', 'members.id', 'rsvps.member_id')
    .leftJoin('check_ins', (j) => j.onRef('check_ins.event_id', '=', 'rsvps.event_id').onRef('check_ins.member_id', '=', 'rsvps.member_id'))
    .select(['members.id as member_id', 'members.full_name', 'members.agency', 'members.email', 'rsvps.status', 'rsvps.listed',
      'rsvps.accessibility_needs', 'rsvps.dietary_needs', 'rsvps.created_at', 'rsvps.waitlisted_at', 'check_ins.checked_in_at'])
    .where('rsvps.event_id', '=', eventId)
    .orderBy(sql`case rsvps.status when 'going' then 0 when 'waitlisted' then 1 when 'maybe' then 2 else 3 end`)
    .orderBy('rsvps.waitlisted_at').orderBy('members.full_name')
    .execute()
}

/**
 * The events the member answered in the communities they belong to (published or cancelled; drafts never),
 * upcoming (not ended at `now`, soonest first) or past (latest first), with their answer and, when waitlisted,
 * their place on the waitlist. One query.
 */
export async function listMyEvents (db: Db, memberId: number, now: Date, when: 'upcoming' | 'past', limit: number) {
  let q = db.selectFrom('rsvps')
    .innerJoin('events', 'events.id', 'rsvps.event_id')
    .innerJoin('communities', 'communities.id', 'events.community_id')
    .innerJoin('memberships', (j) => j.onRef('memberships.community_id', '=', 'events.community_id').on('memberships.member_id', '=', memberId))
    .select([
      'events.id', 'events.title', 'events.starts_at', 'events.ends_at', 'events.time_zone', 'events.status',
      'events.venue_name', 'events.online_url', 'communities.slug as community_slug', 'communities.name as community_name',
      'rsvps.status as rsvp_status'
    ])
    .select((eb) => eb.case().when('rsvps.status', '=', 'waitlisted').then(
      eb.selectFrom('rsvps as ahead').select(sql<number>`count(*) + 1`.as('n'))
        .whereRef('ahead.event_id', '=', 'rsvps.event_id').where('ahead.status', '=', 'waitlisted')
        .where((w) => w.or([
          w('ahead.waitlisted_at', '<', w.ref('rsvps.waitlisted_at')),
          w.and([w('ahead.waitlisted_at', '=', w.ref('rsvps.waitlisted_at')), w('ahead.id', '<', w.ref('rsvps.id'))])
        ]))
    ).else(null).end().as('waitlist_place'))
    .where('rsvps.member_id', '=', memberId)
    .where('events.status', '!=', 'draft')
  q = when === 'upcoming'
    ? q.where('events.ends_at', '>', now).orderBy('events.starts_at').orderBy('events.id')
    : q.where('events.ends_at', '<=', now).orderBy('events.starts_at', 'desc').orderBy('events.id', 'desc')
  return q.limit(limit).execute()
}

export type MyEventRow = Awaited<ReturnType<typeof listMyEvents>>[number]

/**
 * The member's answers that still hold a place or a plan — going, maybe, waitlisted — to published events that
 * have not ended, in one community or in all (`communityId` null): what leaving or deleting the account withdraws.
 */
export async function openAnswers (db: Db, memberId: number, communityId: number | null, now: Date) {
  let q = db.selectFrom('rsvps').innerJoin('events', 'events.id', 'rsvps.event_id')
    .select(['events.id', 'events.title', 'events.community_id', 'events.starts_at', 'events.time_zone', 'rsvps.status'])
    .where('rsvps.member_id', '=', memberId).where('rsvps.status', 'in', ['going', 'maybe', 'waitlisted'])
    .where('events.status', '=', 'published').where('events.ends_at', '>', now)
  if (communityId !== null) q = q.where('events.community_id', '=', communityId)
  return q.orderBy('events.starts_at').orderBy('events.id').execute()
}

/** Who answered the event with one of `statuses` (those going, the waitlist): the recipients of an organizer's message. */
export async function listAnswerers (db: Db, eventId: number, statuses: RsvpStatus[]) {
  return db.selectFrom('rsvps').innerJoin('members', 'members.id', 'rsvps.member_id')
    .select(['members.id', 'members.email', 'members.full_name'])
    .where('rsvps.event_id', '=', eventId).where('rsvps.status', 'in', statuses)
    .orderBy('members.id').execute()
}
