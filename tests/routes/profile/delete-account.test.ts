import t from 'tap'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { buildWorld } from '../../fixtures/world.js'
import { createEvent, createRsvp, signInAs } from '../../fixtures/factories.js'
import { DAY } from '../../fixtures/events.js'
import { answerInTransaction } from '../../../src/domain/rsvps/rsvps.service.js'
import { paths } from '../../../src/lib/paths.js'
import type { Member } from '../../../src/db/database.js'

t.test('deleting my account says what happens, asks me to type my address, then signs me out', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const { community, organizer, members: [ada, ben], event } = await buildWorld(db, {
    community: { name: 'DNA Analysts' }, event: { title: 'Small workshop', capacity: 1 }
  })
  const answer = (m: Member) => db.transaction().execute((trx) => answerInTransaction(trx, { eventId: event!.id, memberId: m.id, choice: 'going' }))
  await answer(ada)
  await answer(ben)
  const past = await createEvent(db, community, { title: 'Old meetup', startsAt: new Date(Date.now() - 5 * DAY), endsAt: new Date(Date.now() - 5 * DAY + 3_600_000) })
  await createRsvp(db, past, ada)
  await db.insertInto('check_ins').values({ event_id: past.id, member_id: ada.id }).execute()
  const as = async (m: Member) => { const c = new Client(app); await signInAs(c, m); return c }

  const c = await as(ada)
  t.match((await c.get(paths.profile())).body, `href="${paths.deleteAccount()}"`, 'the profile links to it')
  const page = text((await c.get(paths.deleteAccount())).body)
  t.match(page, 'This can’t be undone.')
  t.match(page, 'your answers to upcoming events are withdrawn, as if you answered “can’t go”: places you held go to the next people on the waitlists (1 answer)')
  t.match(page, 'you leave your communities (DNA Analysts), and your profile is removed from their member directories')
  t.match(page, 'your organizer terms end')
  t.match(page, 'your check-in records at past events are removed')
  t.match(page, 'you are signed out')

  const wrong = await c.post(paths.deleteAccount(), { email: 'someone@else.gov' })
  t.equal(wrong.statusCode, 400)
  t.match(text(wrong.body), `Type your email address, ${ada.email}, exactly as shown to confirm.`)
  t.match(wrong.body, 'value="someone@else.gov"', 'the input is kept')
  t.equal((await c.post(paths.deleteAccount(), { email: ada.email }, { csrf: false })).statusCode, 403, 'CSRF-checked')
  t.ok(await db.selectFrom('members').select('id').where('id', '=', ada.id).executeTakeFirst(), 'nothing deleted yet')

  const done = await c.post(paths.deleteAccount(), { email: ` ${ada.email.toUpperCase()} ` }, { csrfFrom: paths.deleteAccount() })
  t.equal(done.statusCode, 303)
  t.equal(done.headers.location, paths.home())
  const home = text((await c.get(paths.home())).body)
  t.match(home, 'Your account is deleted, and you are signed out.')
  t.match(home, 'Sign in', 'signed out')
  t.equal((await c.get(paths.profile())).statusCode, 303, 'the profile asks to sign in')
  t.notOk(await db.selectFrom('members').select('id').where('id', '=', ada.id).executeTakeFirst())
  t.same(await db.selectFrom('check_ins').select('id').where('event_id', '=', past.id).execute(), [], 'check-in record removed')

  // Ben had the waitlist place: he is going now; the directory no longer shows Ada.
  const bc = await as(ben)
  t.match(text((await bc.get(paths.eventPage(community.slug, event!.id))).body), 'You answered: Going')
  t.notMatch(text((await bc.get(paths.members(community.slug))).body), ada.full_name)

  // The only organizer must hand over first.
  const oc = await as(organizer)
  const refused = text((await oc.get(paths.deleteAccount())).body)
  t.match(refused, 'You are the only current organizer of DNA Analysts.')
  t.match(refused, 'then delete your account.')
  const forced = await oc.post(paths.deleteAccount(), { email: organizer.email })
  t.equal(forced.statusCode, 409)
  t.match(text(forced.body), 'add another organizer on its Organizers page first, then delete your account.')
  t.ok(await db.selectFrom('members').select('id').where('id', '=', organizer.id).executeTakeFirst(), 'still there')
})
