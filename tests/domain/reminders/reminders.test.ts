import t from 'tap'
import { DateTime } from 'luxon'
import { Client, createTestApp, PUBLIC_URL, text } from '../../fixtures/build-app.js'
import { addMembership, createEvent, createMember, createRsvp, signInAs } from '../../fixtures/factories.js'
import { buildWorld } from '../../fixtures/world.js'
import type { Event, Member } from '../../../src/db/database.js'
import { cancelEvent, publishEvent, updateEvent, type EventInput } from '../../../src/domain/events/events.service.js'
import { eventFormValues, readEventForm } from '../../../src/forms/event-form.js'
import { sendDueReminders } from '../../../src/domain/reminders/reminders.service.js'
import { DEFAULT_OFFSETS, formatOffsets, readOffsets } from '../../../src/domain/reminders/offsets.js'
import { sendCalendarMail } from '../../fixtures/calendar-mail.js'
import { answerInTransaction, type RsvpChoice } from '../../../src/domain/rsvps/rsvps.service.js'
import { readRsvpToken } from '../../../src/domain/rsvps/rsvp-tokens.js'

// Reminders before an event, to those going: a day and an hour before by default, or what the organizer
// typed on the event form. Each (event, member, offset) is mailed at most once, whoever runs the pass.

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

t.test('reminder offsets: the form’s text', async (t) => {
  t.same(DEFAULT_OFFSETS, [1440, 60], 'a day and an hour by default')
  t.equal(formatOffsets(DEFAULT_OFFSETS), '1 day, 1 hour')
  t.equal(formatOffsets([30, 2880]), '2 days, 30 minutes', 'largest first')
  t.equal(formatOffsets([90, 10080, 120]), '1 week, 2 hours, 90 minutes')
  t.equal(formatOffsets([]), '')

  t.same(readOffsets('2 days, 30 minutes').offsets, [2880, 30])
  t.same(readOffsets('30 min; 2d and 1 hour').offsets, [2880, 60, 30], 'commas, semicolons and "and"; short units')
  t.same(readOffsets('45').offsets, [45], 'a bare number is minutes')
  t.same(readOffsets('1 hour, 60 minutes, 1 HOUR').offsets, [60], 'duplicates collapse')
  t.same(readOffsets('').offsets, [], 'empty: no reminders')
  t.same(readOffsets('   ').offsets, [], 'blank: no reminders')
  t.same(readOffsets('5 minutes, 4 weeks').offsets, [40320, 5], 'the limits themselves are allowed')
  for (const offsets of [[1440, 60], [2880, 30], [10080, 90, 5]]) {
    t.same(readOffsets(formatOffsets(offsets)).offsets, offsets, `${formatOffsets(offsets)} reads back`)
  }

  const soon = readOffsets('soon')
  t.equal(soon.offsets, undefined)
  t.equal(soon.error, 'Write each reminder as a number and a unit, such as "1 day, 1 hour" (we couldn’t read "soon").')
  t.equal(soon.text, 'soon', 'the typed text is kept')
  t.match(readOffsets('1 day, 10 years').error, 'we couldn’t read "10 years"', 'years are not a unit')
  t.equal(readOffsets('5 weeks').error, 'Each reminder must be between 5 minutes and 4 weeks before the start.')
  t.equal(readOffsets('4 minutes').error, 'Each reminder must be between 5 minutes and 4 weeks before the start.')
  t.equal(readOffsets('1 day, 2 days, 3 days, 4 days, 5 days, 6 days').error, 'Choose at most 5 reminders.')
})

t.test('reminders', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const { organizer: olive, community } = await buildWorld(db, {
    organizer: { email: 'olive@lab.gov' }, community: { slug: 'dna', name: 'DNA Analysts' }, members: [], event: false
  })
  const base = `/c/${community.slug}`

  let people = 0
  async function member (name: string): Promise<Member> {
    const m = await createMember(db, { full_name: name, email: `${name.toLowerCase().replace(/\W+/g, '.')}.${++people}@lab.gov` })
    await addMembership(db, community.id, m.id)
    return m
  }
  let events = 0
  /**
   * A published event (unless `publish` is false) with a title of its own. Each starts a week after the one
   * before, so a pass at one event's reminder time finds nothing due for the others (they have started, or
   * their reminders are days away) and the number a pass returns is about this event alone.
   */
  async function event (over: Partial<EventInput> = {}, publish = true): Promise<Event> {
    events++
    const startsAt = new Date(Math.floor((Date.now() + 3 * DAY + events * 7 * DAY) / MINUTE) * MINUTE)
    const input: EventInput = {
      kind: 'brown-bag', title: `Validation brown-bag ${events}`, summary: '', whyItMatters: 'See how another lab validated its kit.',
      startsAt, endsAt: new Date(startsAt.getTime() + HOUR), timeZone: 'America/New_York',
      venueName: null, venueAddress: null, venueRoom: null, accessibilityNotes: null, onlineUrl: 'https://meet.example.gov/bb',
      region: null, liveTranscriptUrl: 'https://captions.example.gov/bb', recordingUrl: null, capacity: null, rsvpClosesAt: null,
      askAccessibility: false, askDietary: false, ...over
    }
    return db.transaction().execute(async (trx) => {
      const e = await createEvent(trx, community, { ...input, status: 'draft' })
      return publish ? publishEvent(trx, e.id) : e
    })
  }
  const answer = async (e: Event, m: Member, choice: RsvpChoice) => {
    const outcome = await db.transaction().execute((trx) => answerInTransaction(trx, { eventId: e.id, memberId: m.id, choice }))
    if (!outcome.ok) throw new Error(outcome.message)
    await sendCalendarMail(app) // the invite, as the worker sends it
    return outcome.status
  }
  const pass = (now: Date) => sendDueReminders(db, app.mailer, now)
  /** `minutes` before the event starts, plus one minute (the job runs every minute). */
  const before = (e: Event, minutes: number) => new Date(e.starts_at.getTime() - minutes * MINUTE + MINUTE)
  /** The reminder mails about an event, oldest first. */
  const reminders = (e: Event) => db.selectFrom('mail_messages').selectAll()
    .where('kind', '=', 'event-reminder').where('subject', 'like', `Reminder: ${e.title},%`).orderBy('id').execute()

  await t.test('a new event reminds a day and an hour before', async (t) => {
    const e = await event()
    t.same(e.reminder_offsets_minutes, [1440, 60])
    const organizer = new Client(app)
    await signInAs(organizer, olive)
    const edit = await organizer.get(`${base}/orga/events/${e.id}/edit`)
    t.equal(edit.statusCode, 200)
    t.match(edit.body, /name="reminders" type="text" value="1 day, 1 hour"/, 'the edit form shows the defaults')
    const fresh = await organizer.get(`${base}/orga/events/new`)
    t.match(fresh.body, /name="reminders" type="text" value="1 day, 1 hour"/, 'so does the form for a new event')
  })

  await t.test('only members going get a reminder: one mail with the join, captions and “Can’t go” links', async (t) => {
    const e = await event({ capacity: 1 })
    const ada = await member('Ada Going')
    const ben = await member('Ben Maybe')
    const cy = await member('Cy Declined')
    const dee = await member('Dee Waitlisted')
    await answer(e, ada, 'going')
    await answer(e, ben, 'maybe')
    await answer(e, cy, 'declined')
    t.equal(await answer(e, dee, 'going'), 'waitlisted', 'the event is full: Dee waits')

    t.equal(await pass(new Date(e.starts_at.getTime() - DAY - 10 * MINUTE)), 0, 'nothing before the first reminder is due')
    t.equal(await pass(before(e, 1440)), 1, 'one reminder queued')
    const [mail, ...more] = await reminders(e)
    t.equal(more.length, 0)
    t.equal(mail.to_address, ada.email, 'to the member going, and nobody else')
    t.equal(mail.member_id, ada.id)
    t.equal(mail.subject, `Reminder: ${e.title}, in 1 day`)
    t.equal(mail.status, 'queued')
    t.match(mail.text_body, `Hello ${ada.full_name},`)
    t.match(mail.text_body, `you are going to "${e.title}" (DNA Analysts)`)
    t.match(mail.text_body, 'Join online: https://meet.example.gov/bb')
    t.match(mail.text_body, 'Live captions: https://captions.example.gov/bb')
    t.match(mail.text_body, `Event page: ${PUBLIC_URL}/c/dna/events/${e.id}`)
    const link = /^Can’t go: (\S+)$/m.exec(mail.text_body)?.[1] ?? ''
    t.ok(link.startsWith(`${PUBLIC_URL}/rsvp/`), `a “Can’t go” link on PUBLIC_URL: ${link}`)
    t.same(readRsvpToken(app.secret, link.slice(`${PUBLIC_URL}/rsvp/`.length)), { eventId: e.id, memberId: ada.id, purpose: 'rsvp-declined', version: 0 },
      'signed for this member, this event and “can’t go”')
    const page = await new Client(app).get(link.slice(PUBLIC_URL.length))
    t.equal(page.statusCode, 200, 'the link opens a page')
    t.match(text(page.body), e.title)
  })

  await t.test('a second pass never sends the same reminder again; the hour reminder comes later, on its own', async (t) => {
    const e = await event()
    const ada = await member('Ada Twice')
    await answer(e, ada, 'going')
    const dayMark = before(e, 1440)
    t.equal(await pass(dayMark), 1)
    t.equal(await pass(dayMark), 0, 'the same now: nothing more')
    t.equal(await pass(new Date(dayMark.getTime() + MINUTE)), 0, 'a minute later: nothing more')
    t.equal(await pass(new Date(dayMark.getTime() + 12 * HOUR)), 0, 'hours later, before the hour mark: nothing more')
    t.equal((await reminders(e)).length, 1)

    t.equal(await pass(before(e, 60)), 1, 'an hour before: the second reminder')
    t.equal(await pass(before(e, 60)), 0)
    t.equal(await pass(new Date(e.starts_at.getTime() - 5 * MINUTE)), 0, 'five minutes before: nothing more')
    const mails = await reminders(e)
    t.same(mails.map((m) => [m.to_address, m.subject]), [
      [ada.email, `Reminder: ${e.title}, in 1 day`],
      [ada.email, `Reminder: ${e.title}, in 1 hour`]
    ], 'two mails, one per offset')
    t.match(mails[1].text_body, 'Live captions: https://captions.example.gov/bb')
  })

  await t.test('several offsets due at once: one mail, the nearest; the others are done too', async (t) => {
    const e = await event()
    const ada = await member('Ada Late')
    await answer(e, ada, 'going')
    // The first pass runs 30 minutes before the start (the member answered late, or the worker was down).
    const late = new Date(e.starts_at.getTime() - 30 * MINUTE)
    t.equal(await pass(late), 1, 'one mail, not two')
    const mails = await reminders(e)
    t.same(mails.map((m) => m.subject), [`Reminder: ${e.title}, in 30 minutes`], 'the subject says the time actually left')
    const done = await db.selectFrom('reminders_sent').select('offset_minutes').where('event_id', '=', e.id).where('member_id', '=', ada.id).orderBy('offset_minutes').execute()
    t.same(done.map((r) => r.offset_minutes), [60, 1440], 'both offsets recorded as done')
    t.equal(await pass(new Date(late.getTime() + MINUTE)), 0, 'and neither is sent later')
    t.equal((await reminders(e)).length, 1)
  })

  await t.test('an event moved to a new time is reminded again before the new time', async (t) => {
    const e = await event()
    const ada = await member('Ada Moved')
    await answer(e, ada, 'going')
    t.equal(await pass(before(e, 1440)), 1, 'the day-before reminder for the first date')
    // Two days later, start and end each on their own date (at some hours of the day the event runs past midnight).
    const twoDaysOn = (d: Date) => DateTime.fromJSDate(d, { zone: e.time_zone }).plus({ days: 2 }).toISODate()!
    const form = readEventForm({ ...eventFormValues(e), start_date: twoDaysOn(e.starts_at), end_date: twoDaysOn(e.ends_at) })
    t.same(form.errors, {})
    const { event: moved } = await db.transaction().execute((trx) => updateEvent(trx, e.id, form.input!))
    t.equal(moved.starts_at.getTime(), e.starts_at.getTime() + 2 * DAY)
    t.same(moved.ask_accessibility, e.ask_accessibility, 'the other fields are kept')
    t.equal(await pass(new Date(before(e, 1440).getTime() + MINUTE)), 0, 'nothing more at the old time')
    t.equal(await pass(before(moved, 1440)), 1, 'a day before the new start: reminded again')
    t.equal(await pass(before(moved, 1440)), 0, 'once')
    t.equal((await reminders(e)).length, 2)
  })

  await t.test('a cancelled event and a draft get no reminders', async (t) => {
    const ada = await member('Ada Cancelled')
    const cancelled = await event()
    await answer(cancelled, ada, 'going')
    await db.transaction().execute((trx) => cancelEvent(trx, cancelled.id))
    t.equal(await pass(before(cancelled, 1440)), 0)
    t.equal(await pass(before(cancelled, 60)), 0)
    t.same(await reminders(cancelled), [])

    const draft = await event({}, false)
    // A draft takes no RSVPs through the app; a row put there directly must still not be reminded.
    await createRsvp(db, draft, ada, { status: 'going' })
    t.equal(await pass(before(draft, 1440)), 0)
    t.equal(await pass(before(draft, 60)), 0)
    t.same(await reminders(draft), [])
  })

  await t.test('an event that has started gets none', async (t) => {
    const e = await event()
    const ada = await member('Ada Started')
    await answer(e, ada, 'going')
    t.equal(await pass(e.starts_at), 0, 'at the start')
    t.equal(await pass(new Date(e.starts_at.getTime() + 10 * MINUTE)), 0, 'ten minutes in')
    t.same(await reminders(e), [])
    t.same(await db.selectFrom('reminders_sent').selectAll().where('event_id', '=', e.id).execute(), [], 'nothing recorded either')
  })

  await t.test('two passes at once queue each reminder exactly once', async (t) => {
    const e = await event()
    const going: Member[] = []
    for (let i = 0; i < 6; i++) {
      const m = await member(`Racer ${i}`)
      await answer(e, m, 'going')
      going.push(m)
    }
    const other = await event({ startsAt: e.starts_at, endsAt: e.ends_at })
    await answer(other, going[0], 'going')

    const now = before(e, 1440)
    const counts = await Promise.all([pass(now), pass(now)])
    t.equal(counts[0] + counts[1], 7, `the passes queued ${counts.join(' + ')}: one per member and event`)
    const mails = await reminders(e)
    t.equal(mails.length, 6)
    t.same(mails.map((m) => m.to_address).sort(), going.map((m) => m.email).sort(), 'one each')
    t.equal((await reminders(other)).length, 1)

    const hour = before(e, 60)
    const again = await Promise.all([pass(hour), pass(hour), pass(hour)])
    t.equal(again.reduce((a, b) => a + b, 0), 7, 'three passes at the hour mark: still one each')
    t.equal((await reminders(e)).length, 12)
    t.equal((await reminders(other)).length, 2)
  })

  /** The whole edit form as the edit page fills it in for the event (checkboxes sent only when checked). */
  function formFields (e: Event): Record<string, string> {
    const fields: Record<string, string> = {}
    for (const [k, v] of Object.entries(eventFormValues(e))) {
      if (typeof v === 'string') fields[k] = v
      else if (v) fields[k] = 'yes'
    }
    return fields
  }
  const offsets = async (e: Event) => (await db.selectFrom('events').select('reminder_offsets_minutes').where('id', '=', e.id).executeTakeFirstOrThrow()).reminder_offsets_minutes

  await t.test('the organizer sets the reminders on the event form', async (t) => {
    const organizer = new Client(app)
    await signInAs(organizer, olive)
    const e = await event()
    const ada = await member('Ada Form')
    await answer(e, ada, 'going')
    const url = `${base}/orga/events/${e.id}/edit`
    const fields = formFields(e)
    const saved = await organizer.post(url, { ...fields, reminders: '2 days, 30 minutes' }, { csrfFrom: url })
    t.equal(saved.statusCode, 303)
    t.equal(saved.headers.location, `${base}/events/${e.id}`)
    t.match(text((await organizer.get(saved.headers.location as string)).body), 'Changes saved.')
    t.same(await offsets(e), [2880, 30])
    t.match((await organizer.get(url)).body, /name="reminders" type="text" value="2 days, 30 minutes"/, 'the form shows them again')

    t.equal(await pass(before(e, 2880)), 1, 'two days before')
    t.equal(await pass(before(e, 1440)), 0, 'no longer a day before')
    t.equal(await pass(before(e, 60)), 0, 'nor an hour before')
    t.equal(await pass(before(e, 30)), 1, 'but 30 minutes before')
    t.same((await reminders(e)).map((m) => m.subject), [`Reminder: ${e.title}, in 2 days`, `Reminder: ${e.title}, in 30 minutes`])

    for (const [typed, message] of [
      ['soon', 'Write each reminder as a number and a unit, such as "1 day, 1 hour" (we couldn’t read "soon").'],
      ['10 years', 'Write each reminder as a number and a unit, such as "1 day, 1 hour" (we couldn’t read "10 years").'],
      ['1 day, 5 weeks', 'Each reminder must be between 5 minutes and 4 weeks before the start.']
    ]) {
      const bad = await organizer.post(url, { ...fields, title: 'Renamed while wrong', reminders: typed }, { csrfFrom: url })
      t.equal(bad.statusCode, 400, `"${typed}" is refused`)
      const shown = text(bad.body)
      t.match(shown, 'There is a problem with what you entered')
      t.match(shown, message)
      t.match(bad.body, `name="reminders" type="text" value="${typed}"`, 'the typed reminders are kept')
      t.match(bad.body, 'value="Renamed while wrong"', 'and the rest of the form')
      t.match(bad.body, 'aria-invalid="true"')
    }
    const row = await db.selectFrom('events').select(['title', 'reminder_offsets_minutes']).where('id', '=', e.id).executeTakeFirstOrThrow()
    t.same(row, { title: e.title, reminder_offsets_minutes: [2880, 30] }, 'nothing was saved')

    const quiet = await event()
    await answer(quiet, ada, 'going')
    const quietUrl = `${base}/orga/events/${quiet.id}/edit`
    const none = await organizer.post(quietUrl, { ...formFields(quiet), reminders: '' }, { csrfFrom: quietUrl })
    t.equal(none.statusCode, 303)
    t.same(await offsets(quiet), [], 'empty: no reminders')
    t.match((await organizer.get(quietUrl)).body, /name="reminders" type="text" value=""/)
    t.equal(await pass(before(quiet, 1440)), 0)
    t.equal(await pass(before(quiet, 60)), 0)
    t.equal(await pass(before(quiet, 5)), 0)
    t.same(await reminders(quiet), [], 'an event without reminders sends none')

    const withoutField = formFields(e)
    delete withoutField.reminders
    const older = await organizer.post(url, withoutField, { csrfFrom: url })
    t.equal(older.statusCode, 303)
    t.same(await offsets(e), [2880, 30], 'a form without the field keeps the event’s reminders')
  })
})
