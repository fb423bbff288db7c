/**
 * `npm run bench`: seeds a large community (BENCH_SCALE, bench/scale.ts: on the server 100,000 members, 2,000
 * events, 1,000,000 RSVPs and 300,000 connections; embedded, 50,000 members, 200,000 RSVPs, 30,000 connections), then measures the
 * event page, the events list and the RSVP POST with autocannon, each beside a bare Fastify route measured in
 * the same process, and reports requests/s, p99 latency, ratios and the process's peak memory against the
 * targets; then how fast the worker builds the invites those RSVPs queued. It reports; it does not fail: the
 * exit code is 0 even when a target is missed.
 *
 * DATABASE_URL set → a fresh database `convene_bench_<pid>` on that server (created and dropped here);
 * otherwise the embedded database in a temporary folder. BENCH_SECONDS shortens each run (default 10).
 * Issue 13's pages (directory searches, a member page, the event page of a member going) are measured a second time
 * at BENCH_SCALE_CONNECTIONS (default 4) concurrent requests beside a bare route at the same concurrency: their
 * target is a response time (p95 < 50 ms), which 50 connections on two cores would turn into a queue.
 * BENCH_KEEP=1 keeps the server's database for EXPLAIN. BENCH_ONLY=a,b measures only the targets whose names contain one of those words (the bare routes always).
 */
import type { Result } from 'autocannon'
import Fastify, { type FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { fork } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import vm from 'node:vm'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { buildApp } from '../src/build.js'
import { loadConfig } from '../src/config.js'
import { connect, type Connection } from '../src/db/connect.js'
import { startSession } from '../src/domain/auth/auth.service.js'
import { sendCalendarChanges } from '../src/domain/invites/invites.service.js'
import { PROPOSALS, REVIEWERS, seedCall, SESSIONS } from './calls.js'
import { seedDirectory } from './directory.js'
import { scaleFor, seedConnections } from './scale.js'
import type { Browser, LoadSpec } from './load.js'
import { measureStart } from './start.js'

const SCALE = scaleFor(Boolean(process.env.DATABASE_URL))
const MEMBERS = SCALE.members
const EVENTS = SCALE.events
const RSVPS_PER_EVENT = SCALE.rsvpsPerEvent
const RSVP_SESSIONS = 200
const CONNECTIONS = 50
const SCALE_CONNECTIONS = Math.max(1, Number(process.env.BENCH_SCALE_CONNECTIONS ?? 4) || 4)
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').map((w) => w.trim()).filter(Boolean)
const SECONDS = Math.max(1, Number(process.env.BENCH_SECONDS ?? 10) || 10)
/** Unmeasured load before each target's measured run (as a site that has been up a while). */
const WARMUP_SECONDS = Math.max(0, Number(process.env.BENCH_WARMUP_SECONDS ?? 3) || 0)
const SLUG = 'bench'
const MB = 1024 * 1024
const POOL_SIZE = Number(process.env.BENCH_POOL_SIZE ?? 0) || 0

// ---- Memory: sampled every 100 ms, plus the kernel's high-water mark.

let peakRss = process.memoryUsage().rss
let atPeak = process.memoryUsage()
const sampler = setInterval(() => {
  const m = process.memoryUsage()
  if (m.rss > peakRss) { peakRss = m.rss; atPeak = m }
}, 100)
sampler.unref()

/** The process's peak resident set size in bytes (the larger of our samples and the OS's maxRSS, in KiB). */
function peakMemory (): number {
  return Math.max(peakRss, process.resourceUsage().maxRSS * 1024)
}

// ---- Queries: every statement the app sends to the PostgreSQL server is counted and timed (round trip).

interface QueryStat { count: number, ms: number }
let queryStats = new Map<string, QueryStat>()
const originalQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown
;(pg.Client.prototype as { query: unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string } | undefined)?.text ?? '')
  const start = performance.now()
  const out = originalQuery.apply(this, args)
  if (out && typeof (out as Promise<unknown>).finally === 'function') {
    void (out as Promise<unknown>).finally(() => {
      const s = queryStats.get(text) ?? { count: 0, ms: 0 }
      s.count++
      s.ms += performance.now() - start
      queryStats.set(text, s)
    }).catch(() => {})
  }
  return out
}

// ---- Database: a throwaway one on the server, or an embedded one in a temporary folder.

function serverUrl (base: string, database: string): string {
  const u = new URL(base)
  u.pathname = '/' + database
  return u.toString()
}

async function onServer (base: string, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl(base, 'postgres') })
  await c.connect()
  try { await c.query(statement) } finally { await c.end() }
}

// ---- Seeding: set-based SQL, a handful of statements.

export async function seed (app: FastifyInstance): Promise<{ communityId: number }> {
  const db = app.db
  await sql`
    insert into members (email, full_name, agency, job_title, region, email_verified_at)
    select 'member' || g || '@agency' || (g % 40) || '.gov', 'Member ' || g, 'Agency ' || (g % 40), 'Analyst',
           (array['Northeast', 'Midwest', 'South', 'West'])[1 + g % 4], now()
    from generate_series(1, ${MEMBERS}) g`.execute(db)

  const community = await sql<{ id: number }>`
    insert into communities (slug, name, about, norms, public_records_notice, requires_approval)
    values (${SLUG}, 'Benchmark Community', 'A large community for the benchmark.',
            array['Be kind.', 'Assume good faith.'], 'Messages may be public records.', false)
    returning id`.execute(db)
  const communityId = community.rows[0].id

  await sql`
    insert into memberships (community_id, member_id, norms_accepted_at)
    select ${communityId}, id, now() from members`.execute(db)

  // Spread evenly from ~500 days ago to ~500 days ahead; every 5th has a capacity; a mix of venues and links.
  await sql`
    insert into events (community_id, kind, title, summary, why_it_matters, starts_at, ends_at, time_zone,
                        venue_name, venue_address, online_url, region, capacity, status, created_by)
    select ${communityId},
           (array['brown-bag', 'meetup', 'conference', 'workshop'])[1 + g % 4],
           'Event ' || g, 'What we will talk about at event ' || g || '.',
           'Why event ' || g || ' matters to the community.',
           date_trunc('hour', now()) - interval '500 days' + g * interval '12 hours',
           date_trunc('hour', now()) - interval '500 days' + g * interval '12 hours' + interval '90 minutes',
           (array['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'])[1 + g % 4],
           case when g % 2 = 0 then 'Main Building' end,
           case when g % 2 = 0 then '1 Federal Plaza, Washington, DC' end,
           case when g % 3 = 0 then 'https://meet.example.gov/' || g end,
           (array['Northeast', 'Midwest', 'South', 'West'])[1 + g % 4],
           case when g % 5 = 0 then 150 end,
           'published', (select min(id) from members)
    from generate_series(1, ${EVENTS}) g`.execute(db)

  // Distinct members per event (499 is prime and does not divide the member count, so k ↦ 499·k mod members never repeats).
  await sql`
    insert into rsvps (event_id, member_id, status, listed)
    select e.id, m.base + ((e.id * 37 + k * 499) % ${MEMBERS}),
           case when k % 10 = 0 then 'maybe' when k % 17 = 0 then 'declined' else 'going' end,
           k % 7 <> 0
    from events e
    cross join generate_series(1, ${RSVPS_PER_EVENT}) k
    cross join (select min(id) as base from members) m`.execute(db)

  // As autovacuum would leave them: statistics, and a visibility map for index-only scans.
  await sql`vacuum analyze`.execute(db)
  return { communityId }
}

// ---- Measuring

interface Target {
  name: string
  rps: number
  p95: number
  p99: number
  avgLatency: number
  requests: number
  statusCodes: Record<string, number>
  errors: number
  timeouts: number
}

function summarize (name: string, r: Result): Target {
  return {
    name,
    rps: Math.round(r.requests.average),
    p95: r.latency.p95 ?? NaN,
    p99: r.latency.p99,
    avgLatency: r.latency.average,
    requests: r.requests.total,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, Number(s.count)])),
    errors: r.errors,
    timeouts: r.timeouts
  }
}

interface Measured extends Target {
  /** CPU time of this (server) process per request, and its CPU use over the run (100 = one core). */
  serverCpuMsPerRequest: number | null
  serverCpuPercent: number
  /** Requests waiting for a connection from the app's pg pool, sampled every 100 ms. */
  poolWaitingMean: number | null
  poolWaitingMax: number | null
  queriesPerRequest: number | null
  topQueries: { sql: string, count: number, meanMs: number, totalMs: number }[]
}

let poolOf: pg.Pool | undefined

const loadScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'load.ts')

/** Runs the load in a child process (so this process's memory is the server's alone). */
async function measure (name: string, spec: Omit<LoadSpec, 'connections' | 'seconds' | 'warmupSeconds'>, countQueries: boolean, connections = CONNECTIONS): Promise<Measured> {
  process.stdout.write(`Measuring ${name} for ${SECONDS} s (after ${WARMUP_SECONDS} s of warm-up, ${connections} connections)… `)
  queryStats = new Map()
  let cpuBefore = process.cpuUsage()
  let waiting: number[] = []
  const poolSampler = setInterval(() => { if (poolOf) waiting.push(poolOf.waitingCount) }, 100)
  const child = fork(loadScript, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const result = await new Promise<Result>((resolve, reject) => {
    child.on('message', (m: { result?: Result, error?: string, warmedUp?: boolean }) => {
      // What the warm-up did is not counted.
      if (m.warmedUp) { queryStats = new Map(); cpuBefore = process.cpuUsage(); waiting = []; return }
      if (m.result) resolve(m.result)
      else reject(new Error(m.error))
    })
    child.once('exit', (code) => { if (code) reject(new Error(`The load generator exited with ${code}.`)) })
    child.send({ ...spec, connections, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS } satisfies LoadSpec)
  })
  const cpu = process.cpuUsage(cpuBefore)
  clearInterval(poolSampler)
  const stats = [...queryStats].map(([sql, s]) => ({ sql: sql.replace(/\s+/g, ' '), count: s.count, meanMs: +(s.ms / s.count).toFixed(2), totalMs: Math.round(s.ms) }))
  const queries = stats.reduce((n, s) => n + s.count, 0)
  const t = summarize(name, result)
  console.log(`${t.rps} req/s, p95 ${t.p95} ms, p99 ${t.p99} ms`)
  return {
    ...t,
    poolWaitingMean: poolOf && waiting.length ? +(waiting.reduce((a, b) => a + b, 0) / waiting.length).toFixed(1) : null,
    poolWaitingMax: poolOf && waiting.length ? Math.max(...waiting) : null,
    serverCpuMsPerRequest: t.requests ? +((cpu.user + cpu.system) / 1000 / t.requests).toFixed(2) : null,
    serverCpuPercent: Math.round((cpu.user + cpu.system) / 10_000 / SECONDS),
    queriesPerRequest: countQueries && t.requests ? +(queries / t.requests).toFixed(1) : null,
    topQueries: stats.sort((a, b) => b.totalMs - a.totalMs).slice(0, 5)
  }
}

function cookiesFrom (res: Response): Map<string, string> {
  const jar = new Map<string, string>()
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';')
    const eq = pair.indexOf('=')
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim())
  }
  return jar
}

/** Signs a member in (a real session row) and fetches a page for its CSRF cookie and token. */
async function browserFor (app: FastifyInstance, base: string, memberId: number, page: string): Promise<Browser> {
  const { id } = await startSession(app.db, memberId, 1)
  const res = await fetch(base + page, { headers: { cookie: `convene_session=${id}` } })
  const html = await res.text()
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
  const csrfCookie = cookiesFrom(res).get('convene_csrf')
  if (res.status !== 200 || !token || !csrfCookie) throw new Error(`Could not get a CSRF token from ${page} (status ${res.status}).`)
  return { cookie: `convene_session=${id}; convene_csrf=${csrfCookie}`, csrf: token }
}

// ---- Main

async function main (): Promise<void> {
  const started = Date.now()
  const serverBase = process.env.DATABASE_URL ?? ''
  const dbName = `convene_bench_${process.pid}`
  const tmpDir = serverBase ? '' : fs.mkdtempSync(path.join(os.tmpdir(), 'convene-bench-'))
  if (serverBase) await onServer(serverBase, `create database ${dbName}`)

  // Start-up first, while nothing else runs: a new database, then a restart on it.
  const startDb = `convene_start_${process.pid}`
  if (serverBase) await onServer(serverBase, `create database ${startDb}`)
  const start = await measureStart(serverBase ? serverUrl(serverBase, startDb) : undefined)
    .finally(async () => { if (serverBase) await onServer(serverBase, `drop database if exists ${startDb} with (force)`) })
  console.log(`npm start to the first page: ${start.firstStartSeconds.toFixed(1)} s on a new database, ${start.restartSeconds.toFixed(1)} s on an existing one`)

  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    WORKER: 'false',
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: 'http://127.0.0.1',
    SECRET: crypto.randomBytes(32).toString('hex'),
    DATABASE_URL: serverBase ? serverUrl(serverBase, dbName) : '',
    DATA_DIR: tmpDir || undefined
  }, false)

  let app: FastifyInstance | undefined
  let connection: Connection | undefined
  const bare = Fastify({ logger: false })
  try {
    // BENCH_POOL_SIZE tries another pool size on the server (the app's own default is 10).
    if (serverBase && POOL_SIZE) connection = await connect({ databaseUrl: config.DATABASE_URL, poolSize: POOL_SIZE })
    app = await buildApp({ config, connection, logger: false })
    poolOf = app.dbConnection.pool
    await app.listen({ host: '127.0.0.1', port: 0 })
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

    bare.get('/bare', async () => 'ok')
    await bare.listen({ host: '127.0.0.1', port: 0 })
    const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`

    console.log(`Database: ${serverBase ? `PostgreSQL server (${dbName})` : `embedded (${tmpDir})`}`)
    const seedStart = Date.now()
    const { communityId } = await seed(app)
    console.log(`Seeded ${MEMBERS} members, ${EVENTS} events, ${EVENTS * RSVPS_PER_EVENT} RSVPs in ${((Date.now() - seedStart) / 1000).toFixed(1)} s (BENCH_SCALE=${SCALE.name}${serverBase ? '' : ': the embedded database runs a smaller scale than the server'})`)
    const callSeedStart = Date.now()
    const call = await seedCall(app, communityId)
    console.log(`Seeded a call with ${PROPOSALS} proposals, ${REVIEWERS} reviewers and a ${SESSIONS}-session agenda in ${((Date.now() - callSeedStart) / 1000).toFixed(1)} s`)
    const directoryStart = Date.now()
    const directory = await seedDirectory(app, communityId)
    console.log(`Gave the members directory profiles and a second community in ${((Date.now() - directoryStart) / 1000).toFixed(1)} s`)
    const tiesStart = Date.now()
    const ties = await seedConnections(app.db, SCALE)
    console.log(`Seeded ${ties.checkIns} check-ins, ${ties.connections} connections and ${ties.metMarks} "met" marks in ${((Date.now() - tiesStart) / 1000).toFixed(1)} s`)

    const events = await app.db.selectFrom('events').select(['id', 'ends_at'])
      .where('community_id', '=', communityId).orderBy('id').execute()
    const allEventIds = events.map((e) => e.id)
    const soon = Date.now() + 86_400_000
    const openEventIds = events.filter((e) => e.ends_at.getTime() > soon).map((e) => e.id)
    const memberIds = (await app.db.selectFrom('memberships').select('member_id')
      .where('community_id', '=', communityId).orderBy('member_id').execute()).map((r) => r.member_id)

    // Pages: one signed-in member looking at events across the community's history.
    const reader = await browserFor(app, base, memberIds[0], `/c/${SLUG}/events`)
    // RSVPs: many members, each with their own session and CSRF token, answering upcoming events.
    const rsvpers: Browser[] = []
    for (let i = 0; i < RSVP_SESSIONS; i++) {
      rsvpers.push(await browserFor(app, base, memberIds[Math.floor((i + 0.5) * memberIds.length / RSVP_SESSIONS)], `/c/${SLUG}/events/${openEventIds[0]}`))
    }

    // Speakers: the call's organizer on the review dashboard, a reviewer on their list, a member on the agenda.
    const dashboardPath = `/c/${SLUG}/orga/calls/${call.callId}/reviews`
    const reviewListPath = `/c/${SLUG}/calls/${call.callId}/review`
    const organizer = await browserFor(app, base, call.organizerId, dashboardPath)
    const reviewer = await browserFor(app, base, call.reviewerIds[0], reviewListPath)
    const agendaPath = `/c/${SLUG}/events/${call.eventId}/agenda`
    // The directory: a member of both communities searching everyone they share one with.
    const searcher = await browserFor(app, base, directory.viewerId, '/members')
    const typoPath = '/members?q=jon+smyth'
    const broadPath = '/members?q=str+mixture'
    const profilePaths = memberIds.slice(0, 500).map((id) => `/members/${id}`)
    const dnaPath = '/members?q=dna'
    // The event page of upcoming events, as a member going to them (where suggestions of people to meet show).
    const goer = await sql<{ member_id: number }>`
      select r.member_id from rsvps r join events e on e.id = r.event_id
      where r.status = 'going' and e.starts_at > now() and e.community_id = ${communityId}
        and r.member_id in (select member_id from memberships where community_id = ${directory.labCommunityId})
      group by r.member_id order by count(*) desc, r.member_id limit 1`.execute(app.db)
    const goerId = goer.rows[0].member_id
    const goingPaths = (await sql<{ id: number }>`
      select e.id from rsvps r join events e on e.id = r.event_id
      where r.member_id = ${goerId} and r.status = 'going' and e.starts_at > now() order by e.id`.execute(app.db)).rows.map((r) => `/c/${SLUG}/events/${r.id}`)
    const goingMember = await browserFor(app, base, goerId, goingPaths[0])

    // A quick check that each target answers as a browser would see it, so the figures measure real pages.
    const check = async (what: string, url: string, init: RequestInit, expected: number) => {
      const res = await fetch(url, { ...init, redirect: 'manual' })
      await res.arrayBuffer()
      if (res.status !== expected) throw new Error(`${what} answered ${res.status}, expected ${expected}.`)
    }
    await check('The event page', `${base}/c/${SLUG}/events/${allEventIds[0]}`, { headers: { cookie: reader.cookie } }, 200)
    await check('The events list', `${base}/c/${SLUG}/events`, { headers: { cookie: reader.cookie } }, 200)
    await check('The RSVP POST', `${base}/c/${SLUG}/events/${openEventIds[0]}/rsvp`, {
      method: 'POST',
      headers: { cookie: rsvpers[0].cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ choice: 'going', _csrf: rsvpers[0].csrf }).toString()
    }, 303)

    await check('The review dashboard', base + dashboardPath, { headers: { cookie: organizer.cookie } }, 200)
    await check('The reviewer\'s list', base + reviewListPath, { headers: { cookie: reviewer.cookie } }, 200)
    await check('The agenda', base + agendaPath, { headers: { cookie: reader.cookie } }, 200)
    await check('A directory search', base + broadPath, { headers: { cookie: searcher.cookie } }, 200)
    await check('A member page', base + profilePaths[0], { headers: { cookie: searcher.cookie } }, 200)
    await check('The event page of a member going', base + goingPaths[0], { headers: { cookie: goingMember.cookie } }, 200)

    const memoryBeforeLoad = peakMemory()
    const pg = Boolean(serverBase)
    const wanted = (name: string) => !ONLY.length || ONLY.some((w) => name.includes(w))
    const skipped = (name: string): Measured => ({
      name, rps: 0, p95: NaN, p99: NaN, avgLatency: 0, requests: 0, statusCodes: {}, errors: 0, timeouts: 0, serverCpuMsPerRequest: null,
      serverCpuPercent: 0, poolWaitingMean: null, poolWaitingMax: null, queriesPerRequest: null, topQueries: []
    })
    const run = async (name: string, spec: Parameters<typeof measure>[1], countQueries: boolean, connections = CONNECTIONS) =>
      wanted(name) ? measure(name, spec, countQueries, connections) : skipped(name)
    const bareResult = await measure('bare route', { url: bareUrl, method: 'GET', paths: ['/bare'], browsers: [] }, false)
    // The event page: one signed-in member looking at events across the community's history.
    const page = await run('event page', { url: base, method: 'GET', paths: allEventIds.map((id) => `/c/${SLUG}/events/${id}`), browsers: [reader] }, pg)
    const list = await run('events list', { url: base, method: 'GET', paths: [`/c/${SLUG}/events`], browsers: [reader] }, pg)
    // RSVPs: many members answering upcoming events.
    const rsvp = await run('RSVP POST', {
      url: base, method: 'POST', paths: openEventIds.map((id) => `/c/${SLUG}/events/${id}/rsvp`), browsers: rsvpers, form: { choice: ['going', 'maybe', 'declined'] }
    }, pg)
    const dashboard = await run('review dashboard', { url: base, method: 'GET', paths: [dashboardPath], browsers: [organizer] }, pg)
    const reviewList = await run('review list', { url: base, method: 'GET', paths: [reviewListPath], browsers: [reviewer] }, pg)
    const agenda = await run('agenda page', { url: base, method: 'GET', paths: [agendaPath], browsers: [reader] }, pg)
    const nameSearch = await run('search: a name', { url: base, method: 'GET', paths: [typoPath], browsers: [searcher] }, pg)
    const broadSearch = await run('search: a topic', { url: base, method: 'GET', paths: [broadPath], browsers: [searcher] }, pg)
    const profile = await run('member page', { url: base, method: 'GET', paths: profilePaths, browsers: [searcher] }, pg)
    // Issue 13's pages at a few requests at a time: response times, beside a bare route at the same concurrency.
    const c = SCALE_CONNECTIONS
    const scaleBare = await measure(`bare route ×${c}`, { url: bareUrl, method: 'GET', paths: ['/bare'], browsers: [] }, false, c)
    const scaleRows = [
      await run(`search: a name ×${c}`, { url: base, method: 'GET', paths: [typoPath], browsers: [searcher] }, pg, c),
      await run(`search: a topic ×${c}`, { url: base, method: 'GET', paths: [broadPath], browsers: [searcher] }, pg, c),
      await run(`search: "dna" ×${c}`, { url: base, method: 'GET', paths: [dnaPath], browsers: [searcher] }, pg, c),
      await run(`member page ×${c}`, { url: base, method: 'GET', paths: profilePaths, browsers: [searcher] }, pg, c),
      await run(`event page, going ×${c}`, { url: base, method: 'GET', paths: goingPaths, browsers: [goingMember] }, pg, c)
    ]
    const peak = peakMemory()
    // The other half of those RSVPs: their invites, which the worker builds (this process runs as a web process,
    // WORKER=false, so the answers wait in calendar_changes). Timed here, after the peak memory was read.
    process.stdout.write('Building the invites of the queued answers, as the worker does… ')
    const workerStart = performance.now()
    const answersMailed = await sendCalendarChanges(app.db, app.mailer)
    const workerSeconds = (performance.now() - workerStart) / 1000
    const invitesBuilt = Number((await app.db.selectFrom('mail_messages').select((eb) => eb.fn.countAll().as('n'))
      .where('kind', 'in', ['calendar-invite', 'calendar-removed']).executeTakeFirstOrThrow()).n)
    const answerMail = { answers: answersMailed, messages: invitesBuilt, seconds: +workerSeconds.toFixed(1), answersPerSecond: Math.round(answersMailed / workerSeconds) }
    console.log(`${answersMailed} answers (${invitesBuilt} messages) in ${answerMail.seconds} s: ${answerMail.answersPerSecond} answers/s`)
    // What stays after a full collection: tells retained memory (a leak, caches) from the collector's headroom.
    v8.setFlagsFromString('--expose-gc')
    ;(vm.runInNewContext('gc') as () => void)()
    const afterGc = process.memoryUsage()

    const targets = [
      ...scaleRows.filter((r) => r.requests).map((r) => ({ target: `${r.name.replace(/ ×\d+$/, '')} p95 < 50 ms`, value: r.p95, pass: r.rps > 0 && r.p95 < 50 })),
      // Targets of pages BENCH_ONLY left out are not reported.
      ...(wanted(page.name) ? [{ target: 'event page throughput ≥ 15% of bare', value: page.rps / bareResult.rps, pass: page.rps / bareResult.rps >= 0.15 },
        // A target that answered nothing has no latency to speak of: a p99 of 0 ms is a miss, not a pass.
        { target: 'event page p99 < 50 ms', value: page.p99, pass: page.rps > 0 && page.p99 < 50 }] : []),
      ...(wanted(rsvp.name) ? [{ target: 'RSVP POST p99 < 100 ms', value: rsvp.p99, pass: rsvp.rps > 0 && rsvp.p99 < 100 }] : []),
      { target: 'peak memory < 250 MB', value: Math.round(peak / MB), pass: peak < 250 * MB },
      { target: 'first start < 10 s', value: start.firstStartSeconds, pass: start.firstStartSeconds < 10 },
      { target: 'restart < 3 s', value: start.restartSeconds, pass: start.restartSeconds < 3 }
    ]

    // ---- Report
    const rows = [bareResult, page, list, rsvp, dashboard, reviewList, agenda, nameSearch, broadSearch, profile].filter((r) => r === bareResult || r.requests)
    const pad = (s: string, n: number) => s.padEnd(n)
    const lpad = (s: string, n: number) => s.padStart(n)
    console.log('')
    console.log(`${CONNECTIONS} connections, ${SECONDS} s per target, ${serverBase ? 'PostgreSQL server' : 'embedded database'}, pg pool ${poolOf ? poolOf.options.max : '-'}, Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`)
    const table = (rs: Measured[], bare: Measured) => {
      const w = Math.max(17, ...rs.map((r) => r.name.length + 2))
      const ms = (n: number) => Number.isFinite(n) ? n.toFixed(1) : '-'
      console.log(`${pad('target', w)}${lpad('req/s', 9)}${lpad('p95 ms', 9)}${lpad('p99 ms', 9)}${lpad('× bare req/s', 14)}${lpad('× bare p95', 12)}${lpad('× bare p99', 12)}${lpad('queries/req', 13)}${lpad('CPU ms/req', 12)}${lpad('CPU %', 7)}${lpad('pool wait', 11)}  status codes`)
      for (const r of rs) {
        const codes = Object.entries(r.statusCodes).map(([c, n]) => `${c}:${n}`).join(' ') + (r.errors ? ` errors:${r.errors}` : '') + (r.timeouts ? ` timeouts:${r.timeouts}` : '')
        console.log(`${pad(r.name, w)}${lpad(String(r.rps), 9)}${lpad(ms(r.p95), 9)}${lpad(ms(r.p99), 9)}${lpad((r.rps / bare.rps).toFixed(3), 14)}${lpad((r.p95 / Math.max(bare.p95, 0.1)).toFixed(1), 12)}${lpad((r.p99 / Math.max(bare.p99, 0.1)).toFixed(1), 12)}${lpad(r.queriesPerRequest === null ? '-' : String(r.queriesPerRequest), 13)}${lpad(String(r.serverCpuMsPerRequest), 12)}${lpad(String(r.serverCpuPercent), 7)}${lpad(r.poolWaitingMean === null ? '-' : `${r.poolWaitingMean}/${r.poolWaitingMax}`, 11)}  ${codes}`)
      }
    }
    table(rows, bareResult)
    const shownScale = scaleRows.filter((r) => r.requests)
    if (shownScale.length) {
      console.log(`\nIssue 13's pages at ${SCALE_CONNECTIONS} connections (${MEMBERS} members, ${EVENTS * RSVPS_PER_EVENT} RSVPs, ${ties.connections} connections; ratios to the bare route at ${SCALE_CONNECTIONS} connections):`)
      table([scaleBare, ...shownScale], scaleBare)
    }
    if (serverBase) {
      console.log('\nSlowest statements by total time (count, mean round trip):')
      for (const r of [...rows.slice(1), ...shownScale]) {
        console.log(`  ${r.name}:`)
        for (const q of r.topQueries.slice(0, 3)) console.log(`    ${String(q.count).padStart(7)} × ${q.meanMs.toFixed(2).padStart(6)} ms  ${q.sql.slice(0, 110)}`)
      }
    }
    console.log(`Invites of the RSVPs (worker): ${answerMail.answers} answers, ${answerMail.messages} messages, ${answerMail.answersPerSecond} answers/s in one process`)
    const caches = Object.entries(app.caches).map(([name, c]) => `${name} ${c.hits} hits / ${c.misses} misses (${c.size} kept)`)
    console.log(`Read caches over the whole run, warm-ups included: ${caches.join('; ')}`)
    console.log(`Peak memory (RSS of the server process; the load generator runs in a child process): ${(peak / MB).toFixed(0)} MB (${(memoryBeforeLoad / MB).toFixed(0)} MB before the load; at the peak sample: V8 heap ${(atPeak.heapUsed / MB).toFixed(0)} MB used of ${(atPeak.heapTotal / MB).toFixed(0)} MB, external ${(atPeak.external / MB).toFixed(0)} MB; after a full GC: RSS ${(afterGc.rss / MB).toFixed(0)} MB, heap used ${(afterGc.heapUsed / MB).toFixed(0)} MB)`)
    console.log('')
    for (const t of targets) {
      const shown = t.target.startsWith('event page throughput') ? `${(t.value * 100).toFixed(1)}%` : t.target.startsWith('peak') ? `${t.value} MB` : / s$/.test(t.target) ? `${t.value.toFixed(1)} s` : `${t.value} ms`
      console.log(`${t.pass ? 'PASS' : 'MISS'}  ${pad(t.target, 38)} ${shown}`)
    }

    const report = {
      date: new Date().toISOString(),
      database: serverBase ? 'postgres' : 'pglite',
      node: process.version,
      cpus: os.cpus().length,
      loadAverage: os.loadavg(),
      connections: CONNECTIONS,
      secondsPerTarget: SECONDS,
      scale: SCALE.name,
      scaleConnections: SCALE_CONNECTIONS,
      seed: { members: MEMBERS, events: EVENTS, rsvps: EVENTS * RSVPS_PER_EVENT, checkIns: ties.checkIns, connections: ties.connections, metMarks: ties.metMarks, proposals: PROPOSALS, reviewers: REVIEWERS, agendaSessions: SESSIONS },
      results: rows.map((r) => ({ ...r, rpsRatioToBare: r.rps / bareResult.rps, p95RatioToBare: r.p95 / Math.max(bareResult.p95, 0.1), p99RatioToBare: r.p99 / Math.max(bareResult.p99, 0.1) })),
      scaleResults: [scaleBare, ...shownScale].map((r) => ({ ...r, rpsRatioToBare: r.rps / scaleBare.rps, p95RatioToBare: r.p95 / Math.max(scaleBare.p95, 0.1), p99RatioToBare: r.p99 / Math.max(scaleBare.p99, 0.1) })),
      answerMail,
      start,
      readCaches: Object.fromEntries(Object.entries(app.caches).map(([name, c]) => [name, { hits: c.hits, misses: c.misses, kept: c.size }])),
      peakMemoryMB: Math.round(peak / MB),
      memoryBeforeLoadMB: Math.round(memoryBeforeLoad / MB),
      memoryAfterGcMB: Object.fromEntries(Object.entries(afterGc).map(([k, v]) => [k, Math.round(v / MB)])),
      memoryAtPeakSampleMB: Object.fromEntries(Object.entries(atPeak).map(([k, v]) => [k, Math.round(v / MB)])),
      targets,
      totalSeconds: Math.round((Date.now() - started) / 1000)
    }
    const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results')
    fs.mkdirSync(dir, { recursive: true })
    const file = path.join(dir, `${report.date.replace(/[:.]/g, '-')}.json`)
    fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n')
    console.log(`\nWritten to ${path.relative(process.cwd(), file)}`)
  } finally {
    await bare.close()
    if (app) await app.close()
    if (connection) await connection.db.destroy()
    // BENCH_KEEP=1 keeps the seeded database on the server (to EXPLAIN its queries); drop it by hand after.
    if (serverBase && process.env.BENCH_KEEP === '1') console.log(`Kept the database ${dbName} (drop database ${dbName}; when done).`)
    else if (serverBase) await onServer(serverBase, `drop database if exists ${dbName} with (force)`)
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true })
  }
}

// Run as a script (not when another script imports `seed`).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(() => process.exit(0), (err) => {
    console.error(err)
    process.exit(1)
  })
}
