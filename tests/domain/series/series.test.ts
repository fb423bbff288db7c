import t from 'tap'
import { DateTime } from 'luxon'
import { createTestDatabase } from '../../fixtures/database.js'
import { createMember, createRsvp, createSeries as createSeriesFor } from '../../fixtures/factories.js'
import { buildRule, describeSchedule } from '../../../src/domain/series/recurrence.js'
import { changeScheduleFrom } from '../../../src/domain/series/series-changes.js'
import { buildWorld } from '../../fixtures/world.js'
import { createSeries, editSeries, materialiseAllSeries, materialiseSeries, moveOccurrence, seriesOccurrences, type SeriesInput } from '../../../src/domain/series/series.service.js'
import { readSeriesForm } from '../../../src/forms/series-form.js'
import { cancelEvent } from '../../../src/domain/events/events.service.js'
import { answerInTransaction } from '../../../src/domain/rsvps/rsvps.service.js'
import { sendCalendarMailOn } from '../../fixtures/calendar-mail.js'


t.test('series: materialise, exceptions, edits', async (t) => {
  const database = await createTestDatabase()
  t.teardown(async () => {
    await database.connection.db.destroy()
    await new Promise((resolve) => setTimeout(resolve, 300))
    await database.drop()
  })
  const db = database.connection.db
  const { organizer, community } = await buildWorld(db, { members: [], event: false })
  const member = await createMember(db)

  // A monthly brown-bag, 2nd Tuesday 12:00 New York, that started three months ago.
  const now = new Date()
  const threeMonthsAgo = DateTime.fromJSDate(now).minus({ months: 3 }).toJSDate()
  const first = DateTime.fromJSDate(threeMonthsAgo, { zone: 'America/New_York' }).startOf('month')
  const form = readSeriesForm({
    title: 'Monthly brown-bag', kind: 'brown-bag', why_it_matters: 'An hour of practice from peers.', online_url: 'https://meet.example.gov/bb',
    pattern: 'monthly-weekday', interval: '1', first_date: first.plus({ days: (9 - first.weekday) % 7 + 7 }).toISODate(), start_time: '12:00',
    duration_minutes: '60', time_zone: 'America/New_York', capacity: '2'
  }, threeMonthsAgo)
  t.same(form.errors, {})
  const input = form.input as SeriesInput
  t.match(input.rrule, /^FREQ=MONTHLY;INTERVAL=1;BYDAY=\+2TU$/)

  const { series, created } = await db.transaction().execute((trx) => createSeries(trx, community.id, input, organizer.id, threeMonthsAgo))
  t.ok(created >= 12 && created <= 13, `a year of occurrences (${created})`)
  const all = await db.selectFrom('events').selectAll().where('series_id', '=', series.id).orderBy('starts_at').execute()
  for (const e of all) {
    t.equal(DateTime.fromJSDate(e.starts_at, { zone: 'America/New_York' }).toFormat('ccc HH:mm'), 'Tue 12:00')
    t.equal(e.status, 'published')
  }
  t.equal(await db.selectFrom('event_hosts').select('event_id').where('member_id', '=', organizer.id).execute().then((r) => r.length), all.length, 'every occurrence has the series host')

  await t.test('materialising again adds only what is missing, rolling the horizon', async (t) => {
    t.equal(await db.transaction().execute((trx) => materialiseSeries(trx, series, threeMonthsAgo)), 0)
    const added = await db.transaction().execute((trx) => materialiseSeries(trx, series, now))
    t.ok(added >= 2 && added <= 4, `about three more months (${added})`)
    t.equal(await db.transaction().execute((trx) => materialiseSeries(trx, series, now)), 0)
    t.equal(await materialiseAllSeries(db, now), 0, 'the daily job finds nothing missing either')
    t.equal(await materialiseAllSeries(db, DateTime.fromJSDate(now).plus({ months: 2 }).toJSDate()), 2, 'and rolls the horizon as time passes')
    await db.deleteFrom('events').where('series_id', '=', series.id).where('starts_at', '>', DateTime.fromJSDate(now).plus({ months: 12 }).toJSDate()).execute()
  })

  const future = (await db.selectFrom('events').selectAll().where('series_id', '=', series.id).where('starts_at', '>', now).orderBy('starts_at').execute())
  const past = (await db.selectFrom('events').selectAll().where('series_id', '=', series.id).where('starts_at', '<', now).orderBy('starts_at').execute())
  t.ok(past.length >= 2 && future.length >= 10)

  await t.test('cancel one occurrence; materialising never brings it back', async (t) => {
    await db.transaction().execute((trx) => cancelEvent(trx, future[1].id))
    await db.transaction().execute((trx) => materialiseSeries(trx, series, now))
    const same = await db.selectFrom('events').selectAll().where('series_id', '=', series.id).where('occurrence_key', '=', future[1].occurrence_key).execute()
    t.equal(same.length, 1)
    t.equal(same[0].status, 'cancelled')
  })

  await t.test('move one occurrence: it keeps its key and becomes edited on its own', async (t) => {
    const key = future[2].occurrence_key!
    const moved = await db.transaction().execute((trx) => moveOccurrence(trx, future[2].id, key.slice(0, 10) + 'T15:30'))
    t.equal(DateTime.fromJSDate(moved.starts_at, { zone: 'America/New_York' }).toFormat('HH:mm'), '15:30')
    t.equal(moved.ends_at.getTime() - moved.starts_at.getTime(), 3_600_000)
    t.equal(moved.edited_individually, true)
    t.equal(moved.occurrence_key, key)
    t.equal(moved.sequence, 1)
    await db.transaction().execute((trx) => materialiseSeries(trx, series, now))
    t.equal((await db.selectFrom('events').select('id').where('series_id', '=', series.id).where('occurrence_key', '=', key).execute()).length, 1)
  })

  await t.test('editing the series changes future, not individually edited occurrences only; RSVPs stay', async (t) => {
    const waiting = [await createMember(db), await createMember(db), await createMember(db)]
    for (const m of [member, ...waiting]) {
      await db.transaction().execute((trx) => answerInTransaction(trx, { eventId: future[0].id, memberId: m.id, choice: 'going' }))
    }
    // A past occurrence's RSVP, recorded directly (the event has ended).
    await createRsvp(db, past[0], member, { status: 'going' })
    const n = await db.transaction().execute((trx) => editSeries(trx, series.id, {
      ...input, title: 'Monthly brown-bag (new room)', durationMinutes: 90, liveTranscriptUrl: 'https://captions.example.gov/bb', capacity: 3
    }, now))
    const events = await db.selectFrom('events').selectAll().where('series_id', '=', series.id).orderBy('starts_at').execute()
    const byId = new Map(events.map((e) => [e.id, e]))
    t.equal(n, events.filter((e) => e.starts_at > now && !e.edited_individually && e.status !== 'cancelled').length)
    t.equal(byId.get(future[0].id)!.title, 'Monthly brown-bag (new room)')
    t.equal(byId.get(future[0].id)!.ends_at.getTime() - byId.get(future[0].id)!.starts_at.getTime(), 90 * 60_000)
    t.equal(byId.get(future[0].id)!.live_transcript_url, 'https://captions.example.gov/bb')
    t.equal(byId.get(future[0].id)!.sequence, 1)
    t.equal(byId.get(future[1].id)!.title, 'Monthly brown-bag', 'the cancelled one is left alone')
    t.equal(byId.get(future[2].id)!.title, 'Monthly brown-bag', 'the moved one is left alone')
    for (const p of past) t.equal(byId.get(p.id)!.title, 'Monthly brown-bag', 'past occurrences never change')
    t.equal(byId.get(past[0].id)!.sequence, 0)
    const rsvps = await db.selectFrom('rsvps').select(['member_id', 'status']).where('event_id', '=', future[0].id).orderBy('id').execute()
    t.same(rsvps.map((r) => r.status), ['going', 'going', 'going', 'waitlisted'], 'the third place went to the first waiting')
    t.equal((await db.selectFrom('rsvps').selectAll().where('event_id', '=', past[0].id).executeTakeFirstOrThrow()).status, 'going')
    await sendCalendarMailOn(db)
    t.equal((await db.selectFrom('mail_messages').select('member_id').where('kind', '=', 'rsvp-promoted').execute())[0].member_id, waiting[1].id)
  })

  await t.test('the series page flags an occurrence with no host', async (t) => {
    await db.deleteFrom('event_hosts').where('event_id', '=', future[3].id).execute()
    const occ = await seriesOccurrences(db, series.id, now)
    t.same(occ.find((o) => o.id === future[3].id)!.flags, ['has no host', 'has no speaker'])
    t.same(occ.find((o) => o.id === future[4].id)!.flags, ['has no speaker'])
  })

  await t.test('the series form checks its fields', async (t) => {
    const bad = readSeriesForm({ title: 'x', kind: 'meetup', why_it_matters: 'y', venue_name: 'Hall', pattern: 'daily', interval: '0', first_date: 'soon', start_time: '25', duration_minutes: '2', time_zone: 'Nowhere' })
    t.same(Object.keys(bad.errors).sort(), ['duration_minutes', 'first_date', 'interval', 'pattern', 'start_time', 'time_zone'])
  })
})

t.test('schedule changes keep one series, with a history that reads right after a change from an earlier meeting', async (t) => {
  const database = await createTestDatabase()
  t.teardown(async () => {
    await database.connection.db.destroy()
    await new Promise((resolve) => setTimeout(resolve, 300))
    await database.drop()
  })
  const db = database.connection.db
  const { community } = await buildWorld(db, { members: [], event: false })
  const zone = 'America/Chicago'
  const firstDay = DateTime.now().setZone(zone).plus({ days: 3 }).toISODate()!
  const { series } = await createSeriesFor(db, community, { rrule: buildRule('weekly', 1, firstDay), dtstartLocal: `${firstDay}T12:00`, timeZone: zone })
  const meetings = await db.selectFrom('events').selectAll().where('series_id', '=', series.id).orderBy('starts_at').execute()
  const keyOf = (i: number) => meetings[i].occurrence_key!
  const dayAfter = (i: number, days: number) => DateTime.fromISO(keyOf(i).slice(0, 10)).plus({ days }).toISODate()!
  const change = (from: number, firstDate: string, time: string) => db.transaction().execute((trx) => changeScheduleFrom(trx, series.id, {
    fromEventId: meetings[from].id, rrule: buildRule('weekly', 1, firstDate), dtstartLocal: `${firstDate}T${time}`, timeZone: zone
  }))
  const history = () => db.selectFrom('series_schedules').selectAll().where('series_id', '=', series.id).orderBy('id').execute()

  // From the 5th meeting on: the next day of the week.
  const nextDay = dayAfter(4, 1)
  const first = await change(4, nextDay, '12:00')
  t.equal(first.series.id, series.id, 'the same series')
  t.equal(first.series.dtstart_local, `${nextDay}T12:00`)
  let rows = await history()
  t.equal(rows.length, 1)
  t.same([rows[0].dtstart_local, rows[0].until_local, rows[0].last_local], [`${firstDay}T12:00`, keyOf(4), keyOf(3)], 'the old rule until its 4th meeting')
  t.equal(describeSchedule(rows[0].rrule, rows[0].dtstart_local, zone), `Every ${DateTime.fromISO(firstDay).toFormat('cccc')} at 12:00 PM Central Time`)
  t.equal(describeSchedule(first.series.rrule, first.series.dtstart_local, zone), `Every ${DateTime.fromISO(nextDay).toFormat('cccc')} at 12:00 PM Central Time`)
  const byDay = (await db.selectFrom('events').select(['starts_at', 'status']).where('series_id', '=', series.id).where('status', '!=', 'cancelled').orderBy('starts_at').execute())
    .map((e) => DateTime.fromJSDate(e.starts_at, { zone }).toFormat('cccc'))
  t.same([...new Set(byDay.slice(4))], [DateTime.fromISO(nextDay).toFormat('cccc')], 'from the 5th meeting on, the new weekday')

  // Then from the 3rd meeting on (before the first change), two days later at 13:00: the first change never applied.
  const later = dayAfter(2, 2)
  await change(2, later, '13:00')
  rows = await history()
  t.equal(rows.length, 1, 'the schedule that never applied leaves the history')
  t.same([rows[0].dtstart_local, rows[0].until_local, rows[0].last_local], [`${firstDay}T12:00`, keyOf(2), keyOf(1)], 'the first rule now ends before the 3rd meeting')
  t.match(rows[0].rrule, new RegExp(`UNTIL=${keyOf(2).slice(0, 10).replace(/-/g, '')}T115900Z$`))
  const now = new Date()
  const upcoming = await db.selectFrom('events').select(['starts_at']).where('series_id', '=', series.id).where('status', '!=', 'cancelled')
    .where('starts_at', '>=', meetings[2].starts_at).where('starts_at', '>', now).orderBy('starts_at').execute()
  t.same([...new Set(upcoming.map((e) => DateTime.fromJSDate(e.starts_at, { zone }).toFormat('cccc HH:mm')))], [`${DateTime.fromISO(later).toFormat('cccc')} 13:00`])
  t.equal(await materialiseAllSeries(db, now), 0, 'the daily job creates no duplicates')
})
