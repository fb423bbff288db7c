/**
 * EXPLAIN (ANALYZE, BUFFERS) of the directory search and the member page on a database the benchmark kept
 * (BENCH_KEEP=1 npm run bench), as the app sends them:
 *   node --import tsx bench/explain.ts postgres://postgres@127.0.0.1:5432/convene_bench_<pid> "str mixture"
 *   node --import tsx bench/explain.ts postgres://postgres@127.0.0.1:5432/convene_bench_<pid> member
 *   … dashboard | review-list   (the call's review dashboard, page 1 by mean; its first reviewer's list)
 *   … event-suggestions         (the suggestions on an upcoming event's page, for the member the benchmark uses)
 *   … directory-suggestions     (the directory's first page without a search: its suggestions, for the same member)
 * The viewer is the first member of the second community (as in the benchmark).
 */
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { searchDirectory } from '../src/domain/members/members.repository.js'
import { memberPageFor } from '../src/domain/members/members.service.js'
import { reviewDashboard, reviewerList } from '../src/domain/proposals/reviews.service.js'
import { directorySuggestions, eventSuggestions } from '../src/domain/connections/suggestions.service.js'

const url = process.argv[2]
const pool = new pg.Pool({ connectionString: url, max: 1 })
const captured: Array<{ sql: string, params: readonly unknown[] }> = []
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }), log: (e) => { if (e.level === 'query') captured.push({ sql: e.query.sql, params: e.query.parameters }) } })
const viewer = (await sql<{ member_id: number }>`select member_id from memberships m join communities c on c.id = m.community_id where c.slug = 'bench-lab' order by member_id limit 1`.execute(db)).rows[0].member_id
const what = process.argv[3]
captured.length = 0
if (what === 'dashboard' || what === 'review-list') {
  const call = (await sql`select * from calls order by id limit 1`.execute(db)).rows[0] as any
  const reviewer = (await sql`select m.id, m.email from call_reviewers r join members m on m.id = r.member_id where r.call_id = ${call.id} order by m.id limit 1`.execute(db)).rows[0] as any
  captured.length = 0
  if (what === 'dashboard') await reviewDashboard(db as any, call, [], { sort: 'mean' }, { page: 1, size: 50 })
  else await reviewerList(db as any, call, reviewer, 1, 50)
} else if (what === 'event-suggestions' || what === 'directory-suggestions') {
  // As bench/run.ts chooses them: the member of both communities going to the most upcoming events, their first.
  const goer = (await sql<{ member_id: number }>`
    select r.member_id from rsvps r join events e on e.id = r.event_id
    where r.status = 'going' and e.starts_at > now() and e.community_id = (select id from communities where slug = 'bench')
      and r.member_id in (select member_id from memberships where community_id = (select id from communities where slug = 'bench-lab'))
    group by r.member_id order by count(*) desc, r.member_id limit 1`.execute(db)).rows[0].member_id
  const event = (await sql<{ id: number }>`select e.id from rsvps r join events e on e.id = r.event_id
    where r.member_id = ${goer} and r.status = 'going' and e.starts_at > now() order by e.id limit 1`.execute(db)).rows[0].id
  const me = (await sql`select * from members where id = ${goer}`.execute(db)).rows[0]
  captured.length = 0
  if (what === 'event-suggestions') await eventSuggestions(db as any, me as any, event)
  else await directorySuggestions(db as any, me as any, null)
} else if (what === 'member') {
  const me = (await sql`select * from members where id = ${viewer}`.execute(db)).rows[0]
  const target = (await sql<{ id: number }>`select min(id) + 1234 as id from members`.execute(db)).rows[0].id
  captured.length = 0
  await memberPageFor(db as any, me as any, target)
} else {
  await searchDirectory(db as any, { scope: { viewerId: viewer }, viewerId: viewer, relation: '', knownFirst: false, search: what, agency: '', state: '', expertise: '', communityId: null, requirement: '', help: '', limit: 25, offset: 0 })
}
const lit = (v: unknown) => v === null ? 'null' : v instanceof Date ? `'${v.toISOString()}'` : typeof v === 'number' ? String(v) : Array.isArray(v) ? `'{${v.join(',')}}'` : `'${String(v).replace(/'/g, "''")}'`
const queries = [...captured]
captured.length = 0
for (const q of queries) {
  const text = q.sql.replace(/\$(\d+)/g, (_, i) => lit(q.params[Number(i) - 1]))
  const plan = await sql.raw(`explain (analyze, buffers) ${text}`).execute(db)
  const ms = (plan.rows as any[]).map((r) => r['QUERY PLAN']).join('\n')
  console.log('=== ' + text.slice(0, 300) + '\n' + ms + '\n')
}
await db.destroy()
