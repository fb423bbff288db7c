import t from 'tap'
import fc from 'fast-check'
import type { RouteOptions } from 'fastify'
import { Client, createTestApp } from '../fixtures/build-app.js'
import { signInAs } from '../fixtures/factories.js'
import { buildTwoCommunities } from '../fixtures/two-communities.js'

// Hostile input on every route, as every kind of viewer, with a valid session and CSRF token so that the input
// reaches the route's schema and handler: never a 5xx. Values are drawn from each route's own schema (so many
// pass it and reach the handler) mixed with hostile ones: ids past PostgreSQL's integer, broken UTF-8, lone
// surrogates, 100,000-character values, control characters, deeply nested keys, a key repeated thousands of
// times, other content types. A fixed seed by default; FUZZ_SEED=<n> tries another, FUZZ_RUNS=<n> runs more
// per route (the default keeps the file around a minute on a busy 2-core machine).

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261204
const runsPerRoute = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 16

/** Percent-encodes a JavaScript string as UTF-8, writing a lone surrogate as its (invalid) three UTF-8 bytes. */
function encode (s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff
    if (pair) { out += encodeURIComponent(s.slice(i, i + 2)); i++ } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => '%' + b.toString(16).toUpperCase()).join('')
    } else out += encodeURIComponent(s[i])
  }
  return out
}

/** A value as it goes on the wire (already percent-encoded). */
type Raw = string

interface Field { type?: string, enum?: string[], format?: string, maxLength?: number, minLength?: number, items?: Field, maxItems?: number, properties?: Record<string, Field> }

t.test('no route answers hostile input with a 5xx', async (t) => {
  const routes: RouteOptions[] = []
  const { app } = await createTestApp(t, { onRoute: (r) => { if (r.method !== 'HEAD') routes.push(r) } })
  const db = app.db
  const w = await buildTwoCommunities(db)
  // Deleting one's account goes last: a viewer may type their own address (the member is Ada), and a deleted
  // member cannot be signed in again for the routes after it.
  const deletesAccount = (r: RouteOptions) => r.url === '/profile/delete' && [r.method].flat()[0] === 'POST'
  const ours = routes.filter((r) => !r.url!.startsWith('/public/') && !r.url!.startsWith('/uswds/'))
    .sort((x, y) => Number(deletesAccount(x)) - Number(deletesAccount(y)))
  t.ok(ours.length >= 70, `routes found: ${ours.length}`)
  t.comment(`fuzz seed ${seed} (FUZZ_SEED=<n> to try another), ${runsPerRoute} runs per route (FUZZ_RUNS)`)

  const viewers = {
    anonymous: new Client(app),
    outsider: new Client(app),
    member: new Client(app),
    organizer: new Client(app),
    admin: new Client(app)
  }
  const who = { outsider: w.outsider, member: w.a.members[0], organizer: w.a.organizer, admin: w.admin }
  // The sign-in page has a form for everyone: each viewer's CSRF cookie and its token.
  for (const c of Object.values(viewers)) await c.get('/sign-in')
  t.ok(Object.values(viewers).every((c) => c.lastCsrf), 'every viewer holds a CSRF token')
  /** Fresh sessions, admins and organizer terms restored: a route run before (sign out, end a term…) leaves no trace. */
  async function restore (): Promise<void> {
    for (const [k, m] of Object.entries(who)) await signInAs(viewers[k as keyof typeof who], m)
    await db.updateTable('members').set({ is_admin: true }).where('id', 'in', [w.admin.id, w.otherAdmin.id]).execute()
    await db.updateTable('coordinator_terms').set({ ends_on: null }).where('id', 'in', [...w.a.termIds, ...w.b.termIds]).execute()
    await db.deleteFrom('rate_limits').execute()
  }

  const allIds = [...new Set(Object.values({ ...w.a.ids }).flat().concat(Object.values(w.b.ids).flat(), [w.admin.id, w.otherAdmin.id, w.outsider.id]))]
  const badIds = ['2147483648', '-1', '1e30', '0x10', '', '0', '1.5', ' 7', '99999999999999999999999', '１２', 'NaN', 'null', '[object Object]']

  // --- values ----------------------------------------------------------------------------------------------
  const hostileText: fc.Arbitrary<string> = fc.oneof(
    fc.constantFrom(...badIds),
    fc.constantFrom('\ud800', 'a\udfffb', '\ud83d', '\r\nSet-Cookie: x=y', '\u0000', '\u0007\u001b[31m', '\u202etxt.exe', '\ufeff', '\u2028',
      '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '{{= it }}', '<%= it %>', "'; drop table members; --", '%', '%%',
      '../../etc/passwd', 'https://evil.example/', 'javascript:alert(1)', '2026-02-30', '99999-01-01', '24:61', '-0', 'Infinity',
      '__proto__', 'constructor', 'America/Nowhere', 'FREQ=SECONDLY;COUNT=999999999', 'true', 'on'),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(100_000, 5_001, 1_001, 201).map((n) => 'x'.repeat(n)),
    fc.constant('é'.repeat(60_000)),
    fc.integer().map(String)
  )
  /** Broken UTF-8 and broken escapes, written on the wire as they are. */
  const hostileRaw: fc.Arbitrary<Raw> = fc.constantFrom('%C0%AF', '%FF', '%ED%A0%80', '%E0%80', '%F4%90%80%80', '%', '%zz', 'a%2', '%00', '%0D%0A', '%C3')
  const hostile: fc.Arbitrary<Raw> = fc.oneof({ weight: 3, arbitrary: hostileText.map(encode) }, { weight: 1, arbitrary: hostileRaw })

  const today = new Date()
  const isoDay = (d: number) => new Date(today.getTime() + d * 86_400_000).toISOString().slice(0, 10)
  /** A value the field's schema accepts (or nearly: lengths at and past the limit). */
  function fitting (f: Field, name: string): fc.Arbitrary<Raw> {
    if (f.enum) return fc.constantFrom(...f.enum).map(encode)
    switch (f.format) {
      case 'form-date': return fc.integer({ min: -400, max: 800 }).map(isoDay)
      case 'clock-time': return fc.constantFrom('00:00', '09:30', '12:00', '13:00', '23:59')
      case 'https-url': return fc.constantFrom('https://meet.example.gov/x', 'https://captions.example.gov/y')
      case 'digits': return fc.constantFrom('0', '1', '10', '500', '99999999999999')
      case 'time-zone': case 'known-time-zone': return fc.constantFrom('America/New_York', 'Europe/Berlin', 'UTC', 'Pacific/Kiritimati')
      case 'row-id': return fc.constantFrom(...allIds.map(String))
    }
    if (/email/.test(name)) return fc.constantFrom('ada.alpha@lab.gov', 'ada.beta@lab.gov', 'new.person@agency.gov', 'x@example.com', 'olive.alpha@lab.gov').map(encode)
    if (f.format === undefined && f.type === 'string') {
      const max = f.maxLength ?? 200
      return fc.oneof(fc.string({ minLength: f.minLength ?? 0, maxLength: Math.min(max, 30) }), fc.constant('y'.repeat(max)), fc.constant('z'.repeat(max + 1))).map(encode)
    }
    return fc.string({ maxLength: 20 }).map(encode)
  }
  /** The pairs of one field: fitting or hostile, and lists (id checkboxes) of one to thousands of values. */
  function pairsOf (name: string, f: Field): fc.Arbitrary<Array<[Raw, Raw]>> {
    const one = fc.oneof({ weight: 3, arbitrary: fitting(f.items ?? f, name) }, { weight: 1, arbitrary: hostile })
    const list = f.type === 'array' || name === 'hosts'
    return fc.oneof(
      { weight: 6, arbitrary: (list ? fc.array(one, { minLength: 0, maxLength: 4 }) : one.map((v) => [v])).map((vs) => vs.map((v): [Raw, Raw] => [name, v])) },
      // A key repeated thousands of times (short values: the body stays under the limit, so it is parsed).
      { weight: 1, arbitrary: fc.tuple(fc.oneof(fitting(f.items ?? f, name), hostile).filter((v) => v.length < 40), fc.constantFrom(2, 501, 3000)).map(([v, n]) => Array.from({ length: n }, (): [Raw, Raw] => [name, v])) },
      { weight: 1, arbitrary: fc.constant<Array<[Raw, Raw]>>([]) }
    )
  }
  const hostileKey: fc.Arbitrary<Raw> = fc.oneof(
    fc.constantFrom('a' + '[b]'.repeat(2000), 'hosts[]', 'hosts[0]', 'title[]', '__proto__', 'constructor[prototype][x]', '__proto__[is_admin]', '', '=', '_csrf[]')
      .map((k) => k === '=' ? '%3D' : encode(k)),
    hostile
  )
  function bodyFor (route: RouteOptions, csrf: string): fc.Arbitrary<{ payload: string, type: string | undefined }> {
    const props = ((route.schema as { body?: Field } | undefined)?.body?.properties ?? {}) as Record<string, Field>
    const fields = Object.entries(props).filter(([k]) => k !== '_csrf')
    // Every field fitting but one, which is hostile: such forms pass the schema more often and reach the handler.
    const fitted = fields.map(([k, f]) => (f.type === 'array' || k === 'hosts'
      ? fc.array(fitting(f.items ?? f, k), { maxLength: 3 })
      : fitting(f, k).map((v) => [v])).map((vs) => vs.map((v): [Raw, Raw] => [k, v])))
    const oneHostile = fields.length === 0
      ? fc.constant<Array<Array<[Raw, Raw]>>>([])
      : fc.tuple(fc.tuple(...fitted), fc.nat(fields.length - 1), hostile)
        .map(([pairs, i, v]) => pairs.map((p, j) => j === i ? [[fields[i][0], v] as [Raw, Raw]] : p))
    const form = fc.tuple(
      fc.oneof(fc.tuple(...fields.map(([k, f]) => pairsOf(k, f))), oneHostile),
      fc.array(fc.tuple(hostileKey, hostile), { maxLength: 3 }),
      // Many fields: none, one deeply nested key, 5000 different keys, or one key 5000 times.
      fc.constantFrom<Array<[Raw, Raw]>>([], [], [], [[encode('a' + '[b]'.repeat(2000)), '1']],
        Array.from({ length: 5000 }, (_, i): [Raw, Raw] => [`f${i}`, '1']), Array.from({ length: 5000 }, (): [Raw, Raw] => ['title', '1'])),
      // Mostly the viewer's valid token (so the input reaches the handler); now and then a broken or doubled one.
      fc.oneof(
        { weight: 8, arbitrary: fc.constant<Array<[Raw, Raw]>>([['_csrf', encode(csrf)]]) },
        { weight: 1, arbitrary: fc.constantFrom<Array<[Raw, Raw]>>([['_csrf', encode(csrf)], ['_csrf', encode(csrf)]], [['_csrf', '%FF']], []) }
      )
    ).map(([own, extra, many, token]) => ({
      // The token first: node's querystring reads the first 1000 fields only (a longer form is refused by CSRF).
      payload: [...token, ...own.flat(), ...extra, ...many].map(([k, v]) => `${k}=${v}`).join('&'),
      type: 'application/x-www-form-urlencoded'
    }))
    const deepJson = fc.constantFrom(
      '['.repeat(50_000) + ']'.repeat(50_000), '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
      JSON.stringify({ hosts: Array.from({ length: 50_000 }, (_, i) => String(i)) }), '{"title":"\\ud800"}', '{', '')
    const other = fc.tuple(
      fc.oneof(deepJson, hostileText.map(encode), form.map((f) => f.payload)),
      fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x', 'multipart/form-data', 'application/xml',
        'application/x-www-form-urlencoded; charset=utf-16', 'application/x-www-form-urlencoded; charset=latin1', 'message/rfc822',
        'application/octet-stream', '*/*', 'text/html; charset=\u00ff', undefined)
    ).map(([payload, type]) => ({ payload, type }))
    return fc.oneof({ weight: 5, arbitrary: form }, { weight: 1, arbitrary: other })
  }

  /** What a path parameter may be: an id or slug that exists (here or in the other community) or anything else. */
  function paramValue (name: string): fc.Arbitrary<Raw> {
    const valid = name === 'slug'
      ? fc.constantFrom('alpha', 'alpha', 'alpha', 'beta', 'nope')
      : /^(id|termId|pid|sid|iid)$/.test(name)
        ? fc.constantFrom(...allIds.map(String))
        : fc.constantFrom('x', 'x.ics', 'all.ics', 'a'.repeat(64))
    return fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: hostile.filter((s) => s !== '' && s.length < 3000) },
      { weight: 1, arbitrary: fc.constantFrom('%2F', '..', '%2E%2E', '%C0%AE', 'a%2Fb', '%20', 'x;y', '.ics', '%ZZ') })
  }
  function urlFor (route: RouteOptions): fc.Arbitrary<string> {
    const names = [...route.url!.matchAll(/:(\w+)/g)].map((m) => m[1])
    const queryKeys = Object.keys((route.schema as { querystring?: Field } | undefined)?.querystring?.properties ?? {})
    const query = fc.array(fc.tuple(
      fc.oneof({ weight: 3, arbitrary: queryKeys.length ? fc.constantFrom(...queryKeys) : fc.constant('q') }, { weight: 1, arbitrary: hostileKey }),
      fc.oneof(fc.constantFrom('alpha', '1', '2', 'upcoming', 'past', '2027-01-01', 'all'), hostile)
    ), { maxLength: 4 })
    return fc.tuple(fc.tuple(...names.map(paramValue)), query).map(([values, q]) => {
      let i = 0
      const path = route.url!.replace(/:(\w+)/g, () => values[i++])
      return q.length ? `${path}?${q.map(([k, v]) => `${k}=${v}`).join('&')}` : path
    })
  }

  const failures: string[] = []
  const started = Date.now()
  let requests = 0
  const statuses = new Map<string, number>()
  const only = process.env.FUZZ_ROUTES ? new RegExp(process.env.FUZZ_ROUTES) : null
  for (const [routeIndex, route] of ours.entries()) {
    const method = [route.method].flat()[0] as string
    if (only && !only.test(`${method} ${route.url}`)) continue
    const routeStarted = Date.now()
    await restore()
    const viewerNames = Object.keys(viewers) as Array<keyof typeof viewers>
    // Each viewer's form carries the CSRF token of its own cookie.
    const request = fc.constantFrom(...viewerNames).chain((viewer) => fc.record({
      viewer: fc.constant(viewer),
      url: urlFor(route),
      body: method === 'GET' ? fc.constant({ payload: '', type: undefined }) : bodyFor(route, viewers[viewer].lastCsrf ?? '')
    }))
    const result = await fc.check(fc.asyncProperty(request, async ({ viewer, url, body }) => {
      const client = viewers[viewer]
      const headers: Record<string, string> = { cookie: [...client.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ') }
      if (body.type) headers['content-type'] = body.type
      if (body.type !== 'application/x-www-form-urlencoded') headers['x-csrf-token'] = client.lastCsrf ?? ''
      requests++
      const res = await app.inject({ method: method as 'GET', url, headers, ...(method === 'GET' ? {} : { payload: body.payload }) })
      const k = `${method} ${res.statusCode}${res.statusCode === 403 && res.body.includes('This form has expired') ? ' (CSRF)' : ''}`
      statuses.set(k, (statuses.get(k) ?? 0) + 1)
      if (process.env.FUZZ_VERBOSE && k.endsWith('(CSRF)')) console.error('CSRF', viewer, body.type, body.payload.slice(0, 100), body.payload.slice(-80))
      return res.statusCode < 500
    }), { seed: seed + routeIndex, numRuns: runsPerRoute, endOnFailure: false, verbose: 0 })
    if (result.failed) {
      const ce = result.counterexample?.[0] as { viewer: string, url: string, body: { payload: string, type?: string } } | undefined
      failures.push(`${method} ${route.url} as ${ce?.viewer}: ${ce?.url.slice(0, 200)} ` +
        `[${ce?.body.type}] ${ce?.body.payload.slice(0, 300)} (${ce?.body.payload.length} characters; ` +
        `again: FUZZ_SEED=${seed} FUZZ_RUNS=${runsPerRoute} FUZZ_ROUTES='^${method} ${route.url}$')` +
        (result.errorInstance ? ` ${String(result.errorInstance).slice(0, 200)}` : ''))
    }
    if (process.env.FUZZ_VERBOSE) console.error(`${method} ${route.url}: ${Date.now() - routeStarted} ms${result.failed ? ' FAILED' : ''}`)
  }
  t.comment(`${requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; answers: ${[...statuses].sort().map(([k, n]) => `${k}: ${n}`).join(', ')}`)
  // The input reached the handlers, not only the guards and schemas: forms were saved and pages shown.
  if (!only) t.ok((statuses.get('POST 303') ?? 0) > 0 && (statuses.get('GET 200') ?? 0) > 0, 'some forms went through and some pages were shown')
  t.same(failures, [], 'routes that answered a 5xx (or threw), with the smallest input found')
})
