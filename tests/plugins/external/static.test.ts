import t from 'tap'
import { Writable } from 'node:stream'
import zlib from 'node:zlib'
import { buildApp } from '../../../src/build.js'
import { createTestApp, testConfig } from '../../fixtures/build-app.js'
import { createTestDatabase } from '../../fixtures/database.js'

// The stylesheet and scripts every page links are sent compressed, under names that carry a hash of their
// content and may be cached for a year; the plain names still work, with an hour's cache.

const linked = (html: string): string[] => [...html.matchAll(/(?:href|src)="(\/(?:uswds|public)\/[^"]+)"/g)].map((m) => m[1])

t.test('the layout links fingerprinted files, sent compressed and cached for a year', async (t) => {
  const { app } = await createTestApp(t)
  const page = await app.inject({ url: '/sign-in' })
  t.equal(page.statusCode, 200)
  const urls = linked(page.body)
  const css = urls.find((u) => /^\/uswds\/css\/uswds\.min\.[0-9a-f]{12}\.css$/.test(u))
  t.ok(css, `the USWDS stylesheet is linked by a fingerprinted name (${urls.join(', ')})`)
  for (const name of ['/public/convene.css', '/public/convene.js', '/uswds/js/uswds.min.js', '/uswds/js/uswds-init.min.js', '/public/favicon.svg']) {
    const dot = name.lastIndexOf('.')
    t.ok(urls.includes(app.assetUrl(name)) && app.assetUrl(name).startsWith(name.slice(0, dot) + '.') && app.assetUrl(name) !== name,
      `${name} is linked as ${app.assetUrl(name)}`)
  }
  t.match(page.body, /<link rel="icon" href="\/public\/favicon\.[0-9a-f]{12}\.svg" type="image\/svg\+xml">/, 'a favicon is linked')

  const plain = await app.inject({ url: '/uswds/css/uswds.min.css' })
  t.ok(plain.rawPayload.length > 400_000, `uncompressed it is ${plain.rawPayload.length} bytes`)

  const br = await app.inject({ url: css!, headers: { 'accept-encoding': 'gzip, deflate, br' } })
  t.equal(br.statusCode, 200)
  t.equal(br.headers['content-encoding'], 'br')
  t.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable')
  t.match(br.headers['content-type'], 'text/css')
  t.equal(br.headers.vary, 'Accept-Encoding')
  t.ok(br.rawPayload.length < 100_000, `brotli: ${br.rawPayload.length} bytes`)
  t.same(zlib.brotliDecompressSync(br.rawPayload), plain.rawPayload, 'the same stylesheet')

  const gzip = await app.inject({ url: css!, headers: { 'accept-encoding': 'gzip' } })
  t.equal(gzip.headers['content-encoding'], 'gzip')
  t.ok(gzip.rawPayload.length < 100_000, `gzip: ${gzip.rawPayload.length} bytes`)
  t.same(zlib.gunzipSync(gzip.rawPayload), plain.rawPayload, 'the same stylesheet')

  const refused = await app.inject({ url: css!, headers: { 'accept-encoding': 'br;q=0, identity' } })
  t.equal(refused.headers['content-encoding'], undefined, 'a browser that refuses br (and takes no gzip) gets it as it is')
  t.same(refused.rawPayload, plain.rawPayload)

  const again = await app.inject({ url: css!, headers: { 'if-none-match': br.headers.etag as string } })
  t.equal(again.statusCode, 304, 'revalidation by ETag answers 304')

  t.equal(plain.headers['cache-control'], 'public, max-age=3600', 'the plain name is kept an hour only')
  const plainBr = await app.inject({ url: '/uswds/css/uswds.min.css', headers: { 'accept-encoding': 'br' } })
  t.equal(plainBr.headers['content-encoding'], 'br', 'and compressed too')

  const font = await app.inject({ url: '/uswds/img/us_flag_small.png' })
  t.equal(font.statusCode, 200, 'other USWDS files are still served by their names')
  t.match(font.headers['cache-control'], /max-age=3600/)
  t.equal((await app.inject({ url: '/uswds/css/uswds.min.0123456789ab.css' })).statusCode, 404, 'a stale fingerprint is not found')
})

t.test('static files are not request-logged; pages are', async (t) => {
  const database = await createTestDatabase()
  const lines: Array<{ msg?: string, req?: { url?: string } }> = []
  const stream = new Writable({ write (chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done() } })
  const app = await buildApp({ config: testConfig({ LOG_LEVEL: 'info' }), connection: database.connection, logger: { level: 'info', stream } })
  t.teardown(async () => { await app.close(); await database.drop() })
  await app.inject({ url: app.assetUrl('/uswds/css/uswds.min.css') })
  await app.inject({ url: '/uswds/css/uswds.min.css' })
  await app.inject({ url: '/public/convene.js' })
  await app.inject({ url: '/uswds/img/us_flag_small.png' })
  await app.inject({ url: '/sign-in' })
  const logged = lines.filter((l) => l.msg === 'incoming request').map((l) => l.req?.url)
  t.same(logged, ['/sign-in'], 'only the page request is logged')
})

t.test('in development the plain names are linked and read from disk on each request', async (t) => {
  const { app } = await createTestApp(t, { config: { NODE_ENV: 'development' } })
  const page = await app.inject({ url: '/sign-in' })
  t.equal(page.statusCode, 200)
  t.match(page.body, '<link rel="stylesheet" href="/uswds/css/uswds.min.css">')
  t.match(page.body, '<link rel="stylesheet" href="/public/convene.css">')
  t.equal((await app.inject({ url: '/public/convene.css' })).statusCode, 200)
})
