import t from 'tap'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'

// Bodies no page sends, on every kind of route: refused with a 4xx page before any work, never a 5xx.

t.test('JSON, deep nesting and broken Unicode are refused, not crashed on', async (t) => {
  const { app } = await createTestApp(t)
  const orga = await createMember(app.db)
  const community = await createCommunity(app.db, { slug: 'dna', organizer: orga })
  const c = new Client(app)
  await signInAs(c, orga)
  await c.get('/')
  const deep = '['.repeat(100_000) + ']'.repeat(100_000)
  for (const url of ['/sign-in', `/c/${community.slug}/orga/events/new`, '/profile', '/setup']) {
    for (const payload of [deep, JSON.stringify({ hosts: Array.from({ length: 70_000 }, (_, i) => String(i + 1)) }), '{"q":"\\ud800"}']) {
      const res = await app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', cookie: `convene_session=x`, 'x-csrf-token': c.lastCsrf ?? '' } })
      t.equal(res.statusCode, 415, `${url}: JSON (${payload.length} characters) is not read`)
      t.match(res.headers['content-type'], 'text/html')
      t.match(text(res.body), 'Send this form from the page in Convene.')
    }
  }
  // A lone surrogate cannot be written in UTF-8; a form or query string decodes to valid text or is refused.
  const search = await c.get(`/c/${community.slug}/members?q=%ED%A0%80`)
  t.ok(search.statusCode < 500, `a broken UTF-8 sequence in a query string: ${search.statusCode}`)
  const form = await c.post(`/c/${community.slug}/orga/events/new`, { title: '\ud800' })
  t.ok(form.statusCode >= 400 && form.statusCode < 500, `a broken character in a form: ${form.statusCode}`)
})
