/**
 * The scale of `npm run bench` (BENCH_SCALE): `large` (the default on the PostgreSQL server) is issue 13's
 * 100,000 members, 1,000,000 RSVPs and 300,000 connections; `small` (the default on the embedded database, which
 * holds everything in this process's memory) is 50,000 members, 200,000 RSVPs and 30,000 connections.
 * Everything is set-based SQL (generate_series), a statement per table.
 */
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { Database } from '../src/db/database.js'

export interface Scale {
  name: 'large' | 'small'
  members: number
  events: number
  /** Distinct members answering each event (events × this = the RSVPs). */
  rsvpsPerEvent: number
  /** Connections (pairs, member_a < member_b). */
  connections: number
}

const SCALES: Record<Scale['name'], Scale> = {
  large: { name: 'large', members: 100_000, events: 2_000, rsvpsPerEvent: 500, connections: 300_000 },
  small: { name: 'small', members: 50_000, events: 2_000, rsvpsPerEvent: 100, connections: 30_000 }
}

export function scaleFor (onServer: boolean, asked = process.env.BENCH_SCALE): Scale {
  if (asked === 'large' || asked === 'small') return SCALES[asked]
  if (asked) throw new Error(`BENCH_SCALE must be "large" or "small" (was "${asked}").`)
  return onServer ? SCALES.large : SCALES.small
}

/** Member i (0-based) is connected to member i + d (mod members) for each offset d in turn: every pair once. */
const OFFSETS = [1, 37, 1013, 4099]

/**
 * Who met whom: check-ins at past in-person events (two thirds of those going), `scale.connections` connections made at past in-person events (member i with i + 1, then i + 37,
 * i + 1013 …, around the circle of members, so no pair twice and about 2 × connections / members each), both
 * members' "met" marks for the first ring of them, a one-sided mark waiting for a confirmation for every 10th
 * member, and every other member opted in to suggestions. Ends with VACUUM ANALYZE: the seed's updates leave the
 * members table with dead rows and stale statistics that autovacuum would have cleaned up on a live site.
 */
export async function seedConnections (db: Kysely<Database>, scale: Scale): Promise<{ checkIns: number, connections: number, metMarks: number }> {
  const n = scale.members
  if (scale.connections > n * OFFSETS.length) throw new Error('Too many connections for the offsets.')
  await sql`
    insert into check_ins (event_id, member_id, checked_in_at)
    select r.event_id, r.member_id, e.starts_at from rsvps r join events e on e.id = r.event_id
    where e.kind <> 'brown-bag' and e.ends_at < now() and r.status = 'going' and (r.member_id + r.event_id) % 3 <> 0`.execute(db)
  await sql`
    with base as (select min(id) as base from members),
    ev as (select array_agg(id order by id) as ids from events where kind <> 'brown-bag' and ends_at < now()),
    pairs as (
      select b.base + g % ${n} as x, b.base + (g % ${n} + (${sql.val(OFFSETS)}::int[])[1 + g / ${n}]) % ${n} as y, g
      from generate_series(0, ${scale.connections - 1}) g cross join base b)
    insert into connections (member_a, member_b, event_id, created_at)
    select least(x, y), greatest(x, y), ev.ids[1 + g % array_length(ev.ids, 1)], now() - (g % 400) * interval '1 day'
    from pairs cross join ev`.execute(db)
  await sql`
    insert into met_marks (member_id, met_id, event_id)
    select member_a, member_b, event_id from connections where member_b - member_a in (1, ${n - 1})
    union all
    select member_b, member_a, event_id from connections where member_b - member_a in (1, ${n - 1})`.execute(db)
  await sql`
    insert into met_marks (member_id, met_id)
    select b.base + g, b.base + (g + 2017) % ${n} from generate_series(0, ${n - 1}, 10) g cross join (select min(id) as base from members) b
    on conflict do nothing`.execute(db)
  await sql`update members set suggestions_opt_in = true where id % 2 = 0`.execute(db)
  await sql`vacuum analyze`.execute(db)
  const count = async (table: 'check_ins' | 'connections' | 'met_marks') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  return { checkIns: await count('check_ins'), connections: await count('connections'), metMarks: await count('met_marks') }
}
