import t from 'tap'
import { DEMO, seedDemo } from '../../src/cli/demo.js'
import { seedDemoAgenda } from '../../src/cli/demo-agenda.js'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { signInAs } from '../fixtures/factories.js'

t.test('the demo conference gets a published two-day agenda with its confirmed talk (once)', async (t) => {
  const { app } = await createTestApp(t)
  await seedDemo(app)
  await seedDemoAgenda(app)
  const conference = await app.db.selectFrom('events').innerJoin('communities', 'communities.id', 'events.community_id')
    .select(['events.id']).where('communities.slug', '=', DEMO.communities.dna).where('events.kind', '=', 'conference').executeTakeFirstOrThrow()
  const sessions = await app.db.selectFrom('agenda_sessions').selectAll().where('event_id', '=', conference.id).execute()
  t.ok(sessions.length >= 11, `${sessions.length} sessions`)
  t.ok(sessions.every((s) => s.published), 'published')
  t.same([...new Set(sessions.map((s) => s.room).filter(Boolean))].sort(), ['Ballroom A', 'Room 201'])
  t.same([...new Set(sessions.map((s) => s.track).filter(Boolean))].sort(), ['Casework', 'Lab management'])
  t.ok(sessions.some((s) => s.title === 'A competency test for low-template DNA in one afternoon' && s.proposal_id !== null), 'the confirmed talk is placed')
  await seedDemoAgenda(app)
  t.equal((await app.db.selectFrom('agenda_sessions').select('id').where('event_id', '=', conference.id).execute()).length, sessions.length, 'once')

  const organizer = await app.db.selectFrom('members').selectAll().where('email', '=', DEMO.organizer.email).executeTakeFirstOrThrow()
  const c = new Client(app)
  await signInAs(c, organizer)
  const page = await c.get(`/c/${DEMO.communities.dna}/orga/events/${conference.id}/agenda`)
  t.equal(page.statusCode, 200)
  t.match(text(page.body), 'Opening keynote')
  t.match(text(page.body), 'Rachel Thompson')
})
