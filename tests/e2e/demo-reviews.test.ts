import t from 'tap'
import { DEMO, seedDemo } from '../../src/cli/demo.js'
import { Client, createTestApp, PUBLIC_URL, text } from '../fixtures/build-app.js'
import { signInAs } from '../fixtures/factories.js'

t.test('the demo has a reviewer with a sign-in link, assignments and reviews, under blind review (once)', async (t) => {
  const { app } = await createTestApp(t)
  const links = await seedDemo(app)
  t.ok(links.reviewer.startsWith(`${PUBLIC_URL}/auth/sign-in?token=`), 'a sign-in link for the demo reviewer')
  const count = async () => ({
    reviewers: (await app.db.selectFrom('call_reviewers').selectAll().execute()).length,
    assignments: (await app.db.selectFrom('review_assignments').selectAll().execute()).length,
    reviews: (await app.db.selectFrom('reviews').selectAll().execute()).length
  })
  const first = await count()
  t.equal(first.reviewers, 2)
  t.ok(first.assignments >= 2, `${first.assignments} assignments`)
  t.ok(first.reviews >= 1, `${first.reviews} reviews`)
  await seedDemo(app)
  t.same(await count(), first, 'running the demo again adds nothing')

  const reviewer = await app.db.selectFrom('members').selectAll().where('email', '=', DEMO.reviewer.email).executeTakeFirstOrThrow()
  const c = new Client(app)
  await signInAs(c, reviewer)
  const call = await app.db.selectFrom('calls').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow()
  const list = await c.get(`/c/${DEMO.communities.dna}/calls/${call.id}/review`)
  t.equal(list.statusCode, 200)
  t.match(text(list.body), 'From manual to automated extraction in nine months')
  t.notMatch(list.body, DEMO.member.name, 'blind: the demo speaker’s name is hidden')
  const next = await c.get(`/c/${DEMO.communities.dna}/calls/${call.id}/review/next`)
  t.equal(next.statusCode, 303)
  const page = await c.get(String(next.headers.location))
  t.equal(page.statusCode, 200)
  t.notMatch(page.body, DEMO.member.name)
  t.notMatch(page.body, 'Ohio Bureau of Criminal Investigation')
  t.match(text(page.body), 'You see the other reviewers’ scores once you have submitted yours.')
})
