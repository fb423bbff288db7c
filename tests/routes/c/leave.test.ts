import t from 'tap'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { buildWorld } from '../../fixtures/world.js'
import { createMember, signInAs } from '../../fixtures/factories.js'
import { sendCalendarMail } from '../../fixtures/calendar-mail.js'
import { answerInTransaction } from '../../../src/domain/rsvps/rsvps.service.js'
import { paths } from '../../../src/lib/paths.js'
import type { Member } from '../../../src/db/database.js'

t.test('leaving a community withdraws my answers (the waitlist moves up) and ends an organizer term with it', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const { community, organizer, members: [ada, ben, cy], event } = await buildWorld(db, {
    community: { name: 'DNA Analysts' }, event: { title: 'Small workshop', capacity: 1 }
  })
  const answer = (m: Member, choice: 'going' | 'declined') =>
    db.transaction().execute((trx) => answerInTransaction(trx, { eventId: event!.id, memberId: m.id, choice }))
  await answer(ada, 'going')
  await answer(ben, 'going')
  await sendCalendarMail(app) // Ada's invitation: she holds it when she leaves
  const as = async (m: Member) => { const c = new Client(app); await signInAs(c, m); return c }
  const mailTo = (email: string) => db.selectFrom('mail_messages').select('kind').where('to_address', '=', email).orderBy('id').execute()
  const leavePath = paths.leave(community.slug)

  const home = await as(ada)
  t.match((await home.get(paths.community(community.slug))).body, `href="${leavePath}"`, 'the community page links to leaving')
  const confirm = text((await home.get(leavePath)).body)
  t.match(confirm, 'Leave DNA Analysts?')
  t.match(confirm, 'your answers to its upcoming events are withdrawn, as if you answered “can’t go”: any place you held goes to the next person on the waitlist')
  t.match(confirm, /Answers that will be withdrawn Small workshop ?, .* \(going\)/)
  t.equal((await db.selectFrom('memberships').select('id').where('member_id', '=', ada.id).execute()).length, 1, 'the page changes nothing')

  t.equal((await home.post(leavePath, {}, { csrf: false })).statusCode, 403, 'CSRF-checked')
  const left = await home.post(leavePath, {}, { csrfFrom: leavePath })
  t.equal(left.statusCode, 303)
  t.equal(left.headers.location, paths.home())
  t.match(text((await home.get(paths.home())).body), 'You left DNA Analysts. Your 1 answer to its upcoming events was withdrawn.')
  t.equal((await home.get(paths.events(community.slug))).statusCode, 404, 'no longer a member')
  t.equal((await home.get(leavePath)).statusCode, 404, 'nothing left to leave')

  // Ben had the waitlist place: he is going now, through the RSVP service, and the calendar mail follows.
  t.match(text((await (await as(ben)).get(paths.eventPage(community.slug, event!.id))).body), 'You answered: Going')
  await sendCalendarMail(app)
  t.same((await mailTo(ada.email)).map((m) => m.kind), ['calendar-invite', 'calendar-removed'], 'the event leaves Ada’s calendar')
  t.same((await mailTo(ben.email)).map((m) => m.kind), ['rsvp-promoted'])

  // The only current organizer can't leave yet.
  const olive = await as(organizer)
  const refused = text((await olive.get(leavePath)).body)
  t.match(refused, 'You are the only current organizer of DNA Analysts. A community always keeps at least one organizer')
  t.notMatch(refused, 'Leave DNA Analysts Stay', 'no leave button')
  const forced = await olive.post(leavePath, {}, { csrfFrom: leavePath })
  t.equal(forced.statusCode, 409)
  t.match(text(forced.body), 'You are the only current organizer')
  t.equal((await olive.get(paths.community(community.slug))).statusCode, 200, 'still a member')

  // A second organizer leaves: their term ends with leaving.
  await db.insertInto('coordinator_terms').values({ community_id: community.id, member_id: cy.id, starts_on: '2024-01-01', ends_on: null }).execute()
  const cyc = await as(cy)
  t.match(text((await cyc.get(leavePath)).body), 'Leaving ends your organizer term at the same time: you don’t need to end it first.')
  t.equal((await cyc.post(leavePath, {}, { csrfFrom: leavePath })).statusCode, 303)
  const page = text((await olive.get(paths.community(community.slug))).body)
  t.notMatch(page, cy.full_name, 'Cy is no longer listed among the organizers')
  const term = await db.selectFrom('coordinator_terms').select('ends_on').where('member_id', '=', cy.id).executeTakeFirstOrThrow()
  t.not(term.ends_on, null, 'the term has an end')

  const stranger = await as(await createMember(db, { full_name: 'Sam Stranger' }))
  t.equal((await stranger.get(leavePath)).statusCode, 404)
})
