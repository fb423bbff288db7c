import t from 'tap'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'

t.test('home page lists communities by the viewer’s membership', async (t) => {
  const { app } = await createTestApp(t)
  const ada = await createMember(app.db, { full_name: 'Ada Analyst' })
  await createCommunity(app.db, { name: 'DNA Analysts', slug: 'dna', members: [ada] })
  await createCommunity(app.db, { name: 'Records Managers', slug: 'records' })

  const visitor = await new Client(app).get('/')
  t.equal(visitor.statusCode, 200)
  const page = text(visitor.body)
  t.notMatch(page, 'Your communities', 'a visitor belongs to no community')
  t.match(page, 'Find your community')
  t.match(visitor.body, 'href="/c/dna/join"')
  t.match(visitor.body, 'href="/c/records/join"')

  const c = new Client(app)
  await signInAs(c, ada)
  const mine = text((await c.get('/')).body)
  t.match(mine, /Your communities DNA Analysts .*Other communities Records Managers/)
})
