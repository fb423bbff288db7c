import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../../db/database.js'

/**
 * The SQL of "people you haven't met yet" (indexes: migrations/2026-12-05T1400_suggestions.ts and
 * 2026-12-05T2330_suggest_wants.ts). One statement: a small candidate set found through indexes (members going
 * to the same upcoming events; opted-in members sharing an area of expertise, the state, "ask me about" / "can
 * help with" words the viewer is looking for, or "looking for" words the viewer can help with), then the
 * exclusions, the score and the order. Only what candidates show to members counts (convene_member_field_shown).
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
  /** The words of their "I can help with" and "ask me about" (the same way). */
  offers: string[]
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
  /** The viewer's "can help with" / "ask me about" words found in their "looking for". */
  wants_words: string[]
  /** 2: the same region, 1: the same state or territory, 0: neither. */
  region_match: number
  /** The first upcoming event both are going to (its title), or null. */
  event_title: string | null
  /** A requirement held by a community both belong to, or null. */
  requirement: string | null
}

/** At most this many members from each index source (expertise, state, "looking for" words). */
const SOURCE_CAP = 500
/** At most this many candidates are scored in full (the most promising by their sources' weights). */
const CANDIDATES = 200

const WORD_QUERY = (w: string) => `${w}:*`

/** "Ask me about" and "can help with" as the member shows them to members (migrations/2026-12-05T1400_suggestions.ts). */
const HELP_DOC = sql`convene_suggest_help(p.visibility, p.ask_me_about, p.can_help_with)`
/** "I'm looking for" as the member shows it to members (migrations/2026-12-05T2330_suggest_wants.ts). */
const WANTS_DOC = sql`convene_suggest_wants(p.visibility, p.looking_for)`

/** The suggestions for one viewer, best first (by score, then name in byte order, then id: the same on both databases). */
export async function findSuggestions (db: Db, s: SuggestionSeed): Promise<SuggestionRow[]> {
  const v = s.viewerId
  const lookingFor = s.lookingFor.length ? s.lookingFor.map(WORD_QUERY).join(' | ') : ''
  const offering = s.offers.length ? s.offers.map(WORD_QUERY).join(' | ') : ''
  // The viewer's upcoming events (published, going), or the one event of the page.
  const myEvents = sql`select e.id, e.title, e.starts_at from rsvps r join events e on e.id = r.event_id
    where r.member_id = ${v} and r.status = 'going' and e.status = 'published' and e.starts_at > ${s.now}
    ${s.eventId !== null ? sql`and e.id = ${s.eventId}` : sql``}`
  // Who is listed as going to those events (the first of them by date): candidates, and the "also going" reason.
  const going = sql`select distinct on (r.member_id) r.member_id as id, e.title from my_events e
    join rsvps r on r.event_id = e.id and r.status = 'going' and r.listed
    order by r.member_id, e.starts_at, e.id`
  // The reasons a member's own row can give (each through its own partial index), with their weights.
  const reasons: Array<{ when: RawBuilder<boolean>, w: number }> = []
  if (s.tags.length) reasons.push({ when: sql`convene_suggest_tags(p.visibility, p.expertise) && ${s.tags}::text[]`, w: 3 })
  if (s.state) reasons.push({ when: sql`convene_suggest_state(p.visibility, p.region) = ${s.state}`, w: 1 })
  if (lookingFor) reasons.push({ when: sql`${HELP_DOC} @@ to_tsquery('simple', ${lookingFor})`, w: 3 })
  if (offering) reasons.push({ when: sql`${WANTS_DOC} @@ to_tsquery('simple', ${offering})`, w: 3 })
  // Each source with the weight of its reason, so that the most promising candidates are scored first (see
  // CANDIDATES). In the directory, those going to the same events and each reason's members, capped (a broad
  // "looking for" word could match thousands). On an event page only those going, however many: each weighed by
  // the reasons of their own row, so that at a large conference the 200 scored are the most promising of those
  // going, not the first 200.
  const goingWeight = s.eventId === null ? sql`5` : sql.join([sql`5`, ...reasons.map((r) => sql`(case when ${r.when} then ${sql.lit(r.w)} else 0 end)`)], sql` + `)
  const sources: RawBuilder<unknown>[] = [sql`select g.id, ${goingWeight} as w from going g join members p on p.id = g.id where p.suggestions_opt_in`]
  if (s.eventId === null) {
    for (const r of reasons) sources.push(sql`(select p.id, ${sql.lit(r.w)} from members p where p.suggestions_opt_in and ${r.when} limit ${SOURCE_CAP})`)
  }
  const rows = await sql<SuggestionRow>`
    with my_communities as materialized (
      select community_id from memberships where member_id = ${v} and suspended_at is null
      ${s.communityId !== null ? sql`and community_id = ${s.communityId}` : sql``}
    ),
    my_requirements as materialized (
      select community_id, min(name) as name from requirements where community_id in (select community_id from my_communities) group by community_id
    ),
    my_events as materialized (${myEvents}),
    going as materialized (${going}),
    -- Those who share a community with the viewer (unsuspended), not the viewer, not connected, not a removed
    -- pair: the best by the weights of their sources (then by id), at most CANDIDATES of them.
    candidates as materialized (
      select x.id from (${sql.join(sources, sql` union all `)}) x
      where x.id <> ${v}
        -- One probe of memberships by member for each candidate (a subquery the planner cannot turn into a join,
        -- against an array worked out once): as "exists (… in (select …))" the planner hashed every membership of
        -- the viewer's communities (120,000 at 100,000 members: 25 of the statement's 37 ms).
        and coalesce((select true from memberships m where m.member_id = x.id and m.suspended_at is null
          and m.community_id = any(array(select community_id from my_communities)) limit 1), false)
        and not exists (select 1 from connections k where k.member_a = least(x.id, ${v}) and k.member_b = greatest(x.id, ${v}))
        and not exists (select 1 from connection_removals k where k.member_a = least(x.id, ${v}) and k.member_b = greatest(x.id, ${v}))
      group by x.id
      order by sum(x.w) desc, x.id
      limit ${CANDIDATES}
    ),
    found as materialized (
      select p.id, p.full_name, p.pronouns, p.agency, p.job_title, p.visibility,
        ${s.tags.length
          ? sql`array(select e from unnest(p.expertise) with ordinality as x(e, i)
              where convene_member_field_shown(p.visibility, 'expertise') and lower(e) = any(${s.tags}::text[]) order by i)`
          : sql`'{}'::text[]`} as shared_tags,
        ${s.lookingFor.length
          ? sql`array(select w from unnest(${s.lookingFor}::text[]) with ordinality as x(w, i)
              where d.help_doc @@ to_tsquery('simple', w || ':*') order by i)`
          : sql`'{}'::text[]`} as help_words,
        ${s.offers.length
          ? sql`array(select w from unnest(${s.offers}::text[]) with ordinality as x(w, i)
              where d.wants_doc @@ to_tsquery('simple', w || ':*') order by i)`
          : sql`'{}'::text[]`} as wants_words,
        case when not convene_member_field_shown(p.visibility, 'region') then 0
          when ${s.region !== null ? sql`p.region = ${s.region}` : sql`false`} then 2
          when ${s.state !== null ? sql`convene_suggest_state(p.visibility, p.region) = ${s.state}` : sql`false`} then 1
          else 0 end as region_match,
        ${s.eventId !== null ? sql`null::text` : sql`g.title`} as event_title,
        shared.requirement
      from candidates c
      join members p on p.id = c.id
      left join going g on g.id = p.id
      -- Each candidate's two documents, worked out once (OFFSET 0 keeps the planner from copying the expressions
      -- into every word's test above: that made each document once per word).
      cross join lateral (select ${HELP_DOC} as help_doc, ${WANTS_DOC} as wants_doc offset 0) d
      -- A requirement held by a community both belong to.
      cross join lateral (
        select min(q.name) as requirement from memberships m join my_requirements q on q.community_id = m.community_id
        where m.member_id = p.id and m.suspended_at is null
      ) shared
      where p.suggestions_opt_in and p.deactivated_at is null
    ),
    scored as (
      select f.*,
        (case when f.event_title is not null then 5 else 0 end)
        + 3 * least(cardinality(f.shared_tags), 3)
        + (case when cardinality(f.help_words) > 0 then 2 + least(cardinality(f.help_words), 3) else 0 end)
        + (case when cardinality(f.wants_words) > 0 then 2 + least(cardinality(f.wants_words), 3) else 0 end)
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
