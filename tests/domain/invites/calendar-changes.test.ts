import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { Client, createTestApp, testConfig } from '../../fixtures/build-app.js'
import { createEvent, createMember, signInAs } from '../../fixtures/factories.js'
import { buildWorld } from '../../fixtures/world.js'
import { DAY, eventInput } from '../../fixtures/events.js'
import type { Event, Member } from '../../../src/db/database.js'
import { cancelEvent, publishEvent, updateEvent, type EventInput } from '../../../src/domain/events/events.service.js'
import { answerInTransaction } from '../../../src/domain/rsvps/rsvps.service.js'
import { buildApp } from '../../../src/build.js'
import { sendCalendarMail } from '../../fixtures/calendar-mail.js'

// The calendar mail an answer (or an edit, a cancellation, a promotion) brings is built by the worker, not by the
// request: the change's transaction queues it (calendar_changes), and the worker brings what each member holds
// in line with the state then.

async function setUp (t: Test, config: Record<string, string> = {}) {
  const { app, database } = await createTestApp(t, { config })
  const { organizer: olive, members: [ada, ben], community } = await buildWorld(app.db, {
    members: [{ full_name: 'Ada Analyst', email: 'ada@lab.gov' }, { full_name: 'Ben Bench', email: 'ben@lab.gov' }],
    community: { slug: 'dna', name: 'DNA Analysts' },
    event: false
  })
  let n = 0
  const event = (over: Partial<EventInput> = {}): Promise<Event> => app.db.transaction().execute(async (trx) => {
    const e = await createEvent(trx, community, { title: `Validation roundtable ${++n}`, ...over, status: 'draft' })
    return publishEvent(trx, e.id)
  })
  const as = async (m: Member) => {
    const c = new Client(app)
    await signInAs(c, m)
    return c
  }
  /** `n` more members of the community who answered `status` to `e`, each with `times` answers on the queue. */
  const answered = async (e: Event, n: number, status: 'going' | 'maybe', times = 1): Promise<Member[]> => {
    const people: Member[] = []
    for (let i = 0; i < n; i++) people.push(await createMember(app.db, { full_name: `Member ${i}`, email: `m${i}.${e.id}@lab.gov` }))
    await app.db.insertInto('memberships').values(people.map((p) => ({ community_id: community.id, member_id: p.id, norms_accepted_at: new Date() }))).execute()
    await app.db.insertInto('rsvps').values(people.map((p) => ({ event_id: e.id, member_id: p.id, status }))).execute()
    for (let round = 0; round < times; round++) await app.db.insertInto('calendar_changes').values(people.map((p) => ({ event_id: e.id, member_id: p.id, reason: 'answer' as const }))).execute()
    return people
  }
  return { app, database, olive, ada, ben, community, event, as, answered }
}

const mailOf = (app: FastifyInstance, e: Event) => app.db.selectFrom('mail_messages')
  .select(['kind', 'to_address', 'ical_method', 'ical']).where('subject', 'like', `%${e.title}`).orderBy('id').execute()
const queued = async (app: FastifyInstance) => (await app.db.selectFrom('calendar_changes').select('id').execute()).length

t.test('the answer is queued in its transaction and its mail sent by the worker', async (t) => {
  const { app, ada, ben, event, as } = await setUp(t)
  const e = await event()
  const page = `/c/dna/events/${e.id}`
  const client = await as(ada)

  const res = await client.post(`${page}/rsvp`, { choice: 'going' }, { csrfFrom: page })
  t.equal(res.statusCode, 303)
  t.same(await mailOf(app, e), [], 'the request answers before any invite is built')
  t.equal(await queued(app), 1, 'one answer waits for the worker')

  t.equal(await sendCalendarMail(app), 1)
  const sent = await mailOf(app, e)
  t.same(sent.map((m) => [m.kind, m.to_address, m.ical_method]), [['calendar-invite', 'ada@lab.gov', 'REQUEST']])
  t.match(sent[0].ical, /PARTSTAT=ACCEPTED/)
  t.equal(await queued(app), 0, 'and the queue is empty')
  t.equal(await sendCalendarMail(app), 0, 'a second pass has nothing to do')
  t.equal((await mailOf(app, e)).length, 1)

  await t.test('the same answer again brings no second invite; another answer does', async (t) => {
    await client.post(`${page}/rsvp`, { choice: 'going', accessibility_needs: 'Step-free entrance' }, { csrfFrom: page })
    await sendCalendarMail(app)
    t.equal((await mailOf(app, e)).length, 1, 'still one: she already holds this invite with this answer')
    await client.post(`${page}/rsvp`, { choice: 'maybe' }, { csrfFrom: page })
    await sendCalendarMail(app)
    const after = await mailOf(app, e)
    t.equal(after.length, 2)
    t.match(after[1].ical, /PARTSTAT=TENTATIVE/, 'the update carries her new answer')
    await client.post(`${page}/rsvp`, { choice: 'declined' }, { csrfFrom: page })
    await sendCalendarMail(app)
    t.same((await mailOf(app, e)).slice(2).map((m) => [m.kind, m.ical_method]), [['calendar-removed', 'CANCEL']], '"can’t go" takes it off her calendar')
  })

  await t.test('answers given before the worker ran: it mails what the member answered last, once', async (t) => {
    const other = await event()
    const bens = await as(ben)
    const at = `/c/dna/events/${other.id}`
    await bens.post(`${at}/rsvp`, { choice: 'going' }, { csrfFrom: at })
    await bens.post(`${at}/rsvp`, { choice: 'maybe' }, { csrfFrom: at })
    await bens.post(`${at}/rsvp`, { choice: 'going' }, { csrfFrom: at })
    t.equal(await queued(app), 3)
    await sendCalendarMail(app)
    const sent = await mailOf(app, other)
    t.equal(sent.length, 1, 'one invite for three answers')
    t.match(sent[0].ical, /PARTSTAT=ACCEPTED/)

    const third = await event()
    const there = `/c/dna/events/${third.id}`
    await bens.post(`${there}/rsvp`, { choice: 'going' }, { csrfFrom: there })
    await bens.post(`${there}/rsvp`, { choice: 'declined' }, { csrfFrom: there })
    await sendCalendarMail(app)
    t.same(await mailOf(app, third), [], 'going then can’t go before it ran: nothing to add or take off')
  })
})

t.test('what the worker does not mail', async (t) => {
  const { app, ada, ben, event, as } = await setUp(t)

  const full = await event({ capacity: 1 })
  const at = `/c/dna/events/${full.id}`
  await (await as(ada)).post(`${at}/rsvp`, { choice: 'going' }, { csrfFrom: at })
  const waiting = await (await as(ben)).post(`${at}/rsvp`, { choice: 'going' }, { csrfFrom: at })
  t.equal(waiting.statusCode, 303)
  t.equal(await queued(app), 1, 'a waitlisted answer queues nothing (a promotion brings the invite)')
  await sendCalendarMail(app)
  t.same((await mailOf(app, full)).map((m) => m.to_address), ['ada@lab.gov'])

  const cancelled = await event()
  const there = `/c/dna/events/${cancelled.id}`
  await (await as(ada)).post(`${there}/rsvp`, { choice: 'going' }, { csrfFrom: there })
  await app.db.transaction().execute((trx) => cancelEvent(trx, cancelled.id))
  t.equal(await sendCalendarMail(app), 2, 'the answer and the cancellation are taken off the queue')
  t.same((await mailOf(app, cancelled)).filter((m) => m.kind === 'calendar-invite'), [], 'but an event cancelled meanwhile gets no invite')

  const past = await event({ startsAt: new Date(Date.now() - 3 * DAY), rsvpClosesAt: null })
  await app.db.insertInto('calendar_changes').values({ event_id: past.id, member_id: ada.id, reason: 'answer' }).execute()
  await sendCalendarMail(app)
  t.same(await mailOf(app, past), [], 'nor one that has ended')
  t.equal(await queued(app), 0)
})

t.test('two workers at once send each answer’s mail once', async (t) => {
  const { app, event, answered } = await setUp(t)
  const e = await event()
  await answered(e, 30, 'going')
  const [a, b] = await Promise.all([sendCalendarMail(app), sendCalendarMail(app)])
  t.equal(a + b, 30, 'every answer taken once')
  const sent = await mailOf(app, e)
  t.equal(sent.length, 30)
  t.equal(new Set(sent.map((m) => m.to_address)).size, 30, 'one invite per member')
})

t.test('a queue longer than a batch, with repeated answers, is emptied in one pass', async (t) => {
  const { app, event, answered } = await setUp(t)
  const e = await event()
  // Each member answered three times: 240 rows, more than one batch of 100, and no batch without repeats.
  await answered(e, 80, 'maybe', 3)
  await sendCalendarMail(app)
  t.equal(await queued(app), 0, 'nothing left on the queue')
  const sent = await mailOf(app, e)
  t.equal(new Set(sent.map((m) => m.to_address)).size, 80, 'every member got their invite')
})

t.test('with the worker running in the process, the invite follows within seconds', async (t) => {
  const { app, ada, event, as } = await setUp(t, { WORKER: 'true' })
  const e = await event()
  const page = `/c/dna/events/${e.id}`
  await (await as(ada)).post(`${page}/rsvp`, { choice: 'going' }, { csrfFrom: page })
  const started = Date.now()
  let sent: Awaited<ReturnType<typeof mailOf>> = []
  while (Date.now() - started < 15_000 && !sent.length) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    sent = await mailOf(app, e)
  }
  t.same(sent.map((m) => [m.kind, m.to_address]), [['calendar-invite', 'ada@lab.gov']], `queued by the worker after ${Date.now() - started} ms`)
})

/** What an edit of `e` saved through the domain gives, with `over` changed. */
const edited = (e: Event, over: Partial<EventInput>): EventInput => eventInput({
  title: e.title, startsAt: e.starts_at, endsAt: e.ends_at, venueName: e.venue_name, venueAddress: e.venue_address, ...over
})
const changesOf = (app: FastifyInstance, e: Event) => app.db.selectFrom('calendar_changes').select(['member_id', 'reason'])
  .where('event_id', '=', e.id).orderBy('id').execute()

t.test('an edit queues its change in its own transaction; a rolled-back edit queues nothing', async (t) => {
  const { app, event } = await setUp(t)
  const e = await event()
  const later = new Date(e.starts_at.getTime() + DAY)
  await app.db.transaction().execute((trx) => updateEvent(trx, e.id, edited(e, { startsAt: later, endsAt: new Date(later.getTime() + 2 * 3_600_000) })))
  t.same(await changesOf(app, e), [{ member_id: null, reason: 'time' }], 'a change of time, for everyone it concerns')

  await t.rejects(app.db.transaction().execute(async (trx) => {
    await updateEvent(trx, e.id, edited(e, { startsAt: later, endsAt: new Date(later.getTime() + 2 * 3_600_000), venueName: 'Annex B' }))
    throw new Error('the organizer’s request failed after the edit')
  }))
  t.same(await changesOf(app, e), [{ member_id: null, reason: 'time' }], 'the rolled-back change of place left no row')
  t.equal((await app.db.selectFrom('events').select('venue_name').where('id', '=', e.id).executeTakeFirstOrThrow()).venue_name, 'Library')

  await app.db.transaction().execute((trx) => cancelEvent(trx, e.id))
  t.same((await changesOf(app, e)).map((c) => c.reason), ['time', 'cancelled'])
  t.same(await mailOf(app, e), [], 'nothing is mailed by the change itself')
})

t.test('the worker sends an update, a CANCEL and a notice once each', async (t) => {
  const { app, ada, ben, event } = await setUp(t)
  const e = await event({ capacity: 1 })
  for (const m of [ada, ben]) await app.db.transaction().execute((trx) => answerInTransaction(trx, { eventId: e.id, memberId: m.id, choice: 'going' }))
  await sendCalendarMail(app)
  t.same((await mailOf(app, e)).map((m) => [m.kind, m.to_address]), [['calendar-invite', 'ada@lab.gov']], 'Ben is waitlisted: no invite')

  const later = new Date(e.starts_at.getTime() + DAY)
  await app.db.transaction().execute((trx) => updateEvent(trx, e.id, edited(e, { capacity: 1, startsAt: later, endsAt: new Date(later.getTime() + 2 * 3_600_000) })))
  await sendCalendarMail(app)
  await sendCalendarMail(app)
  const moved = (await mailOf(app, e)).slice(1)
  t.same(moved.map((m) => [m.kind, m.to_address, m.ical_method]), [
    ['event-updated', 'ada@lab.gov', 'REQUEST'],
    ['event-changed', 'ben@lab.gov', null]
  ], 'the holder gets the update, the waitlisted member the notice, once each')

  await app.db.transaction().execute((trx) => cancelEvent(trx, e.id))
  await sendCalendarMail(app)
  await sendCalendarMail(app)
  const cancelled = (await mailOf(app, e)).slice(3)
  t.same(cancelled.map((m) => [m.kind, m.to_address, m.ical_method]), [
    ['event-cancelled', 'ada@lab.gov', 'CANCEL'],
    ['event-cancelled', 'ben@lab.gov', null]
  ], 'the holder gets the CANCEL, the waitlisted member the notice, once each')
})

t.test('several changes before the worker runs: one message per member, saying what is true now', async (t) => {
  const { app, ada, ben, event } = await setUp(t)
  const e = await event()
  await app.db.transaction().execute((trx) => answerInTransaction(trx, { eventId: e.id, memberId: ada.id, choice: 'going' }))
  await sendCalendarMail(app)
  // Ben answers; then the time and the place change twice, all before the worker runs again.
  await app.db.transaction().execute((trx) => answerInTransaction(trx, { eventId: e.id, memberId: ben.id, choice: 'maybe' }))
  const later = new Date(e.starts_at.getTime() + DAY)
  const at = { startsAt: later, endsAt: new Date(later.getTime() + 2 * 3_600_000) }
  await app.db.transaction().execute((trx) => updateEvent(trx, e.id, edited(e, at)))
  await app.db.transaction().execute((trx) => updateEvent(trx, e.id, edited(e, { ...at, venueName: 'Annex B' })))
  await app.db.transaction().execute((trx) => updateEvent(trx, e.id, edited(e, { ...at, venueName: 'Annex C' })))
  t.equal(await queued(app), 4)
  await sendCalendarMail(app)
  const sent = (await mailOf(app, e)).slice(1)
  const sequence = (await app.db.selectFrom('events').select('sequence').where('id', '=', e.id).executeTakeFirstOrThrow()).sequence
  t.same(sent.map((m) => [m.kind, m.to_address]), [['event-updated', 'ada@lab.gov'], ['event-updated', 'ben@lab.gov']],
    'one update each: Ada holds the invite, Ben answered before the changes')
  for (const m of sent) {
    t.match(m.ical, `SEQUENCE:${sequence}`, 'at the event’s SEQUENCE now')
    t.match(m.ical, 'Annex C', 'with the place now')
    t.notMatch(m.ical, 'Annex B')
  }
  t.match(sent[1].ical, /PARTSTAT=TENTATIVE/, 'Ben’s answer')
  const texts = await app.db.selectFrom('mail_messages').select(['subject', 'text_body']).where('kind', '=', 'event-updated').orderBy('id').execute()
  t.match(texts[0].subject, `New time: ${e.title}`)
  t.match(texts[0].text_body, /now starts .*, and is now at: Annex C/, 'the notice names both changes')
})

t.test('two workers at once send each change’s mail once', async (t) => {
  const { app, event, answered } = await setUp(t)
  const e = await event()
  await answered(e, 30, 'going')
  await sendCalendarMail(app)
  // Thirty holders; the event is cancelled, and 30 answers of another event wait too.
  const other = await event()
  await answered(other, 30, 'maybe')
  await app.db.transaction().execute((trx) => cancelEvent(trx, e.id))
  const [a, b] = await Promise.all([sendCalendarMail(app), sendCalendarMail(app)])
  t.equal(a + b, 31, 'every change taken once')
  const cancels = (await mailOf(app, e)).filter((m) => m.ical_method === 'CANCEL')
  t.equal(cancels.length, 30)
  t.equal(new Set(cancels.map((m) => m.to_address)).size, 30, 'one CANCEL per holder')
  t.equal(new Set((await mailOf(app, other)).map((m) => m.to_address)).size, 30)
})

t.test('no state in the module: two apps in one process each send their own links', async (t) => {
  const { app, ada, ben, event, database } = await setUp(t, { PUBLIC_URL: 'https://one.example.gov' })
  const two = await buildApp({ config: testConfig({ PUBLIC_URL: 'https://two.example.gov' }), connection: database.connection, logger: false })
  t.teardown(() => two.close())
  const e = await event()
  await app.db.transaction().execute((trx) => answerInTransaction(trx, { eventId: e.id, memberId: ada.id, choice: 'going' }))
  await sendCalendarMail(app)
  await app.db.transaction().execute((trx) => answerInTransaction(trx, { eventId: e.id, memberId: ben.id, choice: 'going' }))
  await sendCalendarMail(two)
  const [toAda, toBen] = await mailOf(app, e)
  t.match(toAda.ical, `UID:event-${e.id}@one.example.gov`, 'the first app, built first, keeps its own site')
  t.match(toAda.ical, 'https://one.example.gov/rsvp/')
  t.notMatch(toAda.ical, 'two.example.gov')
  t.match(toBen.ical, `UID:event-${e.id}@two.example.gov`, 'the second its own')
  t.match(toBen.ical, 'https://two.example.gov/rsvp/')
})
