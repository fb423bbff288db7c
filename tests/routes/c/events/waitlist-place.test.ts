import t from 'tap'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { buildWorld } from '../../../fixtures/world.js'
import { createMember, addMembership, signInAs } from '../../../fixtures/factories.js'
import { answerInTransaction } from '../../../../src/domain/rsvps/rsvps.service.js'
import { paths } from '../../../../src/lib/paths.js'
import type { Member } from '../../../../src/db/database.js'

t.test('a waitlisted member sees their place on the event page, and only they see it', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const { community, organizer, members: [ada, ben, cy], event } = await buildWorld(db, { event: { title: 'Full meetup', capacity: 1 } })
  const dee = await createMember(db, { full_name: 'Dee Later' })
  await addMembership(db, community.id, dee.id)
  const answer = (m: Member, choice: 'going' | 'declined') =>
    db.transaction().execute((trx) => answerInTransaction(trx, { eventId: event!.id, memberId: m.id, choice }))
  await answer(organizer, 'going')
  await answer(ada, 'going')
  await answer(ben, 'going')
  await answer(cy, 'going')
  const as = async (m: Member) => { const c = new Client(app); await signInAs(c, m); return c }
  const page = paths.eventPage(community.slug, event!.id)

  const cyClient = await as(cy)
  const cyPage = text((await cyClient.get(page)).body)
  t.match(cyPage, 'You’re on the waitlist (3rd)', 'the button says the place')
  t.match(cyPage, 'You are 3rd on the waitlist.')
  t.notMatch(cyPage, 'Join the waitlist')

  const adaPage = text((await (await as(ada)).get(page)).body)
  t.match(adaPage, 'You’re on the waitlist (1st)')
  t.notMatch(adaPage, '3rd', 'another viewer’s place is not served from the cached page')

  const deePage = text((await (await as(dee)).get(page)).body)
  t.match(deePage, 'Join the waitlist')
  t.notMatch(deePage, 'You’re on the waitlist')

  // Ada leaves the waitlist: Cy moves up though nothing of Cy's own answer changed.
  await answer(ada, 'declined')
  const cyLater = text((await cyClient.get(page)).body)
  t.match(cyLater, 'You’re on the waitlist (2nd)')
  t.match(cyLater, 'You are 2nd on the waitlist.')

  // Pressing the button again keeps the place.
  await cyClient.post(paths.eventRsvp(community.slug, event!.id), { choice: 'going' })
  t.match(text((await cyClient.get(page)).body), 'You’re on the waitlist (2nd)')
})
