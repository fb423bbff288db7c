import Fastify, { type RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import t from 'tap'
import app from '../../src/app.js'
import { ajvOptions } from '../../src/lib/validation.js'
import { createEvent, publishEvent } from '../../src/domain/events/events.service.js'
import { Client, testConfig, text } from '../fixtures/build-app.js'
import { createTestDatabase } from '../fixtures/database.js'
import { eventInput } from '../fixtures/events.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'

// The guards are hooks of route folders (src/routes/README.md): a page added under /c/:slug is members-only,
// and one added under /c/:slug/orga is for organizers, without the route asking. This walks every route the
// app registers, so a new page is checked the day it is added.
t.test('every page under /c/:slug is guarded by its folder', async (t) => {
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

  const organizer = await createMember(server.db)
  const member = await createMember(server.db)
  const stranger = await createMember(server.db)
  const community = await createCommunity(server.db, { slug: 'forensics', name: 'Forensic Scientists', organizer, members: [member] })
  const event = await server.db.transaction().execute((trx) => createEvent(trx, community.id, eventInput(), organizer.id))
  await server.db.transaction().execute((trx) => publishEvent(trx, event.id))

  async function as (who: typeof member | null) {
    const c = new Client(server)
    if (who) await signInAs(c, who)
    return c
  }
  async function request (c: Client, route: RouteOptions) {
    const url = route.url!.replace(':slug', 'forensics').replace(':id', String(event.id)).replace(':termId', '1')
    const method = [route.method].flat()[0]
    return { url, res: method === 'GET' ? await c.get(url) : await c.post(url, {}, { csrfFrom: '/sign-in' }) }
  }

  const underC = routes.filter((r) => r.url!.startsWith('/c/:slug'))
  const membersOnly = underC.filter((r) => r.config?.access === undefined)
  const orga = underC.filter((r) => r.url!.startsWith('/c/:slug/orga/'))
  t.ok(membersOnly.length >= 40, `members-only pages found: ${membersOnly.length}`)
  t.ok(orga.length >= 30, `organizer pages found: ${orga.length}`)
  t.same(underC.filter((r) => r.config?.access !== undefined).map((r) => `${[r.method].flat()[0]} ${r.url}`).sort(), [
    'GET /c/:slug', 'GET /c/:slug/calls/:id/proposals/:pid/co-speaker', 'GET /c/:slug/join', 'GET /c/:slug/join/norms',
    'POST /c/:slug/calls/:id/proposals/:pid/co-speaker', 'POST /c/:slug/join', 'POST /c/:slug/join/norms'
  ], 'only the landing page, joining and a co-speaker invitation (told to join first; 404 unless invited) are open to non-members')

  t.test('not found for people outside the community, signed in or not', async (t) => {
    for (const who of [null, stranger]) {
      const c = await as(who)
      for (const route of membersOnly) {
        const { url, res } = await request(c, route)
        t.equal(res.statusCode, 404, `${who ? 'non-member' : 'anonymous'} ${route.method} ${url}`)
        t.notMatch(text(res.body), 'Forensic Scientists')
      }
    }
  })

  t.test('forbidden to members who are not organizers', async (t) => {
    const c = await as(member)
    for (const route of orga) {
      const { url, res } = await request(c, route)
      t.equal(res.statusCode, 403, `member ${route.method} ${url}`)
      t.match(text(res.body), 'Only this community’s organizers can do that.')
    }
  })
})
