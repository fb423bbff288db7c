import t from 'tap'
import { DateTime } from 'luxon'
import Fastify, { type RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import app from '../../src/app.js'
import { ajvOptions } from '../../src/lib/validation.js'
import schemasPlugin, { missingSchemaParts } from '../../src/plugins/app/schemas.js'
import { createTestDatabase } from '../fixtures/database.js'
import { Client, createTestApp, testConfig, text } from '../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'

// Every route validates its params, query string and body against a schema (src/lib/schema.ts), and what a
// schema refuses reaches the person as a page that names the field — never a silent cut, never raw JSON.

const jan = `${DateTime.now().year + 1}-01-14`

t.test('every route has a schema for its params, query string and body', async (t) => {
  const database = await createTestDatabase()
  const routes: RouteOptions[] = []
  const server = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true }, ajv: { customOptions: ajvOptions } })
  server.addHook('onRoute', (route) => { if (route.method !== 'HEAD') routes.push(route) })
  await server.register(fp(app), { config: testConfig(), connection: database.connection })
  await server.ready()
  t.teardown(async () => {
    await server.close()
    await database.drop()
  })
  // Static files (/public, /uswds) are served by @fastify/static, registered before the check; everything else is ours.
  const ours = routes.filter((r) => !r.url!.startsWith('/public/') && !r.url!.startsWith('/uswds/'))
  t.ok(ours.length >= 70, `routes found: ${ours.length}`)
  t.same(ours.map((r) => `${[r.method].flat().join(',')} ${r.url}: ${missingSchemaParts(r as RouteOptions).join(', ')}`).filter((s) => !s.endsWith(': ')), [],
    'routes without a full schema')
})

t.test('schema errors as people meet them', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer' })
  const member = await createMember(db, { full_name: 'Mo Member' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [member] })
  const organizer = new Client(app)
  await signInAs(organizer, orga)
  const fields = {
    title: 'Kit validation meetup', kind: 'meetup', why_it_matters: 'See how another lab validated its kit.', summary: '',
    time_zone: 'America/New_York', start_date: jan, start_time: '12:00', end_time: '13:00', venue_name: 'State Lab', capacity: ''
  }

  await t.test('a limit is an error that names the field and its limit, with the input kept', async (t) => {
    const long = 'x'.repeat(10_000)
    const res = await organizer.post(`/c/${community.slug}/orga/events/new`, { ...fields, summary: long, venue_name: 'v'.repeat(501) })
    t.equal(res.statusCode, 400)
    const page = text(res.body)
    t.match(page, 'The summary must be 5000 characters or fewer (you entered 10000).')
    t.match(page, 'The venue name must be 500 characters or fewer (you entered 501).')
    t.ok(res.body.includes(`>${long}</textarea>`), 'the whole summary is kept in the form, uncut')
    t.equal(await db.selectFrom('events').select('id').executeTakeFirst(), undefined, 'nothing saved')
  })

  await t.test('single-line fields are one line: a line break is an error naming the field, with the input kept; text areas keep theirs', async (t) => {
    const injected = 'Kit meetup\r\nBcc: everyone@agency.gov'
    const res = await organizer.post(`/c/${community.slug}/orga/events/new`, { ...fields, title: injected })
    t.equal(res.statusCode, 400)
    t.match(text(res.body), 'A title must be one line, without line breaks or tabs.')
    t.ok(res.body.includes(`value="${injected}"`), 'the title is kept in the form as typed')
    for (const other of ['Kit\rmeetup', 'Kit\nmeetup', 'Kit\tmeetup', 'Kit\u0085meetup', 'Kit\u2028meetup', 'Kit\u0007meetup']) {
      const again = await organizer.post(`/c/${community.slug}/orga/events/new`, { ...fields, title: other, venue_name: `Lab${other.slice(3, 4)}2` })
      const name = `U+${other.codePointAt(3)!.toString(16).padStart(4, '0')}` // a raw U+2028 in a test name breaks TAP
      t.equal(again.statusCode, 400, name)
      t.match(text(again.body), 'A title must be one line', name)
      t.match(text(again.body), 'The venue name must be one line', name)
    }
    t.equal(await db.selectFrom('events').select('id').where('title', 'like', 'Kit%meetup%').executeTakeFirst(), undefined, 'nothing saved')
    const series = await organizer.post(`/c/${community.slug}/orga/series/new`, { title: 'Monthly\ncall' })
    t.equal(series.statusCode, 400)
    t.match(text(series.body), 'A title must be one line')
    const settings = await organizer.post(`/c/${community.slug}/orga/settings`, { name: 'DNA\r\nAnalysts' })
    t.equal(settings.statusCode, 400)
    t.match(text(settings.body), 'The name must be one line')
    const profile = await organizer.post('/profile', { full_name: 'Olive\nOrganizer', agency: 'State\rLab', job_title: 'Lead\n' + 'x' })
    t.equal(profile.statusCode, 400)
    t.match(text(profile.body), 'Your full name must be one line')
    t.match(text(profile.body), 'Your agency must be one line')
    t.match(text(profile.body), 'Your job title must be one line')

    const multi = await organizer.post(`/c/${community.slug}/orga/events/new`, { ...fields, title: 'Lines kept', summary: 'First line\r\nSecond line\nThird', accessibility_notes: 'Ramp\nLoop' })
    t.equal(multi.statusCode, 303, 'text areas take line breaks')
    const saved = await db.selectFrom('events').select(['summary', 'accessibility_notes']).where('title', '=', 'Lines kept').executeTakeFirstOrThrow()
    t.match(saved.summary, /First line\r?\nSecond line\nThird/)
    t.equal(saved.accessibility_notes, 'Ramp\nLoop')
  })

  await t.test('the error summary never repeats a long value', async (t) => {
    const res = await organizer.post(`/c/${community.slug}/orga/events/new`, { ...fields, online_url: 'ftp://' + 'y'.repeat(10_000) })
    t.equal(res.statusCode, 400)
    const summary = /id="error-summary"[\s\S]*?<\/div>\s*<\/div>/.exec(res.body)?.[0] ?? ''
    t.match(text(summary), 'The join link must be 1000 characters or fewer (you entered 10006).')
    t.ok(summary.length < 2000, `the summary is short (${summary.length} characters)`)
  })

  await t.test('a value sent twice, or a field the form does not have, is refused or dropped, not crashed on', async (t) => {
    const twice = await organizer.post(`/c/${community.slug}/orga/events/new`, { ...fields, title: ['One', 'Two'] })
    t.equal(twice.statusCode, 400)
    t.match(text(twice.body), 'A title was sent more than once')
    const extra = await organizer.post(`/c/${community.slug}/orga/events/new`, { ...fields, is_admin: 'true' })
    t.equal(extra.statusCode, 303, 'an unknown field is dropped; the event is saved')
  })

  await t.test('a schema error on a button waits for the guards: outsiders learn nothing from it', async (t) => {
    const event = await db.selectFrom('events').select('id').executeTakeFirstOrThrow()
    const stranger = new Client(app)
    await signInAs(stranger, await createMember(db))
    const res = await stranger.post(`/c/${community.slug}/orga/events/${event.id}/publish`, { confirm: 'maybe' }, { csrfFrom: '/' })
    t.equal(res.statusCode, 404, 'a non-member gets not-found, as for any page of the community')
    const own = await organizer.post(`/c/${community.slug}/orga/events/${event.id}/publish`, { confirm: 'maybe' }, { csrfFrom: '/' })
    t.equal(own.statusCode, 400)
    t.match(own.headers['content-type'], 'text/html')
    t.match(text(own.body), 'Something in what was sent is not valid')
  })

  await t.test('an id that cannot be one is not found', async (t) => {
    for (const id of ['abc', '0', '2147483648', '1e3']) {
      const res = await organizer.get(`/c/${community.slug}/orga/events/${id}/edit`)
      t.equal(res.statusCode, 404, id)
      t.match(res.headers['content-type'], 'text/html')
    }
  })

  await t.test('an address part past the length limit gets the HTML error page', async (t) => {
    for (const url of [`/c/${'a'.repeat(101)}`, `/rsvp/${'t'.repeat(5000)}`]) {
      const res = await app.inject({ method: 'GET', url })
      t.equal(res.statusCode, 414, url.slice(0, 20))
      t.match(res.headers['content-type'], 'text/html')
      t.match(text(res.body), 'That address is too long')
      t.notMatch(res.body, 'FST_ERR')
    }
  })
})

t.test('a route added without a schema stops the app from starting', async (t) => {
  const app = Fastify({ logger: false })
  await app.register(schemasPlugin)
  await t.rejects(async () => {
    await app.register(async (child) => { child.get('/x/:id', async () => 'x') })
    await app.ready()
  }, /Route GET \/x\/:id has no schema for params, querystring/)
})
