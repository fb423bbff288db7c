import { sql } from 'kysely'
import { CUSTOM_PLAN } from '../../db/connect.js'
import type { Db, Member, MemberUpdate, NewMember } from '../../db/database.js'

export async function findMemberByEmail (db: Db, email: string): Promise<Member | undefined> {
  return db.selectFrom('members').selectAll().where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).executeTakeFirst()
}

export async function findMemberById (db: Db, id: number): Promise<Member | undefined> {
  return db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertMember (db: Db, member: NewMember): Promise<Member> {
  return db.insertInto('members').values({ ...member, email: member.email.toLowerCase() }).returningAll().executeTakeFirstOrThrow()
}

export async function updateMember (db: Db, id: number, changes: MemberUpdate): Promise<void> {
  await db.updateTable('members').set({ ...changes, updated_at: new Date() }).where('id', '=', id).execute()
}

/** The communities of `memberId`; with `viewerId`, only those the viewer belongs to as well. */
export async function communitiesOf (db: Db, memberId: number, viewerId: number | null) {
  let q = db.selectFrom('memberships as m')
    .innerJoin('communities as c', 'c.id', 'm.community_id')
    .select(['c.id', 'c.slug', 'c.name'])
    .where('m.member_id', '=', memberId)
  if (viewerId !== null) {
    q = q.where((eb) => eb.exists(eb.selectFrom('memberships as v').select('v.id')
      .whereRef('v.community_id', '=', 'm.community_id').where('v.member_id', '=', viewerId)))
  }
  return q.orderBy('c.name').execute()
}

/** Escapes LIKE wildcards so that a search for "50%" finds "50%", not everything. */
function likePattern (q: string): string {
  return '%' + q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%'
}

/**
 * The words of a search as a tsquery text: each word a prefix ("ana" finds "analyst"), all required, optionally
 * limited to a weight ('C': "ask me about" and "can help with"). Only letters and digits reach to_tsquery, so
 * nothing typed can make a query that fails to parse. Empty when there are no words.
 */
export function tsqueryText (search: string, weight = ''): string {
  const words = search.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 8)
  return words.map((w) => `${w}:*${weight}`).join(' & ')
}

/** Where the directory looks: the members of one community, or of every community the viewer belongs to. */
export type DirectoryScope = { communityId: number } | { viewerId: number }

export interface DirectoryQuery {
  scope: DirectoryScope
  /** Free text: full-text search of what members may see, plus trigram similarity of the name. */
  search: string
  /** Part of the agency's name (case-insensitive). */
  agency: string
  /** A state or territory: regions in it ("Virginia", "Richmond, Virginia"). */
  state: string
  /** Part of one area of expertise (case-insensitive). */
  expertise: string
  /** Only this community (which the caller has checked the viewer shares), or null. */
  communityId: number | null
  /** Members of a shared community that holds a requirement of this name (case-insensitive), or ''. */
  requirement: string
  /** Words that must be in "ask me about" or "can help with". */
  help: string
  /** Who is looking (for the relation filter and the known-first order). */
  viewerId: number
  /** Only the viewer's connections made by meeting ('met': at an event, or not through an introduction) or through an introduction. */
  relation: '' | 'met' | 'introduced'
  /** The viewer's connections first, then the usual order. */
  knownFirst: boolean
  limit: number
  offset: number
}

/** A field of `p` (members) is shown to members who share a community (migrations/2026-12-05T1200_directory.ts). */
const shown = (field: string) => sql<boolean>`convene_member_field_shown(p.visibility, ${field})`

/**
 * The member `p` belongs (unsuspended) to a community in the scope, optionally one holding `requirement`. The
 * viewer's communities are an array worked out once (not a join), so that each candidate is one probe of
 * memberships by member: a join made the planner hash every membership of those communities on each search.
 */
function inScope (scope: DirectoryScope, communityId: number | null, requirement?: string) {
  return sql<boolean>`exists (select 1 from memberships m
    where m.member_id = p.id and m.suspended_at is null
    ${'viewerId' in scope ? sql`and m.community_id = any(array(select v.community_id from memberships v where v.member_id = ${scope.viewerId} and v.suspended_at is null))` : sql``}
    ${'communityId' in scope ? sql`and m.community_id = ${scope.communityId}` : sql``}
    ${communityId !== null ? sql`and m.community_id = ${communityId}` : sql``}
    ${requirement ? sql`and exists (select 1 from requirements r where r.community_id = m.community_id and lower(r.name) = ${requirement.toLowerCase()})` : sql``})`
}

/** The ids of the viewer's connections, optionally only those made by meeting or through an introduction. */
function connectionIds (viewerId: number, relation: '' | 'met' | 'introduced') {
  const how = relation === 'met' ? sql`and (c.event_id is not null or c.introduction_id is null)`
    : relation === 'introduced' ? sql`and c.introduction_id is not null` : sql``
  // Each side through its own index (connections_pair_key, connections_b_idx).
  return sql`select c.member_b from connections c where c.member_a = ${viewerId} ${how}
    union all select c.member_a from connections c where c.member_b = ${viewerId} ${how}`
}

/** At most this many matches of a search are ranked; past it the directory says "1,000+ members". */
export const RANK_CAP = 1000

/**
 * One page of the directory and the total: members in the scope matching every filter given, ranked by how well
 * the search matches (ts_rank_cd of the search document plus the name's trigram similarity), then by name and
 * id, so that both databases give the same order. Filters look only at fields the member shows to members.
 *
 * A search ranks only candidates found through the indexes — at most `rankCap` + 1 of the search document's
 * matches (the lowest ids) and as many of the names nearest the search — so that a broad word across a large
 * directory does not rank every match. With more matches than `rankCap`, `total` is the cap and `capped` is
 * true: the pages reach only the first `rankCap` of the ranking.
 */
export async function searchDirectory (db: Db, q: DirectoryQuery, rankCap = RANK_CAP): Promise<{ rows: DirectoryRow[], total: number, capped: boolean }> {
  const search = q.search.trim().toLowerCase()
  const tsq = tsqueryText(search)
  let base = db.selectFrom('members as p').where(inScope(q.scope, q.communityId))
  // A search matches the search document or the name's trigrams (either).
  const byDoc = sql<boolean>`p.search_doc @@ to_tsquery('simple', ${tsq})`
  const byName = sql<boolean>`lower(p.full_name) % ${search}`
  if (q.agency) base = base.where(shown('agency')).where(sql<boolean>`lower(p.agency) like ${likePattern(q.agency)}`)
  if (q.state) base = base.where(shown('region')).where((eb) => eb.or([eb('p.region', '=', q.state), eb('p.region', 'like', '%, ' + q.state.replace(/[\\%_]/g, (c) => '\\' + c))]))
  if (q.expertise) base = base.where(shown('expertise')).where(sql<boolean>`exists (select 1 from unnest(p.expertise) e where lower(e) like ${likePattern(q.expertise)})`)
  if (q.requirement) base = base.where(inScope(q.scope, null, q.requirement))
  const help = tsqueryText(q.help, 'C')
  if (help) base = base.where(sql<boolean>`p.search_doc @@ to_tsquery('simple', ${help})`)
  if (q.relation) base = base.where(sql<boolean>`p.id in (${connectionIds(q.viewerId, q.relation)})`)

  const matching = search ? base.where(tsq ? sql<boolean>`(${byDoc} or ${byName})` : byName) : base
  const columns = ['p.id', 'p.full_name', 'p.pronouns', 'p.agency', 'p.job_title', 'p.region', 'p.expertise', 'p.ask_me_about', 'p.can_help_with', 'p.visibility'] as const
  const count = async () => Number((await matching.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  const known = sql<boolean>`p.id in (${connectionIds(q.viewerId, '')})`
  if (!search && q.knownFirst) {
    // Sorting the whole scope with connections first would read every member of it: instead, the connections
    // (few) by name, then the others by name, each a page by the name index.
    const byName = <T extends typeof matching>(x: T) => x.select([...columns]).orderBy(sql`lower(p.full_name) collate "C"`).orderBy('p.id')
    const [knownTotal, total] = await Promise.all([
      matching.where(known).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      count()
    ])
    const first = q.offset < knownTotal ? await byName(matching.where(known)).limit(q.limit).offset(q.offset).execute() : []
    const rest = first.length < q.limit
      ? await byName(matching.where(sql<boolean>`not (${known})`)).limit(q.limit - first.length).offset(Math.max(0, q.offset - knownTotal)).execute()
      : []
    return { rows: [...first, ...rest], total, capped: false }
  }
  if (!search) {
    // Without a search every member ranks alike: by name (byte order, the same on both databases), then id.
    // A page by name walks the name index and stops after it: the count is a query of its own.
    const ordered = matching.select([...columns]).orderBy(sql`lower(p.full_name) collate "C"`).orderBy('p.id').limit(q.limit).offset(q.offset)
    const [rows, total] = await Promise.all([ordered.execute(), count()])
    return { rows, total, capped: false }
  }
  // The candidates, each source through its own index and each at most one more than the cap (to tell "more
  // than the cap"): the search document's matches with the lowest ids (a text index has no order of relevance;
  // the lowest ids are the same on both databases), and the names nearest the search (the GiST index's `<->`
  // order: the best name matches, not the first). One query with "or" walked the members by id and worked out
  // the name's trigram similarity on every one.
  const lowestDoc = db.selectFrom(base.where(byDoc).select('p.id').orderBy('p.id').limit(rankCap + 1).as('l')).select('l.id')
  const nearestNames = db.selectFrom(base.where(byName).select('p.id').orderBy(sql`lower(p.full_name) <-> ${search}`).limit(rankCap + 1).as('l')).select('l.id')
  const sources = tsq ? lowestDoc.union(nearestNames) : nearestNames
  // "People I know first": the viewer's matching connections are candidates whatever their ids (they are few).
  const ids = q.knownFirst ? sources.union(matching.where(known).select('p.id')) : sources
  const rank = tsq
    ? sql<number>`ts_rank_cd(p.search_doc, to_tsquery('simple', ${tsq})) + similarity(lower(p.full_name), ${search})`
    : sql<number>`similarity(lower(p.full_name), ${search})`
  // Every candidate is ranked (at most twice the cap, and the viewer's connections); when there are more than
  // the cap, so are the matches, and the pages reach only the first `rankCap` of the ranking.
  let ranked = db.selectFrom('members as p').where('p.id', 'in', ids).select([...columns])
  if (q.knownFirst) ranked = ranked.orderBy(known, 'desc')
  ranked = ranked.orderBy(rank, 'desc').orderBy(sql`lower(p.full_name) collate "C"`).orderBy('p.id')
  // Counted in the same pass; a page past the end (or past the cap) counts separately.
  const upTo = Math.max(0, Math.min(q.limit, rankCap - q.offset))
  const rows = upTo ? await ranked.select(sql<number>`count(*) over ()`.as('matches')).limit(upTo).offset(q.offset).modifyEnd(sql.raw(CUSTOM_PLAN)).execute() : []
  const matches = rows.length ? Number(rows[0].matches)
    : q.offset === 0 ? 0 : Number((await db.selectFrom(matching.select('p.id').limit(rankCap + 1).as('c')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  return { rows: rows.map(({ matches: _, ...row }) => row), total: Math.min(matches, rankCap), capped: matches > rankCap }
}

export interface DirectoryRow {
  id: number
  full_name: string
  pronouns: string | null
  agency: string
  job_title: string | null
  region: string | null
  expertise: string[]
  ask_me_about: string | null
  can_help_with: string | null
  visibility: unknown
}

/** The communities the member belongs to (unsuspended), by name: the directory's community choices. */
export async function communitiesSharedBy (db: Db, memberId: number) {
  return db.selectFrom('memberships as m').innerJoin('communities as c', 'c.id', 'm.community_id')
    .select(['c.id', 'c.slug', 'c.name'])
    .where('m.member_id', '=', memberId).where('m.suspended_at', 'is', null)
    .orderBy('c.name').orderBy('c.id').execute()
}

/** The names of the requirements those communities hold, each once, by name. */
export async function requirementNamesOf (db: Db, communityIds: number[]): Promise<string[]> {
  if (!communityIds.length) return []
  const rows = await db.selectFrom('requirements').select(sql<string>`min(name)`.as('name'))
    .where('community_id', 'in', communityIds).groupBy(sql`lower(name)`).orderBy(sql`lower(name) collate "C"`).execute()
  return rows.map((r) => r.name)
}

/**
 * Deletes the member's row; the database deletes what hangs on it (sessions, tokens, memberships, answers,
 * check-ins, organizer terms, hosting, reminders sent, calendar invites held) and keeps the rows others made
 * with their id emptied (events and invitations they created).
 */
export async function deleteMember (db: Db, id: number): Promise<void> {
  await db.deleteFrom('members').where('id', '=', id).execute()
}
