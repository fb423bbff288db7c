import t, { type Test } from 'tap'
import ICAL from 'ical.js'
import { DateTime } from 'luxon'
import { createTestApp } from '../../fixtures/build-app.js'
import { createEvent, createMember } from '../../fixtures/factories.js'
import { buildWorld } from '../../fixtures/world.js'
import { createSession, moveSession, pickSession } from '../../fixtures/agenda.js'
import { sendCalendarMail } from '../../fixtures/calendar-mail.js'
import { unfold } from '../../../src/domain/calendar/ics.js'
import { hasQueuedChanges } from '../../../src/domain/invites/calendar-changes.repository.js'
import { queueSessionChange } from '../../../src/domain/agenda/session-calendar.service.js'

// When a published session moves or is cancelled, the agenda editor calls queueSessionChange in its transaction
// (here the test plays the editor: it updates the row, raises `sequence`, and calls it); the one calendar
// reconciler (calendar.changes) sends each member who picked the session one message.

const ZONE = 'America/New_York'

async function setUp (t: Test) {
  const { app } = await createTestApp(t)
  const db = app.db
  const { community, members: [ada, ben, cy] } = await buildWorld(db, {
    members: [{ full_name: 'Ada Analyst', email: 'ada@lab.gov' }, { full_name: 'Ben Bench', email: 'ben@lab.gov' }, { full_name: 'Cy Cole', email: 'cy@lab.gov' }],
    community: { slug: 'dna', name: 'DNA Analysts' },
    event: false
  })
  const day = DateTime.now().setZone(ZONE).plus({ days: 10 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 })
  const at = (hour: number, minute = 0) => day.set({ hour, minute }).toJSDate()
  const event = await createEvent(db, community, { title: 'Regional conference', startsAt: at(9), endsAt: at(17), timeZone: ZONE, liveTranscriptUrl: 'https://captions.example.gov/conf' })
  const session = await createSession(db, event.id, { title: 'Halving the backlog', starts_at: at(10), ends_at: at(11), room: 'Room A' })
  await pickSession(db, session.id, ada.id)
  await pickSession(db, session.id, ben.id)
  const mail = () => db.selectFrom('mail_messages').select(['to_address', 'kind', 'subject', 'text_body', 'ical', 'ical_method'])
    .where('kind', 'like', 'session-%').orderBy('id').execute()
  /** The editor's move: new values, SEQUENCE raised, queued in the same transaction. */
  const move = (to: Parameters<typeof moveSession>[2], reasons: Array<'time' | 'place'>) => db.transaction().execute(async (trx) => {
    await moveSession(trx, session.id, to)
    await queueSessionChange(trx, session.id, reasons)
  })
  /** The editor's cancellation: queued just before the row (and its picks) are deleted. */
  const cancel = () => db.transaction().execute(async (trx) => {
    await queueSessionChange(trx, session.id, ['cancelled'])
    await trx.deleteFrom('agenda_sessions').where('id', '=', session.id).execute()
  })
  return { app, db, ada, ben, cy, event, session, at, mail, move, cancel }
}

function vevent (ical: string) {
  const cal = new ICAL.Component(ICAL.parse(ical))
  for (const z of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(z)
  return new ICAL.Event(cal.getFirstSubcomponent('vevent')!)
}

t.test('a picked session moves: one REQUEST per picker with the new time and a raised SEQUENCE', async (t) => {
  const { app, db, mail, move, at, session } = await setUp(t)
  await move({ starts_at: at(14), ends_at: at(15) }, ['time'])
  t.same(await mail(), [], 'nothing is mailed by the change itself')
  t.ok(await hasQueuedChanges(db), 'the worker’s poll sees the queued session change')
  t.equal(await sendCalendarMail(app), 2, 'the reconciler took both pickers’ rows')
  t.notOk(await hasQueuedChanges(db))
  const sent = await mail()
  t.same(sent.map((m) => m.to_address).sort(), ['ada@lab.gov', 'ben@lab.gov'], 'one mail per picker; Cy (no pick) gets nothing')
  for (const m of sent) {
    t.equal(m.kind, 'session-updated')
    t.equal(m.subject, 'New time: Halving the backlog')
    t.equal(m.ical_method, 'REQUEST')
    const lines = unfold(m.ical!)
    t.match(lines, 'METHOD:REQUEST')
    t.match(lines, 'DTSTART;TZID=America/New_York:' + DateTime.fromJSDate(at(14)).setZone(ZONE).toFormat("yyyyMMdd'T'HHmmss"))
    t.match(lines, `UID:session-${session.id}@convene.test`)
    t.match(lines, 'SEQUENCE:1')
    t.match(lines, 'STATUS:CONFIRMED')
    const e = vevent(m.ical!)
    t.equal(e.startDate.toJSDate().getTime(), at(14).getTime(), 'ical.js reads the new start')
    t.match(m.text_body, `now starts ${DateTime.fromJSDate(at(14)).setZone(ZONE).toFormat('LLL d, yyyy, h:mm a')}`)
    t.match(m.text_body, `Agenda: http://convene.test/c/dna/events/`)
    t.match(m.text_body, 'Live captions: https://captions.example.gov/conf')
  }
  t.equal(await sendCalendarMail(app), 0, 'nothing left')
})

t.test('two moves before the job runs: one mail each, with the latest time and SEQUENCE', async (t) => {
  const { app, mail, move, at } = await setUp(t)
  await move({ starts_at: at(13), ends_at: at(14) }, ['time'])
  await move({ room: 'Room B' }, ['place'])
  await move({ starts_at: at(15), ends_at: at(16) }, ['time'])
  await sendCalendarMail(app)
  const sent = await mail()
  t.equal(sent.length, 2, 'one per picker')
  for (const m of sent) {
    t.match(unfold(m.ical!), 'SEQUENCE:3')
    t.match(unfold(m.ical!), 'DTSTART;TZID=America/New_York:' + DateTime.fromJSDate(at(15)).setZone(ZONE).toFormat("yyyyMMdd'T'HHmmss"))
    t.match(unfold(m.ical!), 'LOCATION:Room B\\, Library\\, 1 Main St')
    t.equal(m.subject, 'New time: Halving the backlog')
    t.match(m.text_body, 'is now in: Room B, Library, 1 Main St', 'the text says both changes')
  }
})

t.test('a member who unpicked before the worker ran gets nothing', async (t) => {
  const { app, db, mail, move, at, session, ben } = await setUp(t)
  await move({ starts_at: at(13), ends_at: at(14) }, ['time'])
  await db.deleteFrom('session_picks').where('session_id', '=', session.id).where('member_id', '=', ben.id).execute()
  await sendCalendarMail(app)
  t.same((await mail()).map((m) => m.to_address), ['ada@lab.gov'])
})

t.test('a cancelled session: METHOD:CANCEL to its pickers, after the row (and its picks) are gone', async (t) => {
  const { app, db, mail, session, at, cancel } = await setUp(t)
  await cancel()
  t.same(await db.selectFrom('session_picks').selectAll().execute(), [], 'picks went with the session')
  await sendCalendarMail(app)
  const sent = await mail()
  t.same(sent.map((m) => m.to_address).sort(), ['ada@lab.gov', 'ben@lab.gov'])
  for (const m of sent) {
    t.equal(m.kind, 'session-cancelled')
    t.equal(m.subject, 'Cancelled: Halving the backlog')
    t.equal(m.ical_method, 'CANCEL')
    const lines = unfold(m.ical!)
    t.match(lines, 'METHOD:CANCEL')
    t.match(lines, 'STATUS:CANCELLED')
    t.match(lines, `UID:session-${session.id}@convene.test`)
    t.match(lines, 'SEQUENCE:1', 'one past the session’s last SEQUENCE')
    t.match(lines, 'DTSTART;TZID=America/New_York:' + DateTime.fromJSDate(at(10)).setZone(ZONE).toFormat("yyyyMMdd'T'HHmmss"))
    t.match(m.text_body, 'has been cancelled by the organizers of DNA Analysts')
    t.match(m.text_body, 'removes the session from your calendar')
  }
})

t.test('a move then a cancellation before the worker runs: only the CANCEL', async (t) => {
  const { app, mail, move, at, cancel } = await setUp(t)
  await move({ starts_at: at(13), ends_at: at(14) }, ['time'])
  await cancel()
  await sendCalendarMail(app)
  const sent = await mail()
  t.equal(sent.length, 2)
  t.same([...new Set(sent.map((m) => m.ical_method))], ['CANCEL'])
  t.match(unfold(sent[0].ical!), 'SEQUENCE:2')
})

t.test('unpublished sessions, nobody picking, calendar invitations turned off', async (t) => {
  const { app, db, mail, event, at, ada, cy } = await setUp(t)
  const draft = await createSession(db, event.id, { title: 'Not yet published', published: false })
  await pickSession(db, draft.id, cy.id)
  const lonely = await createSession(db, event.id, { title: 'Nobody picked this' })
  await db.transaction().execute(async (trx) => {
    await moveSession(trx, draft.id, { starts_at: at(12), ends_at: at(13) })
    await queueSessionChange(trx, draft.id, ['time'])
    await queueSessionChange(trx, lonely.id, ['time', 'place'])
  })
  t.equal(await sendCalendarMail(app), 0, 'nothing was queued')
  const quiet = await createSession(db, event.id, { title: 'Quiet session', starts_at: at(12), ends_at: at(13) })
  await pickSession(db, quiet.id, ada.id)
  await db.updateTable('members').set({ mail_calendar: false }).where('id', '=', ada.id).execute()
  await db.transaction().execute(async (trx) => {
    await moveSession(trx, quiet.id, { starts_at: at(16), ends_at: at(17) })
    await queueSessionChange(trx, quiet.id, ['time'])
  })
  const other = await createMember(db, { full_name: 'Not involved' })
  t.ok(other)
  await sendCalendarMail(app)
  const sent = await mail()
  t.equal(sent.length, 1)
  t.equal(sent[0].subject, 'New time: Quiet session')
  t.equal(sent[0].ical, null, 'invitations turned off: the notice without a calendar part')
  t.notMatch(sent[0].text_body, 'calendar part')
})
