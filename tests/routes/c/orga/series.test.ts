import t from 'tap'
import { DateTime } from 'luxon'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { sendCalendarMail } from '../../../fixtures/calendar-mail.js'
import { createCommunity, createMember, signInAs } from '../../../fixtures/factories.js'
import { createSeries, materialiseAllSeries, type SeriesInput } from '../../../../src/domain/series/series.service.js'
import { readSeriesForm } from '../../../../src/forms/series-form.js'

const NY = 'America/New_York'
const local = (d: Date) => DateTime.fromJSDate(d, { zone: NY })

t.test('series pages for organizers', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@agency.gov' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', email: 'ada@lab.gov' })
  const ben = await createMember(db, { full_name: 'Ben Bench', email: 'ben@lab.gov' })
  const stranger = await createMember(db, { full_name: 'Sam Stranger', email: 'sam@else.gov' })
  const admin = await createMember(db, { full_name: 'Site Admin', is_admin: true, email: 'admin@site.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada, ben] })
  const base = `/c/${community.slug}`
  const as = async (m: typeof ada | null) => {
    const c = new Client(app)
    if (m) await signInAs(c, m)
    return c
  }
  const organizer = await as(orga)

  // A monthly brown-bag, 2nd Tuesday 12:00 New York, that started three months ago.
  const now = new Date()
  const threeMonthsAgo = DateTime.fromJSDate(now).minus({ months: 3 }).toJSDate()
  const first = DateTime.fromJSDate(threeMonthsAgo, { zone: NY }).startOf('month')
  const form = readSeriesForm({
    title: 'Monthly brown-bag', kind: 'brown-bag', why_it_matters: 'An hour of practice from peers.', online_url: 'https://meet.example.gov/bb',
    pattern: 'monthly-weekday', interval: '1', first_date: first.plus({ days: (9 - first.weekday) % 7 + 7 }).toISODate(), start_time: '12:00',
    duration_minutes: '60', time_zone: NY, capacity: '20'
  })
  const { series } = await db.transaction().execute((trx) => createSeries(trx, community.id, form.input as SeriesInput, orga.id, threeMonthsAgo))
  const events = async (seriesId = series.id) => db.selectFrom('events').selectAll().where('series_id', '=', seriesId).orderBy('starts_at').execute()
  const all = await events()
  const future = all.filter((e) => e.starts_at > now)
  const past = all.filter((e) => e.ends_at <= now)
  t.ok(future.length >= 8 && past.length >= 2, `${future.length} upcoming, ${past.length} past`)
  const seriesUrl = `${base}/orga/series/${series.id}`
  const rsvp = (eventId: number, memberId: number) => db.insertInto('rsvps').values({ event_id: eventId, member_id: memberId, status: 'going', accessibility_needs: null, dietary_needs: null, waitlisted_at: null }).execute()
  await rsvp(past[0].id, ada.id)
  await rsvp(future[0].id, ada.id)
  await rsvp(future[2].id, ada.id)
  await rsvp(future[5].id, ben.id)
  await rsvp(future[6].id, ben.id)

  await t.test('the series page lists meetings with status and going count, and flags the next one', async (t) => {
    const page = await organizer.get(seriesUrl)
    t.equal(page.statusCode, 200)
    const body = text(page.body)
    t.match(body, 'Upcoming meetings')
    t.match(body, 'Past meetings')
    t.ok(body.indexOf('Upcoming meetings') < body.indexOf('Past meetings'), 'upcoming first')
    t.match(body, `The next Monthly brown-bag, on ${local(future[0].starts_at).toFormat('cccc, LLLL d, yyyy')}, has no speaker.`)
    t.match(body, 'Published 1', 'status and going count')

    await db.deleteFrom('event_hosts').where('event_id', '=', future[0].id).execute()
    await db.updateTable('events').set({ online_url: null, venue_name: 'Room 101' }).where('id', '=', future[0].id).execute()
    t.match(text((await organizer.get(seriesUrl)).body), 'has no host, has no speaker and has no join link.')

    await db.insertInto('event_hosts').values({ event_id: future[0].id, member_id: orga.id }).execute()
    await db.updateTable('events').set({ online_url: 'https://meet.example.gov/bb', venue_name: null, speaker_name: 'Dr. Ana Ruiz' }).where('id', '=', future[0].id).execute()
    t.notMatch(text((await organizer.get(seriesUrl)).body), 'The next Monthly brown-bag', 'nothing missing, no flag')
  })

  const fields = {
    title: 'Monthly brown-bag', kind: 'brown-bag', why_it_matters: 'An hour of practice from peers.', summary: '', duration_minutes: '60',
    online_url: 'https://meet.example.gov/bb', live_transcript_url: '', capacity: '20', hosts_shown: 'yes', hosts: [String(orga.id)], host_email: ''
  }

  await t.test('editing the series changes future meetings only; past ones and RSVPs stay', async (t) => {
    const edit = await organizer.get(`${seriesUrl}/edit`)
    t.equal(edit.statusCode, 200)
    t.match(text(edit.body), 'Edit series')
    t.match(edit.body, 'value="Monthly brown-bag"')

    const bad = await organizer.post(`${seriesUrl}/edit`, { ...fields, title: '', summary: 'Kept summary', hosts: [], host_email: 'nobody@else.gov' })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'Enter a title.')
    t.match(text(bad.body), 'No member of this community has that email address.')
    t.match(bad.body, 'Kept summary', 'input kept')
    t.match(bad.body, /<select class="usa-select usa-input--error" id="host_email" name="host_email"/, 'the member list is shown again, marked in error')
    const none = await organizer.post(`${seriesUrl}/edit`, { ...fields, hosts: [] })
    t.equal(none.statusCode, 400)
    t.match(text(none.body), 'Choose at least one host.')

    const ok = await organizer.post(`${seriesUrl}/edit`, {
      ...fields, title: 'Monthly brown-bag (new room)', duration_minutes: '90', live_transcript_url: 'https://captions.example.gov/bb', host_email: 'ben@lab.gov'
    })
    t.equal(ok.statusCode, 303)
    t.equal(ok.headers.location, seriesUrl)
    t.match(text((await organizer.get(seriesUrl)).body), 'upcoming meetings were updated. Past meetings and meetings changed on their own were left as they were.')
    const after = new Map((await events()).map((e) => [e.id, e]))
    t.equal(after.get(future[1].id)!.title, 'Monthly brown-bag (new room)')
    t.equal(after.get(future[1].id)!.ends_at.getTime() - after.get(future[1].id)!.starts_at.getTime(), 90 * 60_000)
    for (const p of past) {
      t.equal(after.get(p.id)!.title, 'Monthly brown-bag', 'past meetings never change')
      t.equal(after.get(p.id)!.sequence, 0)
    }
    const hostsOf = async (id: number) => (await db.selectFrom('event_hosts').select('member_id').where('event_id', '=', id).orderBy('member_id').execute()).map((h) => h.member_id)
    t.same(await hostsOf(future[1].id), [orga.id, ben.id].sort((a, b) => a - b), 'future meetings get the new hosts')
    t.same(await hostsOf(past[0].id), [orga.id], 'past meetings keep theirs')
    const rsvps = await db.selectFrom('rsvps').select(['event_id', 'member_id', 'status']).where('member_id', '=', ada.id).orderBy('event_id').execute()
    t.same(rsvps.map((r) => r.status), ['going', 'going', 'going'], 'RSVPs untouched')
  })

  await t.test('move and cancel one meeting from the series page', async (t) => {
    const day = local(future[2].starts_at).plus({ days: 1 }).toISODate()!
    const bad = await organizer.post(`${seriesUrl}/move-occurrence`, { event_id: String(future[2].id), new_date: day, new_time: 'later' }, { csrfFrom: seriesUrl })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'Enter the new start time as HH:MM (24-hour).')
    t.match(bad.body, 'value="later"', 'input kept')
    t.match(bad.body, `value="${day}"`)
    const pastMove = await organizer.post(`${seriesUrl}/move-occurrence`, { event_id: String(past[0].id), new_date: day, new_time: '15:30' })
    t.equal(pastMove.statusCode, 400)
    t.match(text(pastMove.body), 'Choose an upcoming meeting to move.')

    // Only the mail the move causes (earlier steps mailed about the series' new place).
    await sendCalendarMail(app)
    const lastMailId = (await db.selectFrom('mail_messages').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()).id ?? 0
    const ok = await organizer.post(`${seriesUrl}/move-occurrence`, { event_id: String(future[2].id), new_date: day, new_time: '15:30' })
    t.equal(ok.statusCode, 303)
    t.match(text((await organizer.get(seriesUrl)).body), 'That meeting is moved.')
    const moved = await db.selectFrom('events').selectAll().where('id', '=', future[2].id).executeTakeFirstOrThrow()
    t.equal(local(moved.starts_at).toFormat("yyyy-LL-dd'T'HH:mm"), `${day}T15:30`)
    t.equal(moved.edited_individually, true)
    await sendCalendarMail(app)
    const mail = await db.selectFrom('mail_messages').selectAll().where('kind', 'in', ['event-updated', 'event-changed']).where('id', '>', lastMailId).execute()
    t.same(mail.map((m) => m.member_id), [ada.id], 'the member going is told the new time')

    const badCancel = await organizer.post(`${seriesUrl}/cancel-occurrence`, { event_id: '' })
    t.equal(badCancel.statusCode, 400)
    t.match(text(badCancel.body), 'Choose an upcoming meeting to cancel.')
    const cancel = await organizer.post(`${seriesUrl}/cancel-occurrence`, { event_id: String(future[3].id) }, { csrfFrom: seriesUrl })
    t.equal(cancel.statusCode, 303)
    t.match(text((await organizer.get(seriesUrl)).body), 'That meeting is cancelled.')
    t.equal((await db.selectFrom('events').select('status').where('id', '=', future[3].id).executeTakeFirstOrThrow()).status, 'cancelled')
    t.equal((await db.selectFrom('events').select('status').where('id', '=', future[4].id).executeTakeFirstOrThrow()).status, 'published', 'the others go ahead')
  })

  await t.test('a new time "this and all following" splits the series at that meeting', async (t) => {
    const fromDate = local(future[5].starts_at).toISODate()!
    const schedule = { from_event: String(future[5].id), pattern: 'monthly-weekday', interval: '1', first_date: fromDate, start_time: '13:00', time_zone: NY }
    const early = await organizer.post(`${seriesUrl}/schedule`, { ...schedule, first_date: local(future[4].starts_at).toISODate()! }, { csrfFrom: `${seriesUrl}/edit` })
    t.equal(early.statusCode, 400)
    t.match(text(early.body), 'The new first date must be on or after the meeting the change starts from.')
    const bad = await organizer.post(`${seriesUrl}/schedule`, { ...schedule, start_time: '1pm' })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'Enter the start time as HH:MM (24-hour).')
    t.match(bad.body, 'value="1pm"', 'input kept')
    const pastFrom = await organizer.post(`${seriesUrl}/schedule`, { ...schedule, from_event: String(past[0].id) })
    t.equal(pastFrom.statusCode, 400)
    t.match(text(pastFrom.body), 'Choose an upcoming meeting of this series.')

    const ok = await organizer.post(`${seriesUrl}/schedule`, schedule)
    t.equal(ok.statusCode, 303)
    const newId = Number(/\/orga\/series\/(\d+)$/.exec(ok.headers.location as string)![1])
    t.not(newId, series.id)
    const page = text((await organizer.get(ok.headers.location as string)).body)
    t.match(page, 'New schedule saved from that meeting on.')
    t.match(page, '1:00 PM')

    const oldRule = await db.selectFrom('series').select('rrule').where('id', '=', series.id).executeTakeFirstOrThrow()
    t.match(oldRule.rrule, /;UNTIL=\d{8}T\d{6}Z$/)
    const before = await events(series.id)
    for (const e of before.filter((e) => e.starts_at > now)) t.ok(e.starts_at < future[5].starts_at, 'the old series keeps only meetings before the split')
    t.ok(before.some((e) => e.id === future[4].id && local(e.starts_at).toFormat('HH:mm') === '12:00'), 'an earlier meeting keeps its time')
    t.equal(before.find((e) => e.id === future[3].id)!.status, 'cancelled', 'an earlier cancellation stays')
    const after = await events(newId)
    t.equal(after[0].id, future[5].id, 'the chosen meeting moves to the new series (same event, same RSVPs)')
    t.equal(after[1].id, future[6].id)
    for (const e of after) t.equal(local(e.starts_at).toFormat('ccc HH:mm'), 'Tue 13:00')
    const bens = await db.selectFrom('rsvps').select(['event_id', 'status']).where('member_id', '=', ben.id).orderBy('event_id').execute()
    t.same(bens, [{ event_id: future[5].id, status: 'going' }, { event_id: future[6].id, status: 'going' }], 'RSVPs on unchanged dates are kept')
    for (const p of past) t.equal((await db.selectFrom('events').select('series_id').where('id', '=', p.id).executeTakeFirstOrThrow()).series_id, series.id)
    t.equal(await materialiseAllSeries(db, now), 0, 'the daily job creates no duplicates')
  })

  await t.test('a limit is an error naming the field, with the input kept, on every series form', async (t) => {
    const long = 's'.repeat(5001)
    const create = {
      title: 'Weekly stand-up', kind: 'meetup', why_it_matters: 'Ten minutes of news.', summary: long, pattern: 'weekly', interval: '1',
      first_date: local(future[1].starts_at).toISODate()!, start_time: '09:00', duration_minutes: '15', time_zone: NY, venue_name: 'Hall', publish: 'no'
    }
    const seriesBefore = (await db.selectFrom('series').select('id').execute()).length
    const res = await organizer.post(`${base}/orga/series/new`, { ...create, region: 'r'.repeat(501) }, { csrfFrom: `${base}/orga/series/new` })
    t.equal(res.statusCode, 400)
    t.match(text(res.body), 'The summary must be 5000 characters or fewer (you entered 5001).')
    t.match(text(res.body), 'The region must be 500 characters or fewer (you entered 501).')
    t.ok(res.body.includes(`>${long}</textarea>`), 'the whole summary is kept, uncut')
    t.equal((await db.selectFrom('series').select('id').execute()).length, seriesBefore, 'nothing saved')
    const interval = await organizer.post(`${base}/orga/series/new`, { ...create, summary: '', interval: '13' })
    t.equal(interval.statusCode, 400)
    t.match(text(interval.body), 'Enter how many weeks or months apart, from 1 to 12.')

    const edit = await organizer.post(`${seriesUrl}/edit`, { ...fields, venue_name: 'v'.repeat(501) }, { csrfFrom: `${seriesUrl}/edit` })
    t.equal(edit.statusCode, 400)
    t.match(text(edit.body), 'The venue name must be 500 characters or fewer (you entered 501).')
    t.ok(edit.body.includes(`value="${'v'.repeat(501)}"`), 'the venue name is kept, uncut')
    t.not((await db.selectFrom('series').select('venue_name').where('id', '=', series.id).executeTakeFirstOrThrow()).venue_name, 'v'.repeat(501))

    const move = await organizer.post(`${seriesUrl}/move-occurrence`, { event_id: '', new_date: '2099-13-01', new_time: '10:00' }, { csrfFrom: seriesUrl })
    t.equal(move.statusCode, 400)
    t.match(text(move.body), 'Choose an upcoming meeting to move.')
    t.match(text(move.body), 'Enter the new date as YYYY-MM-DD.')
  })

  await t.test('permissions for every series route', async (t) => {
    const gets = [seriesUrl, `${seriesUrl}/edit`]
    const posts = [`${seriesUrl}/edit`, `${seriesUrl}/schedule`, `${seriesUrl}/move-occurrence`, `${seriesUrl}/cancel-occurrence`]
    const outsider = await as(null)
    const nonMember = await as(stranger)
    const member = await as(ada)
    const siteAdmin = await as(admin)
    for (const [who, c] of [['outsider', outsider], ['non-member', nonMember]] as const) {
      for (const path of gets) {
        const res = await c.get(path)
        t.equal(res.statusCode, 404, `${who} GET ${path}`)
        t.match(text(res.body), 'Page not found')
      }
      for (const path of posts) t.equal((await c.post(path, { event_id: String(future[7].id) }, { csrfFrom: '/sign-in' })).statusCode, 404, `${who} POST ${path}`)
    }
    for (const path of gets) {
      const res = await member.get(path)
      t.equal(res.statusCode, 403, `member GET ${path}`)
      t.match(text(res.body), 'Only this community’s organizers can do that.')
    }
    for (const path of posts) t.equal((await member.post(path, { event_id: String(future[7].id) }, { csrfFrom: `${base}/events` })).statusCode, 403, `member POST ${path}`)
    for (const path of gets) t.equal((await siteAdmin.get(path)).statusCode, 200, `admin GET ${path}`)
    const adminCancel = await siteAdmin.post(`${seriesUrl}/cancel-occurrence`, { event_id: String(future[4].id) }, { csrfFrom: seriesUrl })
    t.equal(adminCancel.statusCode, 303, 'an admin may cancel a meeting')
    t.equal((await db.selectFrom('events').select('status').where('id', '=', future[7].id).executeTakeFirstOrThrow()).status, 'published', 'refused requests changed nothing')
    t.equal((await organizer.get(`${base}/orga/series/999999/edit`)).statusCode, 404)
  })
})
