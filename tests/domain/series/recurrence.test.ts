// The process zone is deliberately far from the series' zones; the tests below also switch it mid-run.
process.env.TZ = 'Asia/Kolkata'

import t from 'tap'
import { DateTime } from 'luxon'
import { buildRule, describeRule, describeSchedule, expand, localToInstant, MAX_OCCURRENCES, type SeriesRule } from '../../../src/domain/series/recurrence.js'

const local = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone }).toFormat("ccc yyyy-LL-dd HH:mm")
const utcHour = (d: Date) => d.getUTCHours()

function underZones<T> (fn: () => T): T[] {
  const before = process.env.TZ
  const out = ['UTC', 'America/Los_Angeles', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata'].map((tz) => {
    process.env.TZ = tz
    return fn()
  })
  process.env.TZ = before
  return out
}

t.test('changing process.env.TZ really changes the process zone (so the next tests mean something)', async (t) => {
  process.env.TZ = 'UTC'
  const a = new Date(2026, 0, 1).getTime()
  process.env.TZ = 'Asia/Kolkata'
  const b = new Date(2026, 0, 1).getTime()
  t.not(a, b)
})

t.test('weekly 12:00 America/New_York stays at 12:00 local across both DST changes', async (t) => {
  const rule: SeriesRule = { rrule: buildRule('weekly', 1, '2026-02-24'), dtstartLocal: '2026-02-24T12:00', timeZone: 'America/New_York', durationMinutes: 60 }
  t.equal(rule.rrule, 'FREQ=WEEKLY;INTERVAL=1;BYDAY=TU')
  const runs = underZones(() => expand(rule, new Date('2026-02-01T00:00:00Z'), new Date('2026-11-30T00:00:00Z')).map((o) => o.startsAt.toISOString()))
  for (const r of runs) t.same(r, runs[0], 'same instants whatever the process zone')
  const occ = expand(rule, new Date('2026-02-01T00:00:00Z'), new Date('2026-11-30T00:00:00Z'))
  t.equal(occ[0].key, '2026-02-24T12:00')
  for (const o of occ) {
    t.match(local(o.startsAt, 'America/New_York'), /^Tue .* 12:00$/)
    t.equal(o.endsAt.getTime() - o.startsAt.getTime(), 3_600_000)
  }
  const mar3 = occ.find((o) => o.key === '2026-03-03T12:00')!
  const mar10 = occ.find((o) => o.key === '2026-03-10T12:00')!
  const nov3 = occ.find((o) => o.key === '2026-11-03T12:00')!
  t.equal(utcHour(mar3.startsAt), 17, 'EST: 17:00Z')
  t.equal(utcHour(mar10.startsAt), 16, 'EDT after March 8: 16:00Z')
  t.equal(utcHour(nov3.startsAt), 17, 'EST again after November 1')
})

t.test('monthly 2nd Tuesday 12:30 Europe/London across BST', async (t) => {
  const rrule = buildRule('monthly-weekday', 1, '2026-01-13')
  t.equal(rrule, 'FREQ=MONTHLY;INTERVAL=1;BYDAY=+2TU')
  const rule: SeriesRule = { rrule, dtstartLocal: '2026-01-13T12:30', timeZone: 'Europe/London', durationMinutes: 45 }
  const runs = underZones(() => expand(rule, new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z')).map((o) => o.startsAt.toISOString()))
  for (const r of runs) t.same(r, runs[0])
  const occ = expand(rule, new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))
  t.same(occ.map((o) => o.key.slice(0, 10)), ['2026-01-13', '2026-02-10', '2026-03-10', '2026-04-14', '2026-05-12', '2026-06-09',
    '2026-07-14', '2026-08-11', '2026-09-08', '2026-10-13', '2026-11-10', '2026-12-08'])
  for (const o of occ) t.match(local(o.startsAt, 'Europe/London'), / 12:30$/)
  t.equal(occ[2].startsAt.toISOString(), '2026-03-10T12:30:00.000Z', 'GMT in March')
  t.equal(occ[3].startsAt.toISOString(), '2026-04-14T11:30:00.000Z', 'BST in April')
  t.equal(occ[10].startsAt.toISOString(), '2026-11-10T12:30:00.000Z', 'GMT again in November')
})

t.test('weekly 09:00 Australia/Sydney across April (DST ends) and October (DST starts)', async (t) => {
  const rule: SeriesRule = { rrule: buildRule('weekly', 1, '2026-03-25'), dtstartLocal: '2026-03-25T09:00', timeZone: 'Australia/Sydney', durationMinutes: 90 }
  const runs = underZones(() => expand(rule, new Date('2026-03-01T00:00:00Z'), new Date('2026-10-31T00:00:00Z')).map((o) => o.startsAt.toISOString()))
  for (const r of runs) t.same(r, runs[0])
  const occ = expand(rule, new Date('2026-03-01T00:00:00Z'), new Date('2026-10-31T00:00:00Z'))
  for (const o of occ) t.match(local(o.startsAt, 'Australia/Sydney'), /^Wed .* 09:00$/)
  t.equal(occ.find((o) => o.key === '2026-04-01T09:00')!.startsAt.toISOString(), '2026-03-31T22:00:00.000Z', 'AEDT +11')
  t.equal(occ.find((o) => o.key === '2026-04-08T09:00')!.startsAt.toISOString(), '2026-04-07T23:00:00.000Z', 'AEST +10')
  t.equal(occ.find((o) => o.key === '2026-10-07T09:00')!.startsAt.toISOString(), '2026-10-06T22:00:00.000Z', 'AEDT again')
})

t.test('every other month, and the last weekday of the month', async (t) => {
  const everyOther = buildRule('monthly-weekday', 2, '2026-01-15')
  t.equal(everyOther, 'FREQ=MONTHLY;INTERVAL=2;BYDAY=+3TH')
  const occ = expand({ rrule: everyOther, dtstartLocal: '2026-01-15T14:00', timeZone: 'America/Chicago', durationMinutes: 120 },
    new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))
  t.same(occ.map((o) => o.key), ['2026-01-15T14:00', '2026-03-19T14:00', '2026-05-21T14:00', '2026-07-16T14:00', '2026-09-17T14:00', '2026-11-19T14:00'])
  t.equal(buildRule('monthly-weekday', 1, '2026-01-29'), 'FREQ=MONTHLY;INTERVAL=1;BYDAY=-1TH')
  t.equal(buildRule('monthly-day', 3, '2026-01-31'), 'FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=31')
  t.match(describeRule(everyOther), /every 2 months on the 3rd Thursday/)
  t.equal(describeRule('nonsense'), 'nonsense')
  t.throws(() => buildRule('weekly', 1, 'soon'))
})

t.test('the range is [from, until) on real instants; a runaway rule is capped', async (t) => {
  const rule: SeriesRule = { rrule: 'FREQ=DAILY', dtstartLocal: '2026-01-01T23:30', timeZone: 'Pacific/Auckland', durationMinutes: 30 }
  const from = localToInstant('2026-01-05T23:30', 'Pacific/Auckland')
  const occ = expand(rule, from, new Date(from.getTime() + 3 * 86_400_000))
  t.same(occ.map((o) => o.key), ['2026-01-05T23:30', '2026-01-06T23:30', '2026-01-07T23:30'])
  const many = expand({ ...rule, rrule: 'FREQ=HOURLY' }, new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))
  t.equal(many.length, MAX_OCCURRENCES)
  t.throws(() => expand({ ...rule, dtstartLocal: 'tomorrow' }, from, from))
})

t.test('a local time skipped by the spring change moves forward, not back', async (t) => {
  t.equal(localToInstant('2026-03-08T02:30', 'America/New_York').toISOString(), '2026-03-08T07:30:00.000Z', '03:30 EDT')
})

t.test('a schedule in words, as organizers read it', async (t) => {
  const ny = 'America/New_York'
  t.equal(describeSchedule(buildRule('weekly', 2, '2026-12-08'), '2026-12-08T12:00', ny), 'Every other Tuesday at 12:00 PM Eastern Time')
  t.equal(describeSchedule(buildRule('weekly', 1, '2026-12-09'), '2026-12-09T13:30', 'Europe/Berlin'), 'Every Wednesday at 1:30 PM Central European Time')
  t.equal(describeSchedule(buildRule('weekly', 3, '2026-12-09'), '2026-12-09T09:05', ny), 'Every 3 weeks on Wednesday at 9:05 AM Eastern Time')
  t.equal(describeSchedule(buildRule('monthly-weekday', 1, '2026-12-08'), '2026-12-08T12:00', ny), 'Every month on the 2nd Tuesday at 12:00 PM Eastern Time')
  t.equal(describeSchedule(buildRule('monthly-weekday', 2, '2026-12-29'), '2026-12-29T12:00', ny), 'Every other month on the last Tuesday at 12:00 PM Eastern Time')
  t.equal(describeSchedule(buildRule('monthly-day', 3, '2026-12-11'), '2026-12-11T08:00', ny), 'Every 3 months on the 11th at 8:00 AM Eastern Time')
  t.equal(describeSchedule('FREQ=WEEKLY;INTERVAL=1', '2026-12-10T12:00', 'America/Chicago'), 'Every Thursday at 12:00 PM Central Time', 'no BYDAY: the first date’s weekday')
  t.equal(describeSchedule('FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;UNTIL=20261214T115900Z', '2026-12-08T12:00', ny), 'Every Tuesday at 12:00 PM Eastern Time', 'UNTIL left out')
  t.match(describeSchedule('FREQ=DAILY', '2026-12-08T12:00', ny), /^Every day at 12:00 PM Eastern Time$/)
})
