import t from 'tap'
import { Client, createTestApp } from '../../fixtures/build-app.js'
import { createMember, createRsvp, signInAs } from '../../fixtures/factories.js'
import { buildWorld } from '../../fixtures/world.js'
import { HOUR, MINUTE, minutesFromNow } from '../../fixtures/events.js'
import { sendDueReminders } from '../../../src/domain/reminders/reminders.service.js'

// An archived community is read-only and sends nothing: its events' reminders stop when a site admin archives it.

t.test('an archived community sends no reminders; the others still do', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const startsAt = minutesFromNow(3 * HOUR)
  const archived = await buildWorld(db, {
    community: { slug: 'old-records', name: 'Old Records' },
    members: [{ full_name: 'Ada Analyst', email: 'ada@gsa.gov' }],
    event: { title: 'Last meeting', startsAt }
  })
  const live = await buildWorld(db, {
    community: { slug: 'records', name: 'Records Managers' },
    members: [{ full_name: 'Ben Bench', email: 'ben@nara.gov' }],
    event: { title: 'Next meeting', startsAt }
  })
  await createRsvp(db, archived.event!, archived.members[0], { status: 'going' })
  await createRsvp(db, live.event!, live.members[0], { status: 'going' })

  const admin = new Client(app)
  await signInAs(admin, await createMember(db, { is_admin: true }))
  const res = await admin.post(`/admin/communities/${archived.community.id}/archive`, {}, { csrfFrom: '/admin' })
  t.equal(res.statusCode, 303, 'the site admin archives the community')
  t.ok((await db.selectFrom('communities').select('archived_at').where('id', '=', archived.community.id).executeTakeFirstOrThrow()).archived_at)

  // An hour before: the one-hour reminder (and the day one, recorded as done) is due for both events.
  const queued = await sendDueReminders(db, app.mailer, new Date(startsAt.getTime() - HOUR + MINUTE))
  t.equal(queued, 1, 'one reminder: the live community’s')
  const sent = await db.selectFrom('mail_messages').select(['to_address', 'subject']).where('kind', '=', 'event-reminder').execute()
  t.same(sent.map((m) => m.to_address), ['ben@nara.gov'])
  t.notOk(sent.some((m) => m.subject.includes('Last meeting')), 'nothing about the archived community’s event')
  const recorded = await db.selectFrom('reminders_sent').select('event_id').where('event_id', '=', archived.event!.id).execute()
  t.equal(recorded.length, 0, 'nothing recorded either: the archived event is not looked at')

  t.equal(await sendDueReminders(db, app.mailer, new Date(startsAt.getTime() - 30 * MINUTE)), 0, 'a later pass sends nothing more')
})
