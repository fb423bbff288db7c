import t from 'tap'
import { DEMO, seedDemo } from '../../src/cli/demo.js'
import { seedDemoAgenda } from '../../src/cli/demo-agenda.js'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { signInAs } from '../fixtures/factories.js'

t.test('the demo conference gets a published two-day agenda with its confirmed talk (once)', async (t) => {
  const { app } = await createTestApp(t)
  const links = await seedDemo(app)
  t.ok(links.speaker.includes('/auth/sign-in?token='), 'a sign-in link for the demo speaker')
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

  // A member reads the published agenda; the demo speaker finds the talk on it.
  const member = await app.db.selectFrom('members').selectAll().where('email', '=', DEMO.member.email).executeTakeFirstOrThrow()
  const m = new Client(app)
  await signInAs(m, member)
  const agenda = await m.get(`/c/${DEMO.communities.dna}/events/${conference.id}/agenda`)
  t.equal(agenda.statusCode, 200)
  t.match(text(agenda.body), 'A competency test for low-template DNA in one afternoon')
  t.match(text(agenda.body), 'Ballroom A')
  t.match(agenda.body, 'Rachel Thompson')
  const speaker = await app.db.selectFrom('members').selectAll().where('email', '=', DEMO.speaker.email).executeTakeFirstOrThrow()
  const s = new Client(app)
  await signInAs(s, speaker)
  t.match(text((await s.get(`/c/${DEMO.communities.dna}/calls/mine`)).body), 'Accepted, confirmed')
})
