import { sql, type Insertable, type Updateable } from 'kysely'
import type { Call, CallsTable, Db, Proposal, ProposalsTable, TalkTemplate, TemplateField } from '../../db/database.js'

/*
 * The SQL of calls for proposals: talk templates, calls and proposals. The services (calls.service.ts,
 * proposals.service.ts) decide what a change does; these functions only read and write. Every lookup by id
 * names the community (or the call) it must belong to, so an id from elsewhere finds nothing.
 */

export type NewCall = Insertable<CallsTable>
export type CallUpdate = Updateable<CallsTable>
export type NewProposal = Insertable<ProposalsTable>
export type ProposalUpdate = Updateable<ProposalsTable>

// ---- Talk templates

export async function listTemplates (db: Db, communityId: number): Promise<TalkTemplate[]> {
  return db.selectFrom('talk_templates').selectAll().where('community_id', '=', communityId).where('archived', '=', false)
    .orderBy('id').execute()
}

/** Inserts templates, skipping a name the community already has (two organizers opening the page at once). */
export async function insertTemplates (db: Db, communityId: number, templates: Array<{ name: string, description: string, fields: TemplateField[] }>): Promise<void> {
  if (!templates.length) return
  await db.insertInto('talk_templates')
    .values(templates.map((t) => ({ community_id: communityId, name: t.name, description: t.description, fields: JSON.stringify(t.fields) })))
    .onConflict((oc) => oc.constraint('talk_templates_community_name').doNothing())
    .execute()
}

export async function countTemplates (db: Db, communityId: number): Promise<number> {
  const row = await db.selectFrom('talk_templates').select((eb) => eb.fn.countAll<string>().as('n')).where('community_id', '=', communityId).executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function findTemplate (db: Db, communityId: number, id: number): Promise<TalkTemplate | undefined> {
  return db.selectFrom('talk_templates').selectAll().where('community_id', '=', communityId).where('id', '=', id).executeTakeFirst()
}

export async function updateTemplateRow (db: Db, id: number, changes: { name: string, description: string, fields: TemplateField[] }): Promise<void> {
  await db.updateTable('talk_templates')
    .set({ name: changes.name, description: changes.description, fields: JSON.stringify(changes.fields), updated_at: new Date() })
    .where('id', '=', id).execute()
}

/** Whether another template of the community has this name. */
export async function templateNameTaken (db: Db, communityId: number, name: string, exceptId: number): Promise<boolean> {
  const row = await db.selectFrom('talk_templates').select('id').where('community_id', '=', communityId).where('name', '=', name)
    .where('id', '<>', exceptId).executeTakeFirst()
  return Boolean(row)
}

// ---- Calls

export async function insertCall (db: Db, values: NewCall): Promise<Call> {
  return db.insertInto('calls').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function updateCallRow (db: Db, id: number, changes: CallUpdate): Promise<void> {
  await db.updateTable('calls').set({ ...changes, updated_at: new Date() }).where('id', '=', id).execute()
}

export async function findCall (db: Db, communityId: number, id: number): Promise<Call | undefined> {
  return db.selectFrom('calls').selectAll().where('community_id', '=', communityId).where('id', '=', id).executeTakeFirst()
}

/** The call, locked for the rest of the transaction (proposals to it are counted against its cap). */
export async function lockCall (db: Db, id: number): Promise<Call | undefined> {
  return db.selectFrom('calls').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

/** What a call is on: its event's or series' title. */
const targetTitle = sql<string>`coalesce((select e.title from events e where e.id = calls.event_id), (select s.title from series s where s.id = calls.series_id), '')`

/** Every call of a community, newest first, with what it is on and its proposals counted by state. */
export async function listCallsWithCounts (db: Db, communityId: number) {
  return db.selectFrom('calls')
    .select(['calls.id', 'calls.title', 'calls.opens_at', 'calls.closes_at', 'calls.time_zone', 'calls.event_id', 'calls.series_id'])
    .select(targetTitle.as('target_title'))
    .select(sql<number>`(select count(*)::int from proposals p where p.call_id = calls.id and p.state = 'draft')`.as('drafts'))
    .select(sql<number>`(select count(*)::int from proposals p where p.call_id = calls.id and p.state = 'submitted')`.as('submitted'))
    .select(sql<number>`(select count(*)::int from proposals p where p.call_id = calls.id and p.state = 'withdrawn')`.as('withdrawn'))
    .where('community_id', '=', communityId)
    .orderBy('calls.closes_at', 'desc').orderBy('calls.id', 'desc')
    .execute()
}

/** The calls of a community members may see at `now` (opened, not closed), soonest closing first. */
export async function listOpenCalls (db: Db, communityId: number, now: Date) {
  return db.selectFrom('calls').select(['calls.id', 'calls.title', 'calls.closes_at', 'calls.time_zone'])
    .select(targetTitle.as('target_title'))
    .where('community_id', '=', communityId).where('opens_at', '<=', now).where('closes_at', '>', now)
    .orderBy('closes_at').orderBy('id').execute()
}

/**
 * The calls on an event or on its series, soonest closing first (open or not: the page picks by the time it is
 * shown, so the list can be cached). At most 10: more than a handful on one event is a mistake.
 */
export async function listCallsOn (db: Db, eventId: number, seriesId: number | null): Promise<Array<Pick<Call, 'id' | 'title' | 'opens_at' | 'closes_at' | 'time_zone'>>> {
  return db.selectFrom('calls').select(['id', 'title', 'opens_at', 'closes_at', 'time_zone'])
    .where((eb) => seriesId === null ? eb('event_id', '=', eventId) : eb.or([eb('event_id', '=', eventId), eb('series_id', '=', seriesId)]))
    .orderBy('closes_at').orderBy('id').limit(10).execute()
}

/** The community's events and series a call can be on: upcoming events (not cancelled) and every series. */
export async function callTargets (db: Db, communityId: number, now: Date) {
  const [events, series] = await Promise.all([
    db.selectFrom('events').select(['id', 'title', 'starts_at', 'time_zone']).where('community_id', '=', communityId)
      .where('series_id', 'is', null).where('status', '<>', 'cancelled').where('ends_at', '>', now).orderBy('starts_at').limit(200).execute(),
    db.selectFrom('series').select(['id', 'title', 'time_zone']).where('community_id', '=', communityId).orderBy('title').execute()
  ])
  return { events, series }
}

/** An event or series of the community, with its zone (what a call is on). */
export async function findTarget (db: Db, communityId: number, kind: 'event' | 'series', id: number): Promise<{ id: number, title: string, time_zone: string } | undefined> {
  const table = kind === 'event' ? 'events' : 'series'
  return db.selectFrom(table).select(['id', 'title', 'time_zone']).where('community_id', '=', communityId).where('id', '=', id).executeTakeFirst()
}

// ---- Proposals

export async function insertProposal (db: Db, values: NewProposal): Promise<Proposal> {
  return db.insertInto('proposals').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function updateProposalRow (db: Db, id: number, changes: ProposalUpdate): Promise<void> {
  await db.updateTable('proposals').set({ ...changes, updated_at: new Date() }).where('id', '=', id).execute()
}

export async function findProposal (db: Db, callId: number, id: number): Promise<Proposal | undefined> {
  return db.selectFrom('proposals').selectAll().where('call_id', '=', callId).where('id', '=', id).executeTakeFirst()
}

/** A member's proposals to a call that count against its cap (all but withdrawn ones), other than `exceptId`. */
export async function countActiveProposals (db: Db, callId: number, memberId: number, exceptId: number | null): Promise<number> {
  let q = db.selectFrom('proposals').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('call_id', '=', callId).where('submitter_id', '=', memberId).where('state', '<>', 'withdrawn')
  if (exceptId !== null) q = q.where('id', '<>', exceptId)
  return Number((await q.executeTakeFirstOrThrow()).n)
}

/** A member's proposals in a community, newest first, with their call. */
export async function listMemberProposals (db: Db, communityId: number, memberId: number) {
  return db.selectFrom('proposals').innerJoin('calls', 'calls.id', 'proposals.call_id')
    .select(['proposals.id', 'proposals.call_id', 'proposals.title', 'proposals.state', 'proposals.format', 'proposals.decision',
      'proposals.submitted_at', 'proposals.updated_at', 'proposals.decision_mailed_at', 'proposals.confirmation', 'calls.title as call_title', 'calls.closes_at', 'calls.time_zone', 'calls.decisions_released_at'])
    .where('calls.community_id', '=', communityId).where('proposals.submitter_id', '=', memberId)
    .orderBy('proposals.updated_at', 'desc').orderBy('proposals.id', 'desc').execute()
}

/** A call's proposals with their speaker, for its organizers. */
export async function listCallProposals (db: Db, callId: number) {
  return db.selectFrom('proposals').innerJoin('members', 'members.id', 'proposals.submitter_id')
    .select(['proposals.id', 'proposals.title', 'proposals.state', 'proposals.format', 'proposals.topic', 'proposals.affiliation',
      'proposals.first_time', 'proposals.wants_coaching', 'proposals.submitted_at', 'proposals.decision', 'proposals.confirmation',
      'members.full_name', 'members.agency'])
    .where('proposals.call_id', '=', callId)
    .orderBy(sql`case proposals.state when 'submitted' then 0 when 'draft' then 1 else 2 end`).orderBy('proposals.id').execute()
}

export async function findMemberName (db: Db, memberId: number) {
  return db.selectFrom('members').select(['id', 'full_name', 'agency']).where('id', '=', memberId).executeTakeFirst()
}
