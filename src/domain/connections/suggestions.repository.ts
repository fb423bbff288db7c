import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../../db/database.js'

/**
 * The SQL of "people you haven't met yet" (indexes: migrations/2026-12-05T1400_suggestions.ts). One statement:
 * a small candidate set found through indexes (members going to the same upcoming events; opted-in members
 * sharing an area of expertise, the state, or "can help with" words), then the exclusions, the score and the
 * order. Only what candidates show to members counts (convene_member_field_shown).
 */

/** What the viewer brings: their own fields (a member sees all of their own), as the service prepared them. */
export interface SuggestionSeed {
  viewerId: number
  /** Their areas of expertise, lower-cased. */
  tags: string[]
  /** Their state or territory, or null. */
  state: string | null
  /** Their whole region ("Richmond, Virginia"), or null. */
  region: string | null
  /** The words of their "I'm looking for" (letters and digits only, no common words). */
  lookingFor: string[]
  /** Only members of this community (a community's directory), or of every community the viewer belongs to. */
  communityId: number | null
  /** Only members going to this upcoming event (its page). */
  eventId: number | null
  /** Upcoming means starting after this. */
  now: Date
  limit: number
}

export interface SuggestionRow {
  id: number
  full_name: string
  pronouns: string | null
  agency: string
  job_title: string | null
  visibility: unknown
  score: number
  /** Their areas of expertise (as they wrote them) that the viewer has too. */
  shared_tags: string[]
  /** The viewer's "looking for" words found in their "ask me about" / "can help with". */
  help_words: string[]
  /** 2: the same region, 1: the same state or territory, 0: neither. */
  region_match: number
  /** The first upcoming event both are going to (its title), or null. */
  event_title: string | null
  /** A requirement held by a community both belong to, or null. */
  requirement: string | null
}

const WORD_QUERY = (w: string) => `${w}:*C`

/** The suggestions for one viewer, best first (by score, then name in byte order, then id: the same on both databases). */
export async function findSuggestions (db: Db, s: SuggestionSeed): Promise<SuggestionRow[]> {
  const v = s.viewerId
  const lookingFor = s.lookingFor.length ? s.lookingFor.map(WORD_QUERY).join(' | ') : ''
  // The viewer's upcoming events (published, going): the "also going to" reason and, site-wide, candidates.
  const myEvents = sql`select e.id, e.title, e.starts_at from rsvps r join events e on e.id = r.event_id
    where r.member_id = ${v} and r.status = 'going' and e.status = 'published' and e.starts_at > ${s.now}
    ${s.eventId !== null ? sql`and e.id = ${s.eventId}` : sql``}`
  const sources: RawBuilder<unknown>[] = []
  if (s.eventId !== null) {
    sources.push(sql`select r.member_id as id from rsvps r where r.event_id = (select id from my_events) and r.status = 'going' and r.listed`)
  } else {
    sources.push(sql`select r.member_id as id from my_events e join rsvps r on r.event_id = e.id and r.status = 'going' and r.listed`)
    if (s.tags.length) sources.push(sql`select p.id from members p where p.suggestions_opt_in and convene_suggest_tags(p.visibility, p.expertise) && ${s.tags}::text[]`)
    if (s.state) sources.push(sql`select p.id from members p where p.suggestions_opt_in and convene_suggest_state(p.visibility, p.region) = ${s.state}`)
    if (lookingFor) sources.push(sql`select p.id from members p where p.suggestions_opt_in and p.search_doc @@ to_tsquery('simple', ${lookingFor})`)
  }
  const tagsParam = sql`${s.tags}::text[]`
  const rows = await sql<SuggestionRow>`
    with my_communities as (
      select community_id from memberships where member_id = ${v} and suspended_at is null
      ${s.communityId !== null ? sql`and community_id = ${s.communityId}` : sql``}
    ),
    my_events as (${myEvents}),
    candidates as (${sql.join(sources, sql` union `)}),
    found as (
      select p.id, p.full_name, p.pronouns, p.agency, p.job_title, p.visibility,
        ${s.tags.length
          ? sql`array(select e from unnest(p.expertise) with ordinality as x(e, i)
              where convene_member_field_shown(p.visibility, 'expertise') and lower(e) = any(${tagsParam}) order by i)`
          : sql`'{}'::text[]`} as shared_tags,
        ${s.lookingFor.length
          ? sql`array(select w from unnest(${s.lookingFor}::text[]) with ordinality as x(w, i)
              where p.search_doc @@ to_tsquery('simple', w || ':*C') order by i)`
          : sql`'{}'::text[]`} as help_words,
        case when not convene_member_field_shown(p.visibility, 'region') then 0
          when ${s.region !== null ? sql`p.region = ${s.region}` : sql`false`} then 2
          when ${s.state !== null ? sql`convene_suggest_state(p.visibility, p.region) = ${s.state}` : sql`false`} then 1
          else 0 end as region_match,
        ${s.eventId !== null
          ? sql`null::text`
          : sql`(select e.title from my_events e join rsvps r on r.event_id = e.id and r.member_id = p.id and r.status = 'going' and r.listed
              order by e.starts_at, e.id limit 1)`} as event_title,
        (select min(q.name) from requirements q join memberships m on m.community_id = q.community_id and m.member_id = p.id and m.suspended_at is null
          where q.community_id in (select community_id from my_communities)) as requirement
      from (select distinct id from candidates) c
      join members p on p.id = c.id
      where p.id <> ${v} and p.suggestions_opt_in and p.deactivated_at is null
        and exists (select 1 from memberships m where m.member_id = p.id and m.suspended_at is null
          and m.community_id in (select community_id from my_communities))
        and not exists (select 1 from connections k where k.member_a = least(p.id, ${v}) and k.member_b = greatest(p.id, ${v}))
        and not exists (select 1 from connection_removals k where k.member_a = least(p.id, ${v}) and k.member_b = greatest(p.id, ${v}))
    ),
    scored as (
      select f.*,
        (case when f.event_title is not null then 5 else 0 end)
        + 3 * least(cardinality(f.shared_tags), 3)
        + (case when cardinality(f.help_words) > 0 then 2 + least(cardinality(f.help_words), 3) else 0 end)
        + f.region_match
        + (case when f.requirement is not null then 1 else 0 end) as score
      from found f
    )
    select * from scored
    -- A requirement alone (or, on an event page, only being there) is no reason to suggest someone.
    where score - (case when requirement is not null then 1 else 0 end) > 0
    order by score desc, lower(full_name) collate "C", id
    limit ${s.limit}
  `.execute(db)
  return rows.rows.map((r) => ({ ...r, score: Number(r.score) }))
}
