import t from 'tap'
import { DateTime } from 'luxon'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { sendCalendarMail } from '../../../fixtures/calendar-mail.js'
import { createCommunity, createMember, signInAs } from '../../../fixtures/factories.js'
import { createSeries, materialiseAllSeries, type SeriesInput } from '../../../../src/domain/series/series.service.js'
import { readSeriesForm } from '../../../../src/forms/series-form.js'
import { eventFormValues } from '../../../../src/forms/event-form.js'

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
  }, threeMonthsAgo)
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

  await t.test('organizers find every series in a list: its rule in words, next meeting and how many are to come', async (t) => {
    const listUrl = `${base}/orga/series`
    const res = await organizer.get(listUrl)
    t.equal(res.statusCode, 200)
    const body = text(res.body)
    t.match(body, 'Series')
    t.match(body, 'Every month on the 2nd Tuesday at 12:00 PM Eastern Time')
    t.match(res.body, `href="${seriesUrl}"`, 'links to the series page')
    t.match(res.body, `href="${seriesUrl}/edit"`, 'and to its edit form')
    t.match(res.body, `href="${base}/events/${future[0].id}"`, 'the next meeting links to it')
    t.match(body, `Eastern Time ${local(future[0].starts_at).toFormat('LLL d, yyyy')}, 12:00 PM ${local(future[0].starts_at).toFormat('ZZZZ')} ${future.length} Edit`,
      `next meeting's date, then ${future.length} upcoming meetings`)
    // Where organizers look: the organizer pages' tabs and the events list.
    t.match((await organizer.get(`${base}/orga/settings`)).body, `href="${listUrl}"`)
    t.match((await organizer.get(`${base}/events`)).body, `href="${listUrl}"`)
    t.notMatch((await (await as(ada)).get(`${base}/events`)).body, `href="${listUrl}"`, 'members see no link')
  })

  await t.test('a series lacking captions is one line of the organizers’ warning, linking to the series, which warns at the top', async (t) => {
    const list = await organizer.get(`${base}/events`)
    const shown = text(list.body)
    t.match(shown, `${future.length} upcoming online events have no live captions`)
    t.match(list.body, `href="${seriesUrl}">Monthly brown-bag: ${future.length} upcoming meetings have no live-captions link</a>`)
    for (const e of future) t.notMatch(list.body, `href="${base}/orga/events/${e.id}/edit"`, 'no line per meeting')
    const page = text((await organizer.get(seriesUrl)).body)
    const warning = page.indexOf(`${future.length} upcoming meetings have no live-captions link`)
    t.ok(warning > 0 && warning < page.indexOf('Upcoming meetings of this series'), 'the series page warns at the top')
    const edit = await organizer.get(`${seriesUrl}/edit`)
    const editText = text(edit.body)
    const editWarning = editText.indexOf('upcoming meetings have no live-captions link')
    t.ok(editWarning > 0 && editWarning < editText.indexOf('What the meetings say'), 'and so does the edit form')
    t.match(edit.body, 'href="#live_transcript_url"')
    const one = text((await organizer.get(`${base}/orga/events/${future[1].id}/edit`)).body)
    const oneWarning = one.indexOf('This event is online but has no live-captions link.')
    t.ok(oneWarning > 0 && oneWarning < one.indexOf('Why this matters to members'), 'one meeting’s edit form warns at the top too')
    t.match(one, 'Its speaker and why it matters are its own and keep it with the series')
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
    const saved = text((await organizer.get(seriesUrl)).body)
    t.match(saved, 'upcoming meetings were updated. Past meetings and meetings changed on their own were left as they were.')
    t.notMatch(saved, 'no live-captions link', 'the captions warning goes once the series has a captions link')
    t.notMatch(text((await organizer.get(`${base}/events`)).body), 'Monthly brown-bag (new room): ', 'and from the events list')
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

  const editFields = (e: Awaited<ReturnType<typeof events>>[number], hostIds: number[]) => {
    const v = eventFormValues(e)
    return {
      ...Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')),
      ...(v.ask_accessibility ? { ask_accessibility: 'yes' } : {}),
      ...(v.ask_dietary ? { ask_dietary: 'yes' } : {}),
      hosts_shown: 'yes', hosts: hostIds.map(String), host_email: ''
    }
  }
  const row = async (id: number) => db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  await t.test('a speaker and why it matters on one meeting leave it with the series', async (t) => {
    const e = await row(future[1].id)
    const res = await organizer.post(`${base}/orga/events/${e.id}/edit`, {
      ...editFields(e, [orga.id, ben.id]), speaker_name: 'Dr. Ana Ruiz', why_it_matters: 'Ana wrote the kit validation guide.'
    }, { csrfFrom: `${base}/orga/events/${e.id}/edit` })
    t.equal(res.statusCode, 303)
    t.equal((await row(e.id)).edited_individually, false, 'not changed on its own')
    t.notMatch(text((await organizer.get(seriesUrl)).body), 'changed on its own')

    const edit = await organizer.post(`${seriesUrl}/edit`, {
      ...fields, title: 'Monthly brown-bag (new room)', summary: 'Bring your questions.', duration_minutes: '90',
      live_transcript_url: 'https://captions.example.gov/bb', hosts: [String(orga.id), String(ben.id)]
    }, { csrfFrom: `${seriesUrl}/edit` })
    t.equal(edit.statusCode, 303)
    const after = await row(e.id)
    t.equal(after.summary, 'Bring your questions.', 'a later series edit still reaches the meeting')
    t.equal(after.speaker_name, 'Dr. Ana Ruiz', 'which keeps its speaker')
    t.equal(after.why_it_matters, 'Ana wrote the kit validation guide.', 'and its own why-this-matters')
    t.equal((await row(future[2].id)).why_it_matters, 'An hour of practice from peers.', 'others keep the series’ text')

    // A change of time, though, is the meeting's own: series edits leave it alone from then on.
    const moved = await row(future[7].id)
    const later = await organizer.post(`${base}/orga/events/${moved.id}/edit`, { ...editFields(moved, [orga.id, ben.id]), start_time: '14:00', end_time: '15:30' })
    t.equal(later.statusCode, 303)
    t.equal((await row(moved.id)).edited_individually, true)
  })

  await t.test('speakers for the upcoming meetings, in one form from the series page', async (t) => {
    const speakersUrl = `${seriesUrl}/speakers`
    t.match((await organizer.get(seriesUrl)).body, `href="${speakersUrl}"`, 'the series page links to the form')
    const form = await organizer.get(speakersUrl)
    t.equal(form.statusCode, 200)
    const page = text(form.body)
    t.match(page, 'The next 24 meetings, at most. A speaker (up to 200 characters) and why a meeting matters (up to 300 characters)')
    for (const e of future) t.match(form.body, `name="speaker_${e.id}"`)
    t.match(form.body, 'value="Dr. Ana Ruiz"', 'a speaker already set is shown')

    const f4 = future[4]
    const day = local(f4.starts_at).toFormat('cccc, LLLL d, yyyy')
    const bad = await organizer.post(speakersUrl, { [`speaker_${f4.id}`]: 'x'.repeat(201), [`why_${f4.id}`]: 'Kept text', [`speaker_${future[6].id}`]: 'Dr. Lee' }, { csrfFrom: speakersUrl })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), `The meeting of ${day}: the speaker must be 200 characters or fewer (you entered 201).`)
    t.match(bad.body, 'Kept text', 'input kept')
    t.match(bad.body, 'value="Dr. Lee"')
    t.equal((await row(future[6].id)).speaker_name, null, 'nothing saved')

    const ok = await organizer.post(speakersUrl, {
      [`speaker_${f4.id}`]: 'Ben Bench', [`why_${f4.id}`]: '', [`speaker_${future[6].id}`]: 'Dr. Lee', [`why_${future[6].id}`]: 'Dr. Lee runs the state’s DNA lab.'
    })
    t.equal(ok.statusCode, 303)
    t.match(text((await organizer.get(seriesUrl)).body), 'Speakers saved: 2 meetings changed.')
    const four = await row(f4.id)
    const six = await row(future[6].id)
    t.same([four.speaker_name, four.why_it_matters, four.edited_individually], ['Ben Bench', 'An hour of practice from peers.', false], 'empty why: the series’ text')
    t.same([six.speaker_name, six.why_it_matters, six.edited_individually], ['Dr. Lee', 'Dr. Lee runs the state’s DNA lab.', false])
    t.equal((await row(future[1].id)).speaker_name, 'Dr. Ana Ruiz', 'meetings left out of the POST keep theirs')
    t.match(text((await organizer.get(`${base}/events/${six.id}`)).body), 'Dr. Lee', 'members see the speaker')
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

  await t.test('a new time "this and all following" keeps one series, with its schedule history', async (t) => {
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

    // As a browser sends the edit page's schedule form: a later meeting chosen, only the time changed.
    const editPage = (await organizer.get(`${seriesUrl}/edit`)).body
    const prefilled = /name="first_date" type="date" value="([^"]*)"/.exec(editPage)![1]
    t.equal(prefilled, '', 'the first date is not prefilled: the new schedule starts on the chosen meeting')
    t.match(text(editPage), 'Leave empty to start on the chosen meeting’s date.')
    const ok = await organizer.post(`${seriesUrl}/schedule`, { ...schedule, first_date: prefilled })
    t.equal(ok.statusCode, 303, 'choosing a meeting and changing only the time is accepted')
    t.equal(ok.headers.location, seriesUrl, 'the series keeps its address')
    const page = text((await organizer.get(seriesUrl)).body)
    t.match(page, 'New schedule saved from that meeting on.')
    t.match(page, '1:00 PM')
    const full = (d: Date) => local(d).toLocaleString(DateTime.DATE_FULL)
    t.match(page, `Schedule history: every month on the 2nd Tuesday at 12:00 PM Eastern Time until ${full(future[4].starts_at)}, ` +
      `then every month on the 2nd Tuesday at 1:00 PM Eastern Time from ${full(future[5].starts_at)}.`)
    t.match(page, 'Every month on the 2nd Tuesday at 1:00 PM Eastern Time, for 90 minutes.')

    t.equal((await db.selectFrom('series').select('id').where('community_id', '=', community.id).where('title', 'like', 'Monthly brown-bag%').execute()).length, 1, 'still one series')
    const history = await db.selectFrom('series_schedules').selectAll().where('series_id', '=', series.id).execute()
    t.equal(history.length, 1)
    t.match(history[0].rrule, /;UNTIL=\d{8}T\d{6}Z$/)
    const list = (await organizer.get(`${base}/orga/series`)).body
    t.equal(list.split(`href="${seriesUrl}"`).length - 1, 1, 'one entry in the series list')

    const all = await events(series.id)
    const at = (id: number) => all.find((e) => e.id === id)!
    t.equal(local(at(future[4].id).starts_at).toFormat('HH:mm'), '12:00', 'an earlier meeting keeps its time')
    t.equal(at(future[3].id).status, 'cancelled', 'an earlier cancellation stays')
    for (const e of all.filter((e) => e.starts_at >= future[5].starts_at && e.status !== 'cancelled' && !e.edited_individually)) t.equal(local(e.starts_at).toFormat('ccc HH:mm'), 'Tue 13:00')
    t.equal(local(at(future[7].id).starts_at).toFormat('HH:mm'), '14:00', 'a meeting moved on its own keeps its time')
    t.equal(at(future[5].id).series_id, series.id, 'the chosen meeting stays in the series (same event, same RSVPs)')
    const bens = await db.selectFrom('rsvps').select(['event_id', 'status']).where('member_id', '=', ben.id).orderBy('event_id').execute()
    t.same(bens, [{ event_id: future[5].id, status: 'going' }, { event_id: future[6].id, status: 'going' }], 'RSVPs on unchanged dates are kept')
    t.equal(await materialiseAllSeries(db, now), 0, 'the daily job creates no duplicates')
  })

  await t.test('a new series may not start in the past', async (t) => {
    const today = DateTime.now().setZone(NY)
    const create = {
      title: 'Weekly stand-up', kind: 'meetup', why_it_matters: 'Ten minutes of news.', summary: '', pattern: 'weekly', interval: '1',
      first_date: today.minus({ days: 1 }).toISODate()!, start_time: '09:00', duration_minutes: '15', time_zone: NY, venue_name: 'Hall', publish: 'no'
    }
    const seriesBefore = (await db.selectFrom('series').select('id').execute()).length
    const yesterday = await organizer.post(`${base}/orga/series/new`, create, { csrfFrom: `${base}/orga/series/new` })
    t.equal(yesterday.statusCode, 400)
    t.match(text(yesterday.body), 'The first date must be today or later')
    t.match(yesterday.body, `value="${create.first_date}"`, 'input kept')
    // Today, at a time already gone in New York (skipped just after midnight there, when no time today has gone).
    if (today.hour > 0 || today.minute > 1) {
      const gone = await organizer.post(`${base}/orga/series/new`, { ...create, first_date: today.toISODate()!, start_time: '00:00' })
      t.equal(gone.statusCode, 400)
      t.match(text(gone.body), 'The start time today has already passed')
    }
    t.equal((await db.selectFrom('series').select('id').execute()).length, seriesBefore, 'nothing saved')
    const tomorrow = await organizer.post(`${base}/orga/series/new`, { ...create, first_date: today.plus({ days: 1 }).toISODate()! })
    t.equal(tomorrow.statusCode, 303, 'tomorrow is fine')
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
    const gets = [seriesUrl, `${seriesUrl}/edit`, `${base}/orga/series`, `${seriesUrl}/speakers`]
    const posts = [`${seriesUrl}/edit`, `${seriesUrl}/schedule`, `${seriesUrl}/speakers`, `${seriesUrl}/move-occurrence`, `${seriesUrl}/cancel-occurrence`]
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
