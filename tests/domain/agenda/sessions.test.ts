import t from 'tap'
import type { Db } from '../../../src/db/database.js'
import { createTestDatabase } from '../../fixtures/database.js'
import { createEvent } from '../../fixtures/factories.js'
import { buildAgendaWorld } from '../../fixtures/agenda-editor.js'
import { listEventSessions, listUnplacedTalks } from '../../../src/domain/agenda/sessions.repository.js'
import type { SessionInput } from '../../../src/domain/agenda/sessions.service.js'
import type * as Service from '../../../src/domain/agenda/sessions.service.js'

t.test('agenda sessions: the rules, on a real database', async (t) => {
  const database = await createTestDatabase()
  t.teardown(async () => {
    await database.connection.db.destroy()
    await new Promise((resolve) => setTimeout(resolve, 300))
    await database.drop()
  })
  const db = database.connection.db
  // What the calendar side is told, and whether the session row was still there when it was told.
  const told: Array<{ sessionId: number, reasons: string[], rowThere: boolean }> = []
  const svc = await t.mockImport<typeof Service>('../../../src/domain/agenda/sessions.service.js', {
    '../../../src/domain/agenda/session-calendar.service.ts': {
      queueSessionChange: async (trx: Db, sessionId: number, reasons: string[]) => {
        const row = await trx.selectFrom('agenda_sessions').select('id').where('id', '=', sessionId).executeTakeFirst()
        told.push({ sessionId, reasons, rowThere: Boolean(row) })
      }
    }
  })
  const w = await buildAgendaWorld(db)
  const ev = w.conference.id
  const input = (over: Partial<SessionInput> = {}): SessionInput => ({
    proposalId: null, title: 'Opening keynote', whyThisMatters: '', date: '2027-05-11', startTime: '09:00', endTime: '09:45', room: 'Room A', track: 'Main', ...over
  })
  const inTx = <T>(fn: (trx: Db) => Promise<T>) => db.transaction().execute(fn)
  const add = (over: Partial<SessionInput> = {}) => inTx((trx) => svc.createSession(trx, ev, input(over)))

  await t.test('the event’s days and the unplaced talks', async (t) => {
    t.same(svc.eventDays(w.conference), [{ value: '2027-05-11', label: 'Tue 11 May' }, { value: '2027-05-12', label: 'Wed 12 May' }])
    const unplaced = await listUnplacedTalks(db, ev)
    t.same(unplaced.map((x) => x.title).sort(), ['Halving the backlog', 'Mixtures made simple', 'Validation on a shoestring'],
      'accepted and released, not declined, of this event’s call only')
  })

  let keynote: number
  await t.test('a session without a talk, stored in the event’s zone', async (t) => {
    const r = await add()
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    keynote = r.session.id
    t.same(r.session.starts_at, new Date('2027-05-11T13:00:00Z'))
    t.same(r.session.ends_at, new Date('2027-05-11T13:45:00Z'))
    t.equal(r.session.published, false)
    const bad = await add({ title: '' })
    t.same(bad, { ok: false, conflict: false, errors: { title: 'Enter a title: a break, keynote or panel without a talk needs one.' } })
  })

  await t.test('placing a talk takes its title and "why this matters"; speakers are listed', async (t) => {
    const r = await add({ proposalId: w.talks.jane, title: '', startTime: '10:00', endTime: '10:45' })
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    t.equal(r.session.title, 'Halving the backlog')
    t.equal(r.session.why_this_matters, 'Jane\'s why')
    const listed = await listEventSessions(db, ev, { publishedOnly: false })
    t.same(listed.map((s) => [s.title, s.speakers.map((p) => p.full_name)]), [['Opening keynote', []], ['Halving the backlog', ['Jane Doe', 'Ada Analyst']]],
      'submitter then accepted co-speakers; an invitation not answered is no speaker')
    t.same(await listEventSessions(db, ev, { publishedOnly: true }), [])
    t.notOk((await listUnplacedTalks(db, ev)).some((x) => x.id === w.talks.jane), 'no longer to place')
  })

  await t.test('refusals name the field', async (t) => {
    const errors = async (over: Partial<SessionInput>) => {
      const r = await add(over)
      return r.ok ? null : r.errors
    }
    t.same(await errors({ startTime: '11:00', endTime: '11:00' }), { end_time: 'The end time must be after the start time.' })
    t.same(await errors({ startTime: '11:00', endTime: '10:30' }), { end_time: 'The end time must be after the start time.' })
    t.same(await errors({ date: '2027-05-13' }), { date: 'The date must be a day of the event (Tue 11 May to Wed 12 May).' })
    t.same(await errors({ date: '2027-05-10' }), { date: 'The date must be a day of the event (Tue 11 May to Wed 12 May).' })
    t.same(await errors({ title: 'x'.repeat(201) }), { title: 'The title must be 200 characters or fewer (you entered 201).' })
    t.same(await errors({ room: 'r'.repeat(101), track: 't'.repeat(101), whyThisMatters: 'w'.repeat(1001) }), {
      room: 'The room must be 100 characters or fewer (you entered 101).',
      track: 'The track must be 100 characters or fewer (you entered 101).',
      why_this_matters: 'Why this matters must be 1000 characters or fewer (you entered 1001).'
    })
    t.match(await errors({ proposalId: w.talks.declined, startTime: '14:00', endTime: '14:30' }), { proposal_id: /declined/ })
    t.match(await errors({ proposalId: w.talks.rejected, startTime: '14:00', endTime: '14:30' }), { proposal_id: /not an accepted talk/ })
    t.match(await errors({ proposalId: w.talks.unreleased, startTime: '14:00', endTime: '14:30' }), { proposal_id: /not an accepted talk/ })
    t.match(await errors({ proposalId: w.otherEventTalk, startTime: '14:00', endTime: '14:30' }), { proposal_id: /not a talk of this event’s call/ })
    t.match(await errors({ proposalId: w.talks.jane, startTime: '14:00', endTime: '14:30', room: 'Room B' }), { proposal_id: /“Halving the backlog” is already placed/ })
  })

  await t.test('two sessions in one room at once are refused; another room, or touching ends, are not', async (t) => {
    const r = await add({ title: 'Clash', startTime: '09:30', endTime: '10:15', room: ' room a ' })
    t.same(r, { ok: false, conflict: true, errors: { room: 'Room A already has “Opening keynote” from 09:00 to 09:45 on Tue 11 May.' } })
    t.ok((await add({ title: 'Side room', startTime: '09:30', endTime: '10:00', room: 'Room B' })).ok)
    t.ok((await add({ title: 'Right after', startTime: '09:45', endTime: '10:00', room: 'Room A' })).ok)
    t.ok((await add({ title: 'Lunch', startTime: '09:00', endTime: '09:30', room: '' })).ok, 'no room: everyone, no clash')
  })

  await t.test('a speaker in two places at once is refused, co-speakers included', async (t) => {
    // Ada co-speaks in "Halving the backlog" (10:00–10:45, Room A).
    const clash = await add({ proposalId: w.talks.ada, title: '', startTime: '10:30', endTime: '11:00', room: 'Room C' })
    t.same(clash, { ok: false, conflict: true, errors: { proposal_id: 'Ada Analyst already speaks in “Halving the backlog” at that time.' } })
    // Ben was invited to co-speak there but has not accepted: he is free.
    t.ok((await add({ proposalId: w.talks.ben, title: '', startTime: '10:30', endTime: '11:00', room: 'Room C' })).ok)
    t.ok((await add({ proposalId: w.talks.ada, title: '', startTime: '10:45', endTime: '11:15', room: 'Room D' })).ok, 'right after is fine')
  })

  await t.test('editing: checks again without counting the session itself; a published move raises SEQUENCE and tells calendars', async (t) => {
    const same = await inTx((trx) => svc.updateSession(trx, ev, keynote, input({ title: 'Opening keynote (edited)' })))
    t.ok(same?.ok, 'its own time and room are no clash')
    t.equal(told.length, 0, 'an unpublished session tells no one')
    t.equal(await inTx((trx) => svc.publishAgenda(trx, ev)), 7)
    t.equal(await inTx((trx) => svc.publishAgenda(trx, ev)), 0)
    const titleOnly = await inTx((trx) => svc.updateSession(trx, ev, keynote, input({ title: 'Opening keynote' })))
    t.equal(titleOnly?.ok && titleOnly.session.sequence, 0, 'a new title is no calendar change of time or place')
    t.equal(told.length, 0)
    const moved = await inTx((trx) => svc.updateSession(trx, ev, keynote, input({ startTime: '08:30', endTime: '09:00', room: 'Hall' })))
    t.equal(moved?.ok && moved.session.sequence, 1)
    t.same(told.pop(), { sessionId: keynote, reasons: ['time', 'place'], rowThere: true })
    const refused = await inTx((trx) => svc.updateSession(trx, ev, keynote, input({ startTime: '10:00', endTime: '10:30', room: 'Room A' })))
    t.equal(refused?.ok, false, 'into an occupied room: refused')
    t.equal(await inTx((trx) => svc.updateSession(trx, ev, 999_999, input())), null)
  })

  await t.test('unpublishing and deleting a published session cancel it in calendars first', async (t) => {
    const listed = await listEventSessions(db, ev, { publishedOnly: true })
    const lunch = listed.find((s) => s.title === 'Lunch')!
    t.equal(await inTx((trx) => svc.setSessionPublished(trx, ev, lunch.id, false)), true)
    t.same(told.pop(), { sessionId: lunch.id, reasons: ['cancelled'], rowThere: true })
    t.equal(await inTx((trx) => svc.setSessionPublished(trx, ev, lunch.id, false)), false, 'already unpublished')
    t.equal(await inTx((trx) => svc.deleteSession(trx, ev, lunch.id)), true)
    t.equal(told.length, 0, 'deleting an unpublished session tells no one')
    const side = listed.find((s) => s.title === 'Side room')!
    t.equal(await inTx((trx) => svc.deleteSession(trx, ev, side.id)), true)
    t.same(told.pop(), { sessionId: side.id, reasons: ['cancelled'], rowThere: true }, 'told while the row (and its picks) still exist')
    t.equal(await inTx((trx) => svc.deleteSession(trx, ev, side.id)), false)
    t.equal(await inTx((trx) => svc.setSessionPublished(trx, ev, side.id, true)), null)
  })

  await t.test('across a DST change, each day keeps its wall-clock time', async (t) => {
    const spring = await createEvent(db, w.community, {
      kind: 'conference', title: 'Spring summit', timeZone: 'America/New_York',
      startsAt: new Date('2027-03-13T14:00:00Z'), endsAt: new Date('2027-03-15T21:00:00Z')
    })
    const before = await inTx((trx) => svc.createSession(trx, spring.id, input({ date: '2027-03-13', startTime: '10:00', endTime: '11:00' })))
    const after = await inTx((trx) => svc.createSession(trx, spring.id, input({ date: '2027-03-14', startTime: '10:00', endTime: '11:00' })))
    t.same(before.ok && before.session.starts_at, new Date('2027-03-13T15:00:00Z'), 'EST: UTC-5')
    t.same(after.ok && after.session.starts_at, new Date('2027-03-14T14:00:00Z'), 'EDT: UTC-4')
    t.same(after.ok && svc.sessionFormValues(after.session, 'America/New_York'), {
      proposal_id: '', title: 'Opening keynote', why_this_matters: '', date: '2027-03-14', start_time: '10:00', end_time: '11:00', room: 'Room A', track: 'Main'
    })
    // 02:30 does not exist that night: moved forward to 03:30, still before the end.
    const gap = await inTx((trx) => svc.createSession(trx, spring.id, input({ date: '2027-03-14', startTime: '02:30', endTime: '04:00', room: 'Night' })))
    t.same(gap.ok && gap.session.starts_at, new Date('2027-03-14T07:30:00Z'))
  })

  await t.test('two overlapping saves at once: exactly one passes', async (t) => {
    const both = await Promise.all([
      add({ title: 'Race one', date: '2027-05-12', startTime: '15:00', endTime: '16:00', room: 'Race room' }),
      add({ title: 'Race two', date: '2027-05-12', startTime: '15:30', endTime: '16:30', room: 'Race room' })
    ])
    t.same(both.map((r) => r.ok).sort(), [false, true])
    const rows = await db.selectFrom('agenda_sessions').select('title').where('room', '=', 'Race room').execute()
    t.equal(rows.length, 1)
    // Deterministic: the first save holds its transaction open after its checks and insert; the second must wait
    // for it (the event row is locked) and then see its session, rather than pass on what it saw before.
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    let firstChecked!: () => void
    const checked = new Promise<void>((resolve) => { firstChecked = resolve })
    const first = inTx(async (trx) => {
      const r = await svc.createSession(trx, ev, input({ title: 'Held one', date: '2027-05-12', startTime: '13:00', endTime: '14:00', room: 'Held room' }))
      firstChecked()
      await held
      return r
    })
    await checked
    let secondDone = false
    const second = add({ title: 'Held two', date: '2027-05-12', startTime: '13:30', endTime: '14:30', room: 'Held room' })
      .finally(() => { secondDone = true })
    await new Promise((resolve) => setTimeout(resolve, 300))
    t.notOk(secondDone, 'the second save waits for the first')
    release()
    const [r1, r2] = await Promise.all([first, second])
    t.equal(r1.ok, true)
    t.match(r2, { ok: false, conflict: true, errors: { room: /Held room already has “Held one”/ } })
    const benSession = await db.selectFrom('agenda_sessions').select('id').where('proposal_id', '=', w.talks.ben).executeTakeFirstOrThrow()
    t.ok(await inTx((trx) => svc.deleteSession(trx, ev, benSession.id)))
    const placeTwice = await Promise.all([
      add({ proposalId: w.talks.ben, title: 'x', date: '2027-05-12', startTime: '09:00', endTime: '09:30', room: 'P1' }),
      add({ proposalId: w.talks.ben, title: 'y', date: '2027-05-12', startTime: '11:00', endTime: '11:30', room: 'P2' })
    ])
    t.same(placeTwice.map((r) => r.ok).sort(), [false, true], 'one talk, placed once')
    t.equal((await listEventSessions(db, ev, { publishedOnly: false })).filter((s) => s.proposal_id === w.talks.ben).length, 1)
  })
})
