import t from 'tap'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { buildWorld } from '../../fixtures/world.js'
import { signInAs } from '../../fixtures/factories.js'
import { sendCalendarMail } from '../../fixtures/calendar-mail.js'
import { MINUTE } from '../../fixtures/events.js'
import { sendDueReminders } from '../../../src/domain/reminders/reminders.service.js'
import { cancelEvent } from '../../../src/domain/events/events.service.js'
import { requestSignIn } from '../../../src/domain/auth/auth.service.js'
import { paths } from '../../../src/lib/paths.js'

t.test('a member turns reminders and calendar invitations off; mail they must get still comes', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const soon = new Date(Date.now() + 30 * MINUTE)
  const { community, organizer, members: [ada, ben, cy], event } = await buildWorld(db, {
    event: { title: 'Soon meetup', startsAt: soon, endsAt: new Date(soon.getTime() + 60 * MINUTE) }
  })
  const mailTo = (email: string) => db.selectFrom('mail_messages').select(['kind', 'subject']).where('to_address', '=', email).orderBy('id').execute()

  const c = new Client(app)
  await signInAs(c, ada)
  const profile = await c.get(paths.profile())
  const page = text(profile.body)
  t.match(page, 'Reminders before events I’m going to')
  t.match(page, 'Calendar invitations')
  t.match(page, '“Who did you meet?” after in-person events')
  t.match(page, 'Mail we always send')
  t.match(page, 'sign-in links')
  t.match(page, 'cancellations of events you’re going to')
  t.match(profile.body, /id="mail_reminders" type="checkbox" name="mail_reminders" value="yes" checked/, 'on by default')

  // Both boxes unticked: a form with neither sends only the CSRF token.
  const saved = await c.post(paths.profileEmailPreferences(), {})
  t.equal(saved.statusCode, 303)
  t.equal(saved.headers.location, paths.profileEmail())
  const after = await c.get(paths.profile())
  t.match(text(after.body), 'Your email choices are saved.')
  t.notMatch(after.body, /name="mail_reminders" value="yes" checked/)
  t.notMatch(after.body, /name="mail_calendar" value="yes" checked/)
  t.notMatch(after.body, /name="mail_met" value="yes" checked/)
  const saved2 = await db.selectFrom('members').select(['mail_reminders', 'mail_calendar', 'mail_met']).where('id', '=', ada.id).executeTakeFirstOrThrow()
  t.same(saved2, { mail_reminders: false, mail_calendar: false, mail_met: false }, 'all three saved off')

  const forged = await c.post(paths.profileEmailPreferences(), { mail_reminders: 'yes' }, { csrf: false })
  t.equal(forged.statusCode, 403, 'CSRF-checked')

  // Ada and Ben answer going on the event page: Ben gets his calendar invitation, Ada none.
  const bc = new Client(app)
  await signInAs(bc, ben)
  await bc.post(paths.eventRsvp(community.slug, event!.id), { choice: 'going' }, { csrfFrom: paths.eventPage(community.slug, event!.id) })
  await c.post(paths.eventRsvp(community.slug, event!.id), { choice: 'going' }, { csrfFrom: paths.eventPage(community.slug, event!.id) })
  await sendCalendarMail(app)
  t.same((await mailTo(ben.email)).map((m) => m.kind), ['calendar-invite'])
  t.same((await mailTo(ada.email)).map((m) => m.kind), [], 'no calendar invitation for Ada')

  // An organizer invites everyone: Ada is counted apart and gets nothing; Cy gets an invitation.
  const oc = new Client(app)
  await signInAs(oc, organizer)
  const invitePage = paths.orgaEvent(community.slug, event!.id, 'invite')
  const sent = await oc.post(invitePage, { who: 'everyone', emails: '' }, { csrfFrom: invitePage })
  t.match(text(sent.body), '1 member has turned calendar invitations off, so was not emailed.')
  await sendCalendarMail(app)
  t.same((await mailTo(ada.email)).map((m) => m.kind), [], 'no organizer invitation for Ada')
  t.same((await mailTo(cy.email)).map((m) => m.kind), ['calendar-invite'])

  // The hour-before reminder is due: Ben gets it, Ada does not.
  t.equal(await sendDueReminders(db, app.mailer), 1)
  t.same((await mailTo(ben.email)).map((m) => m.kind), ['calendar-invite', 'event-reminder'])
  t.same((await mailTo(ada.email)).map((m) => m.kind), [], 'no reminder for Ada')

  // Transactional mail is never blocked: the cancellation of an event she is going to, and a sign-in link.
  await db.transaction().execute((trx) => cancelEvent(trx, event!.id))
  await sendCalendarMail(app)
  await requestSignIn(db, app.mailer, ada.email)
  t.same((await mailTo(ada.email)).map((m) => m.kind), ['event-cancelled', 'sign-in'])
})
