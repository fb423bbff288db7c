import t from 'tap'
import Fastify, { type RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import app from '../../src/app.js'
import { ajvOptions } from '../../src/lib/validation.js'
import { Client, testConfig, text } from '../fixtures/build-app.js'
import { createTestDatabase } from '../fixtures/database.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'

// Every POST route the app registers, found by listening to route registration: a route added later is
// covered without editing this test.
t.test('every POST route refuses a request without a CSRF token', async (t) => {
  const database = await createTestDatabase()
  const fastify = Fastify({ logger: false, ajv: { customOptions: ajvOptions } })
  const posts: RouteOptions[] = []
  fastify.addHook('onRoute', (route) => {
    const methods = [route.method].flat()
    if (methods.includes('POST')) posts.push(route)
  })
  await fastify.register(fp(app), { config: testConfig(), connection: database.connection })
  await fastify.ready()
  t.teardown(async () => { await fastify.close(); await database.drop() })

  const admin = await createMember(fastify.db, { is_admin: true })
  const community = await createCommunity(fastify.db, { slug: 'dna', organizer: admin })
  const client = new Client(fastify)
  await signInAs(client, admin)
  await client.get('/') // a CSRF cookie, but no token in the body

  const exempt = posts.filter((r) => (r.config as { csrf?: boolean } | undefined)?.csrf === false).map((r) => r.url)
  const checked = posts.filter((r) => (r.config as { csrf?: boolean } | undefined)?.csrf !== false)
  t.ok(checked.length >= 15, `found ${checked.length} POST routes (exempt: ${exempt.join(', ') || 'none'})`)
  for (const route of checked) {
    const url = route.url.replace(':slug', community.slug).replace(/:[A-Za-z]+/g, '1')
    const res = await client.post(url, { anything: 'x' }, { csrf: false })
    t.equal(res.statusCode, 403, `POST ${route.url} without a token → 403`)
    t.match(text(res.body), 'This form has expired or was not sent from Convene', `POST ${route.url} explains why`)
  }
})
