import t from 'tap'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { buildWorld } from '../../fixtures/world.js'
import { createCommunity, createEvent, createMember, createRsvp, signInAs } from '../../fixtures/factories.js'
import { answerInTransaction } from '../../../src/domain/rsvps/rsvps.service.js'
import { paths } from '../../../src/lib/paths.js'
import { DAY } from '../../fixtures/events.js'
import type { Member } from '../../../src/db/database.js'

t.test('My events lists my answers across my communities, upcoming and past, in my time zone', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const { community, organizer, members: [ada, ben, cy] } = await buildWorld(db, { community: { name: 'DNA Analysts' }, event: false })
  const other = await createCommunity(db, { name: 'Latent Prints', organizer, members: [cy] })
  const left = await createCommunity(db, { name: 'Left Behind', organizer })
  // 15:00 UTC: morning in New York, three hours earlier in Los Angeles (the viewer's zone).
  const start = new Date(Date.now() + 10 * DAY)
  start.setUTCHours(15, 0, 0, 0)
  const full = await createEvent(db, community, { title: 'Full workshop', capacity: 1, startsAt: start, endsAt: new Date(start.getTime() + 3_600_000), timeZone: 'America/New_York' })
  const open = await createEvent(db, other, { title: 'Prints meetup', startsAt: new Date(start.getTime() + DAY), endsAt: new Date(start.getTime() + DAY + 3_600_000) })
  const past = await createEvent(db, community, { title: 'Old brown-bag', startsAt: new Date(Date.now() - 10 * DAY), endsAt: new Date(Date.now() - 10 * DAY + 3_600_000) })
  const elsewhere = await createEvent(db, left, { title: 'Not my community any more' })
  const draft = await createEvent(db, community, { title: 'Secret draft', status: 'draft' })
  const answer = (m: Member, eventId: number, choice: 'going' | 'declined') =>
    db.transaction().execute((trx) => answerInTransaction(trx, { eventId, memberId: m.id, choice }))
  await answer(ada, full.id, 'going')
  await answer(ben, full.id, 'going')
  await answer(cy, full.id, 'going')
  await answer(cy, open.id, 'declined')
  await createRsvp(db, past, cy, { status: 'going' })
  await createRsvp(db, elsewhere, cy, { status: 'going' })
  await createRsvp(db, draft, cy, { status: 'going' })
  await db.updateTable('members').set({ time_zone: 'America/Los_Angeles' }).where('id', '=', cy.id).execute()

  const c = new Client(app)
  await signInAs(c, cy)
  const home = text((await c.get(paths.home())).body)
  t.match(home, 'My events', 'the header links to it')
  const res = await c.get(paths.myEvents())
  t.equal(res.statusCode, 200)
  const page = text(res.body)
  t.match(page, 'Times are in your time zone (America/Los Angeles)')
  t.match(page, /Upcoming Full workshop .*(7|8):00 AM P[SD]T \((10|11):00 AM E[SD]T where the event is\) · DNA Analysts .* Your answer: On the waitlist \(2nd\) Prints meetup .* Your answer: Can’t go Past Old brown-bag .* Your answer: Going/)
  t.notMatch(page, 'Not my community any more', 'events of a community I do not belong to are left out')
  t.notMatch(page, 'Secret draft')
  t.match(res.body, `href="${paths.eventPage(community.slug, full.id)}"`)

  const none = new Client(app)
  await signInAs(none, await createMember(db, { full_name: 'New Person' }))
  t.match(text((await none.get(paths.myEvents())).body), 'You have not answered any upcoming event.')

  const stranger = await new Client(app).get(paths.myEvents())
  t.equal(stranger.statusCode, 303)
  t.match(stranger.headers.location, /^\/sign-in/, 'signed-out visitors are sent to sign in')
})
