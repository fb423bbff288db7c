import t from 'tap'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { createMember, signInAs } from '../../../fixtures/factories.js'
import { buildAgendaWorld } from '../../../fixtures/agenda-editor.js'
import { countQueries } from '../../../fixtures/query-counter.js'
import type { Member } from '../../../../src/db/database.js'

t.test('organizers build an event’s agenda', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const w = await buildAgendaWorld(db)
  const outsider = await createMember(db, { full_name: 'Otto Outsider' })
  const as = async (m: Member | null) => {
    const c = new Client(app)
    if (m) await signInAs(c, m)
    return c
  }
  const organizer = await as(w.organizer)
  const base = `/c/dna/orga/events/${w.conference.id}/agenda`
  const fields = (over: Record<string, string> = {}) => ({
    proposal_id: '', title: 'Opening keynote', why_this_matters: '', date: '2027-05-11', start_time: '09:00', end_time: '09:45', room: 'Room A', track: 'Main', ...over
  })
  const sessions = () => db.selectFrom('agenda_sessions').selectAll().where('event_id', '=', w.conference.id).orderBy('starts_at').orderBy('id').execute()

  await t.test('only organizers reach the agenda pages', async (t) => {
    t.equal((await (await as(w.jane)).get(base)).statusCode, 403, 'a member is told it is for organizers')
    t.equal((await (await as(outsider)).get(base)).statusCode, 404)
    t.equal((await (await as(null)).get(base)).statusCode, 404)
    const member = await as(w.jane)
    await member.get(`/c/dna/events/${w.conference.id}`)
    t.equal((await member.post(base, fields())).statusCode, 403)
    t.equal((await sessions()).length, 0)
  })

  await t.test('the event page links the agenda; the agenda lists the talks to place and the form', async (t) => {
    const event = await organizer.get(`/c/dna/events/${w.conference.id}`)
    t.match(event.body, `href="${base}"`)
    const page = await organizer.get(base)
    t.equal(page.statusCode, 200)
    const body = text(page.body)
    t.match(body, 'Tuesday, May 11, 2027')
    t.match(body, 'Wednesday, May 12, 2027')
    t.match(body, 'Accepted talks to place')
    t.match(body, 'Halving the backlog (Jane Doe, confirmed)')
    t.match(body, 'Validation on a shoestring (Ben Bench, not confirmed yet)')
    t.notMatch(body, 'A talk Cy cannot give')
    t.notMatch(body, 'A rejected talk')
    t.match(page.body, '<option value="" selected>None — a break, keynote or panel</option>')
    t.match(page.body, '<option value="2027-05-12">Wed 12 May</option>')
    t.match(page.body, `href="${base}?place=${w.talks.jane}#add-session"`)
    const place = await organizer.get(`${base}?place=${w.talks.jane}`)
    t.match(place.body, `<option value="${w.talks.jane}" selected>`)
    t.match(place.body, 'value="Halving the backlog"', 'the title prefilled')
    t.match(place.body, '>Jane&#39;s why</textarea>', 'why this matters prefilled')
  })

  await t.test('add sessions; the agenda shows time, room, track, speakers and state', async (t) => {
    const res = await organizer.post(base, fields())
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, base)
    const talk = await organizer.post(base, fields({ proposal_id: String(w.talks.jane), title: '', start_time: '10:00', end_time: '10:45', track: 'Lab' }))
    t.equal(talk.statusCode, 303)
    const page = await organizer.get(base)
    const body = text(page.body)
    t.match(body, 'Session added: “Halving the backlog”. It is not published yet.')
    t.match(body, '09:00–09:45 Opening keynote Room A Main Not published')
    t.match(body, '10:00–10:45 Halving the backlog Jane Doe, Ada Analyst Room A Lab Not published')
    t.notMatch(body.split('Add a session')[0], 'Halving the backlog (Jane Doe', 'no longer among the talks to place')
    t.match(page.body, '<option value="Room A"></option>', 'rooms used are suggested')
    t.match(page.body, 'list="agenda-tracks"')
    const [keynote, placed] = await sessions()
    t.same([keynote.starts_at, placed.why_this_matters], [new Date('2027-05-11T13:00:00Z'), 'Jane\'s why'])
  })

  await t.test('mistakes and clashes re-show the form with the input kept', async (t) => {
    const overlap = await organizer.post(base, fields({ title: 'Coffee chat kept', start_time: '09:30', end_time: '10:15', room: 'Room A', track: 'Kept track' }))
    t.equal(overlap.statusCode, 409)
    t.match(text(overlap.body), 'Room A already has “Opening keynote” from 09:00 to 09:45 on Tue 11 May.')
    t.match(overlap.body, 'value="Coffee chat kept"')
    t.match(overlap.body, 'value="Kept track"')
    t.match(overlap.body, 'value="09:30"')
    const speaker = await organizer.post(base, fields({ proposal_id: String(w.talks.ada), title: '', start_time: '10:30', end_time: '11:00', room: 'Room B' }))
    t.equal(speaker.statusCode, 409)
    t.match(text(speaker.body), 'Ada Analyst already speaks in “Halving the backlog” at that time.')
    t.match(speaker.body, `<option value="${w.talks.ada}" selected>`)
    const outside = await organizer.post(base, fields({ date: '2027-05-13' }))
    t.equal(outside.statusCode, 400)
    t.match(text(outside.body), 'The date must be a day of the event (Tue 11 May to Wed 12 May).')
    const backwards = await organizer.post(base, fields({ start_time: '12:00', end_time: '11:00' }))
    t.equal(backwards.statusCode, 400)
    t.match(text(backwards.body), 'The end time must be after the start time.')
    const long = await organizer.post(base, fields({ title: 'x'.repeat(201), room: 'r'.repeat(101), track: 't'.repeat(101), why_this_matters: 'w'.repeat(1001) }))
    t.equal(long.statusCode, 400)
    const longText = text(long.body)
    t.match(longText, 'The title must be 200 characters or fewer (you entered 201).')
    t.match(longText, 'The room must be 100 characters or fewer (you entered 101).')
    t.match(longText, 'The track must be 100 characters or fewer (you entered 101).')
    t.match(longText, 'Why this matters must be 1000 characters or fewer (you entered 1001).')
    t.match(long.body, 'w'.repeat(1001), 'kept')
    const noTitle = await organizer.post(base, fields({ title: '', start_time: '13:00', end_time: '14:00' }))
    t.equal(noTitle.statusCode, 400)
    t.match(text(noTitle.body), 'Enter a title: a break, keynote or panel without a talk needs one.')
    const badTime = await organizer.post(base, fields({ start_time: '9am' }))
    t.equal(badTime.statusCode, 400)
    t.match(text(badTime.body), 'Enter the start time as HH:MM (24-hour).')
    t.match(badTime.body, 'value="9am"')
    const declined = await organizer.post(base, fields({ proposal_id: String(w.talks.declined), start_time: '15:00', end_time: '15:30' }))
    t.equal(declined.statusCode, 400)
    t.match(text(declined.body), 'The speaker of “A talk Cy cannot give” declined')
    t.equal((await sessions()).length, 2, 'nothing saved')
  })

  await t.test('two overlapping adds at once: exactly one is saved', async (t) => {
    const both = await Promise.all([
      organizer.post(base, fields({ title: 'Race one', date: '2027-05-12', start_time: '15:00', end_time: '16:00', room: 'Race room' })),
      organizer.post(base, fields({ title: 'Race two', date: '2027-05-12', start_time: '15:30', end_time: '16:30', room: 'Race room' }))
    ])
    t.same(both.map((r) => r.statusCode).sort(), [303, 409])
    t.equal((await sessions()).filter((s) => s.room === 'Race room').length, 1)
  })

  await t.test('edit, publish, move (SEQUENCE up), unpublish and delete', async (t) => {
    const [keynote] = await sessions()
    const edit = await organizer.get(`${base}/${keynote.id}`)
    t.equal(edit.statusCode, 200)
    t.match(edit.body, 'value="Opening keynote"')
    t.match(edit.body, '<option value="2027-05-11" selected>')
    t.match(edit.body, 'value="09:00"')
    const taken = await organizer.post(`${base}/${keynote.id}`, fields({ start_time: '10:00', end_time: '10:30' }))
    t.equal(taken.statusCode, 409)
    t.match(text(taken.body), 'Room A already has “Halving the backlog” from 10:00 to 10:45 on Tue 11 May.')
    t.match(taken.body, 'value="10:00"', 'kept')

    const published = await organizer.post(`${base}/publish`)
    t.equal(published.statusCode, 303)
    t.match(text((await organizer.get(base)).body), 'Agenda published: 3 sessions made visible to members.')
    t.ok((await sessions()).every((s) => s.published))

    const moved = await organizer.post(`${base}/${keynote.id}`, fields({ start_time: '08:30', end_time: '09:15', room: 'Hall' }))
    t.equal(moved.statusCode, 303)
    t.match(text((await organizer.get(base)).body), 'Members who added it to their agenda will get the new time or room.')
    const after = (await sessions()).find((s) => s.id === keynote.id)!
    t.same([after.starts_at, after.room, after.sequence], [new Date('2027-05-11T12:30:00Z'), 'Hall', 1])
    t.equal((await organizer.post(`${base}/${keynote.id}`, fields({ title: 'Welcome keynote', start_time: '08:30', end_time: '09:15', room: 'Hall' }))).statusCode, 303)
    t.equal((await sessions()).find((s) => s.id === keynote.id)!.sequence, 1, 'a new title alone does not raise it')

    t.equal((await organizer.post(`${base}/${keynote.id}/unpublish`)).statusCode, 303)
    const unpublished = (await sessions()).find((s) => s.id === keynote.id)!
    t.same([unpublished.published, unpublished.sequence], [false, 2])
    t.match(text((await organizer.get(base)).body), 'Unpublished: “Welcome keynote”.')
    t.equal((await organizer.post(`${base}/${keynote.id}/publish`)).statusCode, 303)
    t.equal((await sessions()).find((s) => s.id === keynote.id)!.published, true)

    const editPage = await organizer.get(`${base}/${keynote.id}`)
    t.match(text(editPage.body), 'Delete “Welcome keynote”')
    t.equal((await organizer.post(`${base}/${keynote.id}/delete`)).statusCode, 303)
    t.match(text((await organizer.get(base)).body), 'Session deleted: “Welcome keynote”. Members who added it to their agenda will be told.')
    t.notOk((await sessions()).some((s) => s.id === keynote.id))
    t.equal((await organizer.get(`${base}/${keynote.id}`)).statusCode, 404)
    t.equal((await organizer.post(`${base}/${keynote.id}/delete`)).statusCode, 404)
  })

  await t.test('the agenda page costs the same few queries however many sessions', async (t) => {
    const counter = countQueries(t, db)
    const count = async () => (await counter.during(() => organizer.get(base))).queries.length
    const few = await count()
    for (const [i, time] of ['13:00', '14:00', '15:00', '16:00'].entries()) {
      t.equal((await organizer.post(base, fields({ title: `Extra ${i}`, date: '2027-05-12', start_time: time, end_time: time.replace(':00', ':45'), room: `Room ${i}` }))).statusCode, 303)
    }
    t.equal(await count(), few, `${few} queries`)
  })

  await t.test('a session of another event is not found under this one', async (t) => {
    const [placed] = await sessions()
    const other = await db.selectFrom('events').select('id').where('title', '=', 'Autumn meetup').executeTakeFirstOrThrow()
    t.equal((await organizer.get(`/c/dna/orga/events/${other.id}/agenda/${placed.id}`)).statusCode, 404)
    t.equal((await organizer.post(`/c/dna/orga/events/${other.id}/agenda/${placed.id}/unpublish`)).statusCode, 404)
    t.equal((await sessions()).find((s) => s.id === placed.id)!.published, true)
  })
})
