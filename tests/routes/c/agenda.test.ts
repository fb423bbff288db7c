import t from 'tap'
import { DateTime } from 'luxon'
import ICAL from 'ical.js'
import { Client, createTestApp, PUBLIC_URL, text } from '../../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, signInAs } from '../../fixtures/factories.js'
import { createSession } from '../../fixtures/agenda.js'
import { sendCalendarMail } from '../../fixtures/calendar-mail.js'
import { createCall, ensureTemplates } from '../../../src/domain/proposals/calls.service.js'
import { DEFAULT_FORMATS } from '../../../src/domain/proposals/templates.js'
import { unfold } from '../../../src/domain/calendar/ics.js'
import type { Member } from '../../../src/db/database.js'

const DAY = 86_400_000
const ZONE = 'America/New_York'

t.test('the agenda as members see it', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@agency.gov' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', email: 'ada@lab.gov' })
  const ben = await createMember(db, { full_name: 'Ben Bench', email: 'ben@lab.gov' })
  const cleo = await createMember(db, { full_name: 'Cleo Cospeaker', email: 'cleo@lab.gov' })
  const lon = await createMember(db, { full_name: 'Lou London', email: 'lou@lab.gov' })
  await db.updateTable('members').set({ time_zone: 'Europe/London' }).where('id', '=', lon.id).execute()
  const stranger = await createMember(db, { full_name: 'Sam Stranger', email: 'sam@else.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada, ben, cleo, lon] })
  const other = await createCommunity(db, { slug: 'records', name: 'Records Managers', organizer: stranger })

  // A two-day conference in New York, ten days from now, with live captions.
  const day1 = DateTime.now().setZone(ZONE).plus({ days: 10 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 })
  const at = (day: number, hour: number, minute = 0) => day1.plus({ days: day }).set({ hour, minute }).toJSDate()
  const conference = await createEvent(db, community, {
    title: 'Regional conference', startsAt: at(0, 9), endsAt: at(1, 17), timeZone: ZONE, liveTranscriptUrl: 'https://captions.example.gov/conf'
  })
  const plain = await createEvent(db, community, { title: 'Plain meetup' })
  const draft = await createEvent(db, community, { title: 'Draft summit', status: 'draft' })
  const elsewhere = await createEvent(db, other, { title: 'Records day' })

  // Ada's accepted talk, with Cleo as an accepted co-speaker and Ben invited (not answered).
  const templates = await ensureTemplates(db, community.id)
  const call = await createCall(db, community.id, {
    target: { kind: 'event', id: conference.id, timeZone: ZONE }, title: 'Talks', lookingFor: '', opensAt: new Date(Date.now() - 2 * DAY),
    closesAt: new Date(Date.now() - DAY), formats: DEFAULT_FORMATS, topics: [], templateIds: [templates[0].id], maxPerPerson: 3, blindReview: false
  }, orga.id)
  const proposal = await db.insertInto('proposals').values({
    call_id: call.id, submitter_id: ada.id, template_id: templates[0].id, title: 'Halving the backlog', format: DEFAULT_FORMATS[0].key,
    answers: JSON.stringify({}), state: 'submitted', submitted_at: new Date(), decision: 'accepted'
  }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('proposal_speakers').values([
    { proposal_id: proposal.id, email: 'cleo@lab.gov', member_id: cleo.id, state: 'accepted' },
    { proposal_id: proposal.id, email: 'ben@lab.gov', member_id: ben.id, state: 'invited' }
  ]).execute()

  const talk = await createSession(db, conference.id, {
    title: 'Halving the backlog', why_this_matters: 'Backlogs delay justice.', proposal_id: proposal.id,
    starts_at: at(0, 10), ends_at: at(0, 10, 45), room: 'Room A', track: 'Operations'
  })
  const opening = await createSession(db, conference.id, { title: 'Opening remarks', starts_at: at(0, 9), ends_at: at(0, 9, 30), room: 'Main hall', track: '' })
  const validation = await createSession(db, conference.id, {
    title: 'Validating a new kit', starts_at: at(1, 9), ends_at: at(1, 10), room: 'Room B', track: 'Science'
  })
  const hidden = await createSession(db, conference.id, { title: 'Secret unpublished workshop', starts_at: at(1, 11), published: false })
  await createSession(db, draft.id, { title: 'Draft summit keynote' })
  const elsewhereSession = await createSession(db, elsewhere.id, { title: 'Records keynote' })

  const as = async (m: Member | null) => {
    const c = new Client(app)
    if (m) await signInAs(c, m)
    return c
  }
  const member = await as(ada)
  const base = '/c/dna'
  const agenda = `${base}/events/${conference.id}/agenda`

  await t.test('the event page links to the agenda only when it has published sessions', async (t) => {
    const page = await member.get(`${base}/events/${conference.id}`)
    t.equal(page.statusCode, 200)
    t.match(text(page.body), 'Agenda See the agenda')
    t.match(page.body, `href="${agenda}"`)
    const none = await member.get(`${base}/events/${plain.id}`)
    t.notMatch(text(none.body), 'See the agenda')
    // Publishing a session drops the cached event page: the link appears on the next view.
    const first = await createSession(db, plain.id, { title: 'Only session', published: false })
    t.notMatch(text((await member.get(`${base}/events/${plain.id}`)).body), 'See the agenda', 'an unpublished session: no link')
    await db.updateTable('agenda_sessions').set({ published: true }).where('id', '=', first.id).execute()
    let shown = false
    for (let i = 0; i < 20 && !shown; i++) {
      shown = text((await member.get(`${base}/events/${plain.id}`)).body).includes('See the agenda')
      if (!shown) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    t.ok(shown, 'published: the event page links to its agenda')
    await db.deleteFrom('agenda_sessions').where('id', '=', first.id).execute()
  })

  await t.test('published sessions by day in the event’s zone, with room, track, speakers and captions', async (t) => {
    const res = await member.get(agenda)
    t.equal(res.statusCode, 200)
    const page = text(res.body)
    t.match(page, 'Agenda: Regional conference')
    t.match(page, 'Live captions: Live transcript (captions)')
    t.match(res.body, 'href="https://captions.example.gov/conf"')
    t.match(page, 'Times are in the event’s time zone, America/New York.')
    const d1 = day1.toFormat('cccc, LLLL d, yyyy')
    const d2 = day1.plus({ days: 1 }).toFormat('cccc, LLLL d, yyyy')
    const i1 = page.indexOf(d1)
    const i2 = page.indexOf(d2)
    t.ok(i1 > 0 && i2 > i1, 'two days, in order')
    const order = ['Opening remarks', 'Halving the backlog', 'Validating a new kit'].map((s) => page.indexOf(s, i1))
    t.ok(order[0] < order[1] && order[1] < i2 && i2 < order[2], `sessions in order of time under their day: ${order}`)
    t.match(page, /Halving the backlog\s+10:00 AM E[SD]T to 10:45 AM E[SD]T Room: Room A Track: Operations/)
    t.match(page, 'Why this matters: Backlogs delay justice.')
    t.match(page, /Speakers: Ada Analyst ?, Cleo Cospeaker/, 'the submitter, then accepted co-speakers')
    t.notMatch(page, /Speakers:[^.]*Ben Bench/, 'an unanswered co-speaker is not a speaker')
    t.match(res.body, `href="/members/${ada.id}">Ada Analyst</a>`)
    t.match(res.body, `href="/members/${cleo.id}">Cleo Cospeaker</a>`)
    t.notMatch(page, 'Secret unpublished workshop', 'unpublished sessions are hidden')
    t.notMatch(page, 'Records keynote')
    t.match(res.body, `href="${agenda}/${talk.id}/session.ics"`)
    t.match(page, 'You have not picked any sessions.')
    t.match(res.body, /<h1>[^<]*<\/h1>[\s\S]*<h2[^>]*>[\s\S]*<h3/, 'headings in order')
  })

  await t.test('in the viewer’s own zone', async (t) => {
    const london = await as(lon)
    const page = text((await london.get(agenda)).body)
    t.match(page, 'Times are in your time zone, Europe/London.')
    t.match(page, /Halving the backlog\s+3:00 PM (GMT|BST|GMT\+1) to 3:45 PM/)
  })

  await t.test('filters by track and room', async (t) => {
    const byTrack = text((await member.get(`${agenda}?track=Science`)).body)
    t.match(byTrack, 'Validating a new kit')
    t.notMatch(byTrack, 'Halving the backlog')
    t.match(byTrack, 'Showing 1 session of 3.')
    const byRoom = text((await member.get(`${agenda}?room=Room%20A`)).body)
    t.match(byRoom, 'Halving the backlog')
    t.notMatch(byRoom, 'Validating a new kit')
    t.notMatch(byRoom, 'Opening remarks')
    const both = text((await member.get(`${agenda}?room=Room%20A&track=Science`)).body)
    t.match(both, 'No session matches.')
    const unknown = await member.get(`${agenda}?track=Nonsense&utm_source=x`)
    t.equal(unknown.statusCode, 200, 'an unknown track is ignored')
    t.match(text(unknown.body), 'Validating a new kit')
    const long = await member.get(`${agenda}?track=${'x'.repeat(300)}`)
    t.equal(long.statusCode, 400, 'an over-long filter is a 400 naming it')
    t.match(text(long.body), 'track')
  })

  await t.test('pick and unpick: idempotent, with a flash, "my agenda" first', async (t) => {
    const res = await member.post(`${agenda}/${validation.id}/pick`, { track: 'Science' })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, `${agenda}?track=Science#session-${validation.id}`, 'back to the same view')
    const page = await member.get(String(res.headers.location))
    t.match(text(page.body), '“Validating a new kit” is in your agenda.')
    t.equal((await member.post(`${agenda}/${validation.id}/pick`, {})).statusCode, 303, 'picking twice is fine')
    t.equal((await db.selectFrom('session_picks').selectAll().where('member_id', '=', ada.id).execute()).length, 1)
    const full = text((await member.get(agenda)).body)
    const mine = full.indexOf('My agenda')
    t.ok(mine > 0 && full.indexOf('Validating a new kit', mine) < full.indexOf('Opening remarks', mine), `my picks come first: ${full.slice(mine, mine + 200)}`)
    t.match(full, 'Validating a new kit In my agenda')
    t.match(full, /Remove from my agenda ?: Validating a new kit/)
    t.match(full, 'Download my agenda as a calendar file (.ics)')
    const un = await member.post(`${agenda}/${validation.id}/unpick`, {})
    t.equal(un.statusCode, 303)
    t.match(text((await member.get(String(un.headers.location))).body), '“Validating a new kit” is no longer in your agenda.')
    t.equal((await member.post(`${agenda}/${validation.id}/unpick`, {})).statusCode, 303, 'unpicking twice is fine')
    t.equal((await db.selectFrom('session_picks').selectAll().where('member_id', '=', ada.id).execute()).length, 0)
    const noCsrf = await member.post(`${agenda}/${validation.id}/pick`, {}, { csrf: false })
    t.equal(noCsrf.statusCode, 403, 'a pick without the CSRF token is refused')
    t.equal((await member.post(`${agenda}/${hidden.id}/pick`, {})).statusCode, 404, 'an unpublished session cannot be picked')
    t.equal((await member.post(`${base}/events/${plain.id}/agenda/${talk.id}/pick`, {})).statusCode, 404, 'a session of another event')
  })

  await t.test('calendar files: one session, and my agenda', async (t) => {
    await member.post(`${agenda}/${talk.id}/pick`, {})
    await member.post(`${agenda}/${opening.id}/pick`, {})
    const one = await member.get(`${agenda}/${talk.id}/session.ics`)
    t.equal(one.statusCode, 200)
    t.match(one.headers['content-type'], 'text/calendar')
    t.match(one.headers['content-disposition'], `filename="session-${talk.id}.ics"`)
    const again = await member.get(`${agenda}/${talk.id}/session.ics`)
    t.equal(again.body, one.body, 'the same file twice (UID, DTSTAMP stable)')
    const lines = unfold(one.body)
    t.match(lines, `UID:session-${talk.id}@convene.test`)
    t.match(lines, 'DTSTART;TZID=America/New_York:')
    t.match(lines, 'LOCATION:Room A\\, Library\\, 1 Main St')
    t.match(lines, 'Live captions: https://captions.example.gov/conf')
    t.match(lines, `URL:${PUBLIC_URL}/c/dna/events/${conference.id}/agenda#session-${talk.id}`)
    const cal = new ICAL.Component(ICAL.parse(one.body))
    t.equal(cal.getAllSubcomponents('vevent').length, 1)
    const mine = await member.get(`${agenda}/mine.ics`)
    t.equal(mine.statusCode, 200)
    const events = new ICAL.Component(ICAL.parse(mine.body)).getAllSubcomponents('vevent').map((v) => String(v.getFirstPropertyValue('summary')))
    t.same(events.sort(), ['Halving the backlog', 'Opening remarks'])
    const benFile = await (await as(ben)).get(`${agenda}/mine.ics`)
    t.equal(benFile.statusCode, 200)
    t.equal(new ICAL.Component(ICAL.parse(benFile.body)).getAllSubcomponents('vevent').length, 0, 'nothing picked: an empty calendar')
    t.equal((await member.get(`${agenda}/${hidden.id}/session.ics`)).statusCode, 404, 'no file of an unpublished session')
  })

  await t.test('no published sessions: the page says so', async (t) => {
    const res = await member.get(`${base}/events/${plain.id}/agenda`)
    t.equal(res.statusCode, 200)
    t.match(text(res.body), 'The agenda has no published sessions yet.')
  })

  await t.test('outsiders, other communities and drafts: 404', async (t) => {
    const outsider = await as(stranger)
    t.equal((await outsider.get(agenda)).statusCode, 404, 'a member of another community')
    t.equal((await outsider.get(`${agenda}/${talk.id}/session.ics`)).statusCode, 404)
    t.equal((await outsider.post(`${agenda}/${talk.id}/pick`, {}, { csrfFrom: '/c/records' })).statusCode, 404)
    const anonymous = await as(null)
    t.equal((await anonymous.get(agenda)).statusCode, 404, 'signed out: as the event page')
    t.equal((await anonymous.get(`${agenda}/mine.ics`)).statusCode, 404)
    t.equal((await member.get(`${base}/events/${draft.id}/agenda`)).statusCode, 404, 'a draft event: 404 to members')
    t.equal((await member.get(`${base}/events/${elsewhere.id}/agenda`)).statusCode, 404, 'another community’s event')
    t.equal((await member.get(`${agenda}/${elsewhereSession.id}/session.ics`)).statusCode, 404, 'another community’s session')
    const organizer = await as(orga)
    t.equal((await organizer.get(`${base}/events/${draft.id}/agenda`)).statusCode, 200, 'organizers see a draft’s agenda (its published sessions)')
  })
})

t.test('a cancelled event: each session picked is cancelled in the pickers\' calendars; the agenda stays as a record', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@agency.gov' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', email: 'ada@lab.gov' })
  const ben = await createMember(db, { full_name: 'Ben Bench', email: 'ben@lab.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada, ben] })
  const start = DateTime.now().setZone(ZONE).plus({ days: 10 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 })
  const conference = await createEvent(db, community, { title: 'Regional conference', startsAt: start.toJSDate(), endsAt: start.plus({ hours: 8 }).toJSDate(), timeZone: ZONE })
  const keynote = await createSession(db, conference.id, { title: 'Keynote', starts_at: start.toJSDate(), ends_at: start.plus({ hours: 1 }).toJSDate() })
  const panel = await createSession(db, conference.id, { title: 'Panel', starts_at: start.plus({ hours: 2 }).toJSDate(), ends_at: start.plus({ hours: 3 }).toJSDate() })
  await createSession(db, conference.id, { title: 'Nobody picked this', starts_at: start.plus({ hours: 4 }).toJSDate(), ends_at: start.plus({ hours: 5 }).toJSDate() })
  const asAda = new Client(app)
  await signInAs(asAda, ada)
  const asBen = new Client(app)
  await signInAs(asBen, ben)
  const agenda = `/c/dna/events/${conference.id}/agenda`
  for (const s of [keynote, panel]) await asAda.post(`${agenda}/${s.id}/pick`, {})
  await asBen.post(`${agenda}/${panel.id}/pick`, {})

  const asOlive = new Client(app)
  await signInAs(asOlive, orga)
  const cancelled = await asOlive.post(`/c/dna/orga/events/${conference.id}/cancel`, {}, { csrfFrom: `/c/dna/orga/events/${conference.id}/edit` })
  t.equal(cancelled.statusCode, 303)
  await sendCalendarMail(app)
  const mail = await db.selectFrom('mail_messages').select(['to_address', 'subject', 'ical_method', 'ical']).where('kind', '=', 'session-cancelled').orderBy('to_address').orderBy('subject').execute()
  t.same(mail.map((m) => [m.to_address, m.subject, m.ical_method]), [
    ['ada@lab.gov', 'Cancelled: Keynote', 'CANCEL'],
    ['ada@lab.gov', 'Cancelled: Panel', 'CANCEL'],
    ['ben@lab.gov', 'Cancelled: Panel', 'CANCEL']
  ], 'a CANCEL of each session each member picked, nothing for the session nobody picked')
  t.match(unfold(mail[0].ical!), `UID:session-${keynote.id}@`)
  t.match(unfold(mail[0].ical!), 'STATUS:CANCELLED')
  t.same(await db.selectFrom('session_picks').selectAll().execute(), [], 'the picks are forgotten')

  const page = await asAda.get(agenda)
  t.equal(page.statusCode, 200)
  t.match(text(page.body), 'This event was cancelled. Its agenda stays here as a record')
  t.match(text(page.body), 'Keynote')
  t.notMatch(page.body, 'Add to my agenda', 'no buttons on a cancelled event\'s agenda')
  const refused = await asAda.post(`${agenda}/${keynote.id}/pick`, {}, { csrfFrom: agenda })
  t.equal(refused.statusCode, 400)
  t.match(text(refused.body), 'This event was cancelled, so its sessions can no longer be added to your agenda')
  t.equal((await asAda.post(`${agenda}/${keynote.id}/unpick`, {}, { csrfFrom: agenda })).statusCode, 400)
  t.same(await db.selectFrom('session_picks').selectAll().execute(), [], 'still none')
})
