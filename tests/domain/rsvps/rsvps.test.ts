import t from 'tap'
import type { Kysely } from 'kysely'
import type { Database, EventStatus, Member } from '../../../src/db/database.js'
import { createTestDatabase } from '../../fixtures/database.js'
import { addMembership, createEvent, createMember } from '../../fixtures/factories.js'
import { buildWorld } from '../../fixtures/world.js'
import { cancelEvent, updateEvent, type EventInput } from '../../../src/domain/events/events.service.js'
import { readEventForm } from '../../../src/forms/event-form.js'
import { answerInTransaction, attendeesCsv, type RsvpChoice } from '../../../src/domain/rsvps/rsvps.service.js'
import { csvCell } from '../../../src/lib/csv.js'
import { checkIn, doorList, undoCheckIn, walkInCandidates } from '../../../src/domain/events/check-ins.service.js'
import { eventInput } from '../../fixtures/events.js'
import { sendCalendarMailOn } from '../../fixtures/calendar-mail.js'

const URL_BASE = 'http://convene.test'
const DAY = 86_400_000

const input = eventInput

t.test('RSVPs', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.drop())
  const db: Kysely<Database> = database.connection.db
  const { organizer, community } = await buildWorld(db, { members: [], event: false })

  const event = async (over: Partial<EventInput> = {}, status: EventStatus = 'published') => (await createEvent(db, community, { ...over, status })).id
  const answer = (eventId: number, memberId: number, choice: RsvpChoice, extra: object = {}) =>
    db.transaction().execute((trx) => answerInTransaction(trx, { eventId, memberId, choice, ...extra }))
  const rsvps = (eventId: number) => db.selectFrom('rsvps').selectAll().where('event_id', '=', eventId).orderBy('id').execute()

  t.test('going, maybe, declined: one row per member, stated needs kept only when asked', async (t) => {
    const id = await event()
    const m = await createMember(db)
    t.match(await answer(id, m.id, 'going', { accessibilityNeeds: 'Step-free access', dietaryNeeds: 'Vegan', listed: false }), { ok: true, status: 'going', previous: null })
    t.match(await answer(id, m.id, 'maybe', { accessibilityNeeds: 'Step-free access', listed: false }), { ok: true, status: 'maybe', previous: 'going' })
    t.match(await answer(id, m.id, 'declined'), { ok: true, status: 'declined', previous: 'maybe' })
    const rows = await rsvps(id)
    t.equal(rows.length, 1)
    t.equal(rows[0].status, 'declined')
    t.equal(rows[0].listed, true)
    await answer(id, m.id, 'going', { accessibilityNeeds: 'Step-free access', dietaryNeeds: 'Vegan', listed: false })
    const [row] = await rsvps(id)
    t.equal(row.accessibility_needs, 'Step-free access')
    t.equal(row.dietary_needs, null, 'the event does not ask about dietary needs')
    t.equal(row.listed, false)
  })

  t.test('a full event waitlists in arrival order and promotes the earliest, with a notice', async (t) => {
    const id = await event({ capacity: 2, title: 'Small workshop' })
    const ms: Member[] = []
    for (let i = 0; i < 5; i++) ms.push(await createMember(db, { full_name: `Person ${i}`, email: `p${i}.${id}@agency.gov` }))
    const got: Awaited<ReturnType<typeof answer>>[] = []
    for (const m of ms) got.push(await answer(id, m.id, 'going'))
    t.same(got.map((g) => g.ok && g.status), ['going', 'going', 'waitlisted', 'waitlisted', 'waitlisted'])
    const e4Before = (await rsvps(id)).find((r) => r.member_id === ms[4].id)!.waitlisted_at
    t.match(await answer(id, ms[4].id, 'going'), { status: 'waitlisted' }, 'asking again keeps the place in the queue')
    t.same((await rsvps(id)).find((r) => r.member_id === ms[4].id)!.waitlisted_at, e4Before)

    t.match(await answer(id, ms[3].id, 'declined'), { status: 'declined', promoted: [] }, 'a waitlisted member leaving frees no seat')
    const freed = await answer(id, ms[0].id, 'declined')
    t.match(freed, { ok: true, status: 'declined', promoted: [ms[2].id] })
    await sendCalendarMailOn(db) // the promotion's notice, as the worker sends it
    const mail = await db.selectFrom('mail_messages').selectAll().where('member_id', '=', ms[2].id).executeTakeFirstOrThrow()
    t.equal(mail.kind, 'rsvp-promoted')
    t.match(mail.subject, 'A place opened up: you’re going to Small workshop')
    t.match(mail.text_body, `${URL_BASE}/c/${community.slug}/events/${id}`)
    t.same((await rsvps(id)).filter((r) => r.status === 'going').map((r) => r.member_id).sort(), [ms[1].id, ms[2].id].sort())

    t.test('more places promote the next in line', async (t) => {
      await answer(id, ms[3].id, 'going') // back on the list, after Person 4
      const current = (await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow())
      const { promoted } = await db.transaction().execute((trx) => updateEvent(trx, id, { ...input({ title: current.title }), capacity: 3 }))
      t.same(promoted, [ms[4].id], 'Person 4 was waiting longer than Person 3')
      const { promoted: all } = await db.transaction().execute((trx) => updateEvent(trx, id, { ...input({ title: current.title }), capacity: null }))
      t.same(all, [ms[3].id], 'no limit: everyone waiting is going')
      await sendCalendarMailOn(db)
      t.equal(await db.selectFrom('mail_messages').select('id').where('kind', '=', 'rsvp-promoted').execute().then((r) => r.length), 3)
    })
  })

  t.test('the RSVP window, drafts, cancelled and past events', async (t) => {
    const m = await createMember(db)
    const later = await event({})
    await db.updateTable('events').set({ rsvp_opens_at: new Date(Date.now() + DAY) }).where('id', '=', later).execute()
    t.match(await answer(later, m.id, 'going'), { ok: false, message: /RSVPs open on/ })
    const closed = await event({ rsvpClosesAt: new Date(Date.now() - 1000) })
    t.match(await answer(closed, m.id, 'going'), { ok: false, message: /RSVPs closed on .* can still tell the organizers you can’t go/ })
    t.match(await answer(closed, m.id, 'declined'), { ok: true, status: 'declined' }, 'can’t go is still possible')
    t.match(await answer(await event({}, 'draft'), m.id, 'going'), { ok: false, message: /not published/ })
    t.match(await answer(await event({}, 'cancelled'), m.id, 'going'), { ok: false, message: /cancelled/ })
    const past = await event({ startsAt: new Date(Date.now() - 2 * DAY), endsAt: new Date(Date.now() - DAY) })
    t.match(await answer(past, m.id, 'declined'), { ok: false, message: /ended/ })
    t.match(await answer(999999, m.id, 'going'), { ok: false, message: /couldn’t find/ })
    t.equal((await db.selectFrom('rsvps').select('id').where('member_id', '=', m.id).execute()).length, 1)
  })

  t.test('200 members at once for 20 seats: exactly 20 going, 180 waitlisted in arrival order, no errors', async (t) => {
    const id = await event({ capacity: 20, title: 'Popular meetup' })
    const ids = (await db.insertInto('members').values(Array.from({ length: 200 }, (_, i) => ({
      email: `rush${i}.${id}@agency.gov`, full_name: `Rush ${i}`, agency: 'Agency'
    }))).returning('id').execute()).map((r) => r.id)
    const results = await Promise.all(ids.map((mid) => answer(id, mid, 'going')))
    t.ok(results.every((r) => r.ok), 'no failures')
    const rows = await rsvps(id)
    t.equal(rows.length, 200, 'one row each')
    const going = rows.filter((r) => r.status === 'going')
    const waiting = rows.filter((r) => r.status === 'waitlisted')
    t.equal(going.length, 20)
    t.equal(waiting.length, 180)
    t.equal(results.filter((r) => r.ok && r.status === 'going').length, 20, 'what people were told matches')
    // Seats were decided under the event's lock, so arrival order = insert order = waitlist time order.
    t.ok(Math.max(...going.map((r) => r.id)) < Math.min(...waiting.map((r) => r.id)), 'the first 20 to arrive got the seats')
    const byTime = [...waiting].sort((a, b) => a.waitlisted_at!.getTime() - b.waitlisted_at!.getTime() || a.id - b.id).map((r) => r.id)
    t.same(byTime, waiting.map((r) => r.id), 'the waitlist is in arrival order')
    // Releasing a seat goes to the first in that order.
    const first = waiting[0].member_id
    t.match(await answer(id, going[0].member_id, 'declined'), { promoted: [first] })
  })

  t.test('a double submit makes one RSVP', async (t) => {
    const id = await event({ capacity: 5 })
    const m = await createMember(db)
    const both = await Promise.all([answer(id, m.id, 'going'), answer(id, m.id, 'going')])
    t.ok(both.every((r) => r.ok && r.status === 'going'))
    t.equal((await rsvps(id)).length, 1)
  })

  t.test('cancelling an event tells those going, maybe or waitlisted, and keeps their RSVPs', async (t) => {
    const id = await event({ title: 'Cancelled soon' })
    const [a, b, c] = [await createMember(db), await createMember(db), await createMember(db)]
    await answer(id, a.id, 'going')
    await answer(id, b.id, 'maybe')
    await answer(id, c.id, 'declined')
    const e = await db.transaction().execute((trx) => cancelEvent(trx, id))
    t.equal(e.status, 'cancelled')
    t.equal(e.sequence, 1)
    await sendCalendarMailOn(db)
    const mails = await db.selectFrom('mail_messages').select(['member_id', 'subject']).where('kind', '=', 'event-cancelled').execute()
    t.same(mails.map((m) => m.member_id).sort(), [a.id, b.id].sort())
    t.equal(mails[0].subject, 'Cancelled: Cancelled soon')
    t.equal((await rsvps(id)).length, 3)
    const again = await db.transaction().execute((trx) => cancelEvent(trx, id))
    t.equal(again.sequence, 1, 'cancelling twice changes nothing')
  })

  t.test('check-in: mark arrived, walk-ins, search, undo', async (t) => {
    const id = await event()
    const ana = await createMember(db, { full_name: 'Ana Arrives' })
    const bo = await createMember(db, { full_name: 'Bo Maybe' })
    const walk = await createMember(db, { full_name: 'Walker Inn' })
    const outsider = await createMember(db, { full_name: 'Walker Outside' })
    for (const m of [ana, bo, walk]) await addMembership(db, community.id, m.id)
    await answer(id, ana.id, 'going')
    await answer(id, bo.id, 'maybe')
    const base = { eventId: id, communityId: community.id, by: organizer.id, walkIn: false }
    t.equal(await checkIn(db, { ...base, memberId: ana.id }), 'checked-in')
    t.equal(await checkIn(db, { ...base, memberId: ana.id }), 'already')
    t.same((await walkInCandidates(db, community.id, id, 'walker')).map((m) => m.full_name), ['Walker Inn'], 'only community members')
    t.same(await walkInCandidates(db, community.id, id, 'w'), [], 'at least two letters')
    t.equal(await checkIn(db, { ...base, memberId: outsider.id, walkIn: true }), 'not-a-member')
    t.equal(await checkIn(db, { ...base, memberId: walk.id, walkIn: true }), 'checked-in')
    const list = await doorList(db, id)
    t.same(list.map((r) => [r.full_name, r.checked_in_at !== null, r.walk_in]),
      [['Bo Maybe', false, false], ['Ana Arrives', true, false], ['Walker Inn', true, true]])
    t.same((await doorList(db, id, 'ana')).map((r) => r.full_name), ['Ana Arrives'])
    t.same(await doorList(db, id, '%'), [], 'wildcards are searched literally')
    await undoCheckIn(db, id, ana.id)
    t.equal((await doorList(db, id, 'ana'))[0].checked_in_at, null)
  })
})

t.test('CSV cells that a spreadsheet would run are neutralised', async (t) => {
  t.equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`)
  t.equal(csvCell('+1 555'), "'+1 555")
  t.equal(csvCell('-2'), "'-2")
  t.equal(csvCell('@SUM(A1)'), "'@SUM(A1)")
  t.equal(csvCell('Plain, with comma'), '"Plain, with comma"')
  t.equal(csvCell(null), '')
  t.equal(csvCell(new Date('2026-01-02T03:04:05Z')), '2026-01-02T03:04:05.000Z')
  const csv = attendeesCsv([{ full_name: '=cmd|calc', agency: 'A', email: 'a@b.gov', status: 'going', listed: false, accessibility_needs: 'Wheelchair', dietary_needs: null, created_at: new Date('2026-01-01T00:00:00Z'), checked_in_at: null }])
  t.equal(csv, 'Name,Agency,Email,RSVP,Listed,Accessibility needs,Dietary needs,Answered at,Checked in at\r\n' +
    "'=cmd|calc,A,a@b.gov,going,no,Wheelchair,,2026-01-01T00:00:00.000Z,\r\n")
})

t.test('the event form: required why-this-matters, a venue or link, https links, end after start, local times', async (t) => {
  const bad = readEventForm({ title: '', kind: 'party', time_zone: 'Mars/Base', start_date: '2026-13-01', start_time: '9am', end_time: '', online_url: 'javascript:alert(1)', capacity: '0' })
  // The end date was left empty (it defaults to the start date): only the start date is wrong.
  t.same(Object.keys(bad.errors).sort(), ['capacity', 'end_time', 'kind', 'online_url', 'start_date', 'start_time', 'time_zone', 'title', 'why_it_matters'].sort())
  t.notOk(bad.input)
  t.match(readEventForm({ title: 'x', kind: 'meetup', why_it_matters: 'y', time_zone: 'UTC', start_date: '2026-12-01', start_time: '10:00', end_time: '11:00' }).errors,
    { venue_name: 'Enter a venue, a join link, or both.' })
  const backwards = readEventForm({ title: 'x', kind: 'meetup', why_it_matters: 'y', venue_name: 'Hall', time_zone: 'UTC', start_date: '2026-12-01', start_time: '10:00', end_time: '09:00' })
  t.match(backwards.errors, { end_time: 'The event must end after it starts.' })
  const ok = readEventForm({ title: 'Brown-bag', kind: 'brown-bag', why_it_matters: 'Learn', online_url: 'https://meet.example.gov/x', time_zone: 'America/New_York',
    start_date: '2026-07-14', start_time: '12:00', end_time: '13:00', capacity: '40', rsvp_closes_date: '2026-07-13', ask_dietary: 'on' })
  t.same(ok.errors, {})
  t.equal(ok.input!.startsAt.toISOString(), '2026-07-14T16:00:00.000Z')
  t.equal(ok.input!.endsAt.toISOString(), '2026-07-14T17:00:00.000Z')
  t.equal(ok.input!.rsvpClosesAt!.toISOString(), '2026-07-14T03:59:59.999Z')
  t.equal(ok.input!.capacity, 40)
  t.equal(ok.input!.askDietary, true)
  t.equal(ok.input!.askAccessibility, false)
})
