import { sql } from 'kysely'
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

/** The member `p` belongs (unsuspended) to a community in the scope, optionally one holding `requirement`. */
function inScope (scope: DirectoryScope, communityId: number | null, requirement?: string) {
  return sql<boolean>`exists (select 1 from memberships m
    ${'viewerId' in scope ? sql`join memberships v on v.community_id = m.community_id and v.member_id = ${scope.viewerId} and v.suspended_at is null` : sql``}
    where m.member_id = p.id and m.suspended_at is null
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

/**
 * One page of the directory and the total: members in the scope matching every filter given, ranked by how well
 * the search matches (ts_rank_cd of the search document plus the name's trigram similarity), then by name and
 * id, so that both databases give the same order. Filters look only at fields the member shows to members.
 */
export async function searchDirectory (db: Db, q: DirectoryQuery) {
  const search = q.search.trim().toLowerCase()
  const tsq = tsqueryText(search)
  let base = db.selectFrom('members as p').where(inScope(q.scope, q.communityId))
  if (search) {
    base = base.where(tsq
      ? sql<boolean>`(p.search_doc @@ to_tsquery('simple', ${tsq}) or lower(p.full_name) % ${search})`
      : sql<boolean>`lower(p.full_name) % ${search}`)
  }
  if (q.agency) base = base.where(shown('agency')).where(sql<boolean>`lower(p.agency) like ${likePattern(q.agency)}`)
  if (q.state) base = base.where(shown('region')).where((eb) => eb.or([eb('p.region', '=', q.state), eb('p.region', 'like', '%, ' + q.state.replace(/[\\%_]/g, (c) => '\\' + c))]))
  if (q.expertise) base = base.where(shown('expertise')).where(sql<boolean>`exists (select 1 from unnest(p.expertise) e where lower(e) like ${likePattern(q.expertise)})`)
  if (q.requirement) base = base.where(inScope(q.scope, null, q.requirement))
  const help = tsqueryText(q.help, 'C')
  if (help) base = base.where(sql<boolean>`p.search_doc @@ to_tsquery('simple', ${help})`)
  if (q.relation) base = base.where(sql<boolean>`p.id in (${connectionIds(q.viewerId, q.relation)})`)

  // Without a search every member ranks alike: by name (byte order, the same on both databases), then id.
  let page = base.select(['p.id', 'p.full_name', 'p.pronouns', 'p.agency', 'p.job_title', 'p.region', 'p.expertise', 'p.ask_me_about', 'p.can_help_with', 'p.visibility'])
  // The viewer's connections (a hashed subplan, read once) before everyone else; without a search, see below.
  if (q.knownFirst && search) page = page.orderBy(sql`p.id in (${connectionIds(q.viewerId, '')})`, 'desc')
  if (search) {
    page = page.orderBy(tsq
      ? sql`ts_rank_cd(p.search_doc, to_tsquery('simple', ${tsq})) + similarity(lower(p.full_name), ${search})`
      : sql`similarity(lower(p.full_name), ${search})`, 'desc')
  }
  const count = async () => Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  const ordered = page.orderBy(sql`lower(p.full_name) collate "C"`).orderBy('p.id').limit(q.limit).offset(q.offset)
  if (!search && q.knownFirst) {
    // Sorting the whole scope with connections first would read every member of it: instead, the connections
    // (few) by name, then the others by name, each a page by the name index.
    const known = sql<boolean>`p.id in (${connectionIds(q.viewerId, '')})`
    const byName = <T extends typeof page>(x: T) => x.orderBy(sql`lower(p.full_name) collate "C"`).orderBy('p.id')
    const [knownTotal, total] = await Promise.all([
      base.where(known).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      count()
    ])
    const first = q.offset < knownTotal ? await byName(page.where(known)).limit(q.limit).offset(q.offset).execute() : []
    const rest = first.length < q.limit
      ? await byName(page.where(sql<boolean>`not (${known})`)).limit(q.limit - first.length).offset(Math.max(0, q.offset - knownTotal)).execute()
      : []
    return { rows: [...first, ...rest], total }
  }
  if (!search) {
    // A page by name walks the name index and stops after it: the count is a query of its own.
    const [rows, total] = await Promise.all([ordered.execute(), count()])
    return { rows, total }
  }
  // Ranking reads every match anyway: count them in the same pass (a page past the end asks separately).
  const rows = await ordered.select(sql<number>`count(*) over ()`.as('matches')).execute()
  const total = rows.length ? Number(rows[0].matches) : q.offset > 0 ? await count() : 0
  return { rows: rows.map(({ matches: _, ...row }) => row), total }
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
