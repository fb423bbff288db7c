import t from 'tap'
import { DEMO, seedDemo } from '../../src/cli/demo.js'
import { seedDemoSeriesCall } from '../../src/cli/demo-placement.js'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { signInAs } from '../fixtures/factories.js'

t.test('the demo’s brown-bag call: accepted, confirmed talks placed on the next brown-bags (once)', async (t) => {
  const { app } = await createTestApp(t)
  await seedDemo(app)
  await seedDemoSeriesCall(app)
  const placed = () => app.db.selectFrom('events').innerJoin('proposals', 'proposals.id', 'events.proposal_id')
    .select(['events.id', 'events.speaker_name', 'events.why_it_matters', 'events.edited_individually', 'proposals.title', 'proposals.confirmation', 'proposals.call_id'])
    .orderBy('events.starts_at').execute()
  const first = await placed()
  t.equal(first.length, 3, 'three talks placed')
  t.ok(first.every((p) => p.confirmation === 'confirmed' && !p.edited_individually))
  t.equal(first[0].speaker_name, 'Grace Kim and Luis Arroyo', 'with the accepted co-speaker')
  t.match(first[0].why_it_matters, 'legislated deadline')
  await seedDemoSeriesCall(app)
  t.equal((await placed()).length, 3, 'running it again adds nothing')
  t.equal((await app.db.selectFrom('calls').select('id').where('series_id', 'is not', null).execute()).length, 1)

  const organizer = await app.db.selectFrom('members').selectAll().where('email', '=', DEMO.organizer.email).executeTakeFirstOrThrow()
  const c = new Client(app)
  await signInAs(c, organizer)
  const page = await c.get(`/c/${DEMO.communities.dna}/orga/calls/${first[0].call_id}/placement`)
  t.equal(page.statusCode, 200)
  t.match(text(page.body), 'Triage that cleared 600 sexual-assault kits')
  t.notMatch(text(page.body), 'Our LIMS reports', 'a backup is not placeable')
  const event = text((await c.get(`/c/${DEMO.communities.dna}/events/${first[0].id}`)).body)
  t.match(event, 'Talk Triage that cleared 600 sexual-assault kits')
  t.match(event, 'Speaker Grace Kim and Luis Arroyo')
})
