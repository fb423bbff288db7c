import t from 'tap'
import type { Kysely } from 'kysely'
import type { Database, Event, Member } from '../../src/db/database.js'
import { DEFAULT_VISIBILITY, type Visibility } from '../../src/domain/members/visibility.js'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, createOpenCall, createRsvp, signInAs } from '../fixtures/factories.js'
import { metPromptHandler } from '../../src/plugins/app/schedules.js'
import { eventMonth } from '../../src/domain/connections/met.service.js'

// "Who did you meet?" after an in-person event, confirmations on the profile, connections on member pages,
// removing a connection, the after-event mail, the organizers' figure and leaving a community.

const HOUR = 3_600_000

async function checkIn (db: Kysely<Database>, event: Pick<Event, 'id'>, ...members: Member[]) {
  for (const m of members) await db.insertInto('check_ins').values({ event_id: event.id, member_id: m.id }).execute()
}

async function showOnly (db: Kysely<Database>, m: Member, visibility: Partial<Visibility>) {
  await db.updateTable('members').set({ visibility: JSON.stringify({ ...DEFAULT_VISIBILITY, ...visibility }) }).where('id', '=', m.id).execute()
}

async function client (app: Client['app'], m: Member): Promise<Client> {
  const c = new Client(app)
  await signInAs(c, m)
  await c.get('/')
  return c
}

/** The page a 303 leads to (with its flash message). */
async function follow (c: Client, res: { statusCode: number, headers: Record<string, unknown> }) {
  return c.get(String(res.headers.location))
}

async function marks (db: Kysely<Database>) {
  return db.selectFrom('met_marks').select(['member_id', 'met_id', 'event_id']).orderBy('member_id').orderBy('met_id').execute()
}

t.test('who did you meet: choose, confirm, refuse', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const olive = await createMember(db, { full_name: 'Olive Organizer', agency: 'State Lab' })
  const ann = await createMember(db, { full_name: 'Ann Analyst', agency: 'Ohio BCI' })
  const bob = await createMember(db, { full_name: 'Bob Bench', agency: 'EPA Region 5' })
  const cat = await createMember(db, { full_name: 'Cat Absent', agency: 'Texas DPS' })
  const hid = await createMember(db, { full_name: 'Hal Hidden', agency: 'Secret Agency' })
  await showOnly(db, hid, { agency: 'hidden' })
  const dan = await createMember(db, { full_name: 'Dan Elsewhere', agency: 'Other Agency' })
  const dna = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: olive, members: [ann, bob, cat, hid] })
  await createCommunity(db, { slug: 'other', name: 'Other Network', members: [dan] })
  const meetup = await createEvent(db, dna, { title: 'Triangle regional meetup', startsAt: new Date(Date.now() - 3 * HOUR) })
  const brownBag = await createEvent(db, dna, { title: 'Lunch brown-bag', kind: 'brown-bag', startsAt: new Date(Date.now() - 3 * HOUR), onlineUrl: 'https://meet.example.gov/x' })
  // Dan's check-in row exists (a member of another community, as if checked in by mistake): still not choosable.
  await checkIn(db, meetup, ann, bob, hid, dan)
  await checkIn(db, brownBag, ann, bob)
  const A = (c: Client, e: Event, q = '') => c.get(`/c/dna/events/${e.id}/met${q}`)
  const asAnn = await client(app, ann)
  const asBob = await client(app, bob)
  const asCat = await client(app, cat)

  await t.test('the event page asks those checked in', async (t) => {
    t.match(text((await asAnn.get(`/c/dna/events/${meetup.id}`)).body), 'Who did you meet? You were checked in here.')
    t.notMatch(text((await asCat.get(`/c/dna/events/${meetup.id}`)).body), 'Who did you meet?', 'not checked in: not asked')
    t.notMatch(text((await asAnn.get(`/c/dna/events/${brownBag.id}`)).body), 'Who did you meet?', 'a brown-bag: not asked')
  })

  await t.test('the list: the others checked in, agency as they show it; a GET changes nothing', async (t) => {
    const res = await A(asAnn, meetup)
    t.equal(res.statusCode, 200)
    const page = text(res.body)
    t.match(page, 'Bob Bench , EPA Region 5 I met them : Bob Bench')
    t.match(page, 'Hal Hidden I met them')
    t.notMatch(page, 'Secret Agency', 'a hidden agency is not shown')
    t.notMatch(page, 'Cat Absent', 'not checked in: not listed')
    t.notMatch(page, 'Dan Elsewhere', 'another community: not listed')
    t.notMatch(page, 'Ann Analyst I met', 'not herself')
    t.match(text((await A(asAnn, meetup, '?q=bob')).body), 'Bob Bench')
    t.notMatch(text((await A(asAnn, meetup, '?q=bob')).body), 'Hal Hidden', 'the search narrows by name')
    t.match(text((await A(asAnn, meetup, '?q=zzz')).body), 'No one checked in here matches “zzz”.')
    t.same(await marks(db), [], 'nothing recorded by looking')
  })

  await t.test('who may not use it', async (t) => {
    const res = await A(asCat, meetup)
    t.equal(res.statusCode, 403, 'not checked in: 403')
    t.match(text(res.body), 'is for members checked in at this event. If you were there, ask an organizer to check you in.')
    t.equal((await asCat.post(`/c/dna/events/${meetup.id}/met`, { member_id: String(ann.id) })).statusCode, 403)
    t.equal((await A(asAnn, brownBag)).statusCode, 404, 'a brown-bag has no such page')
    t.equal((await asAnn.post(`/c/dna/events/${brownBag.id}/met`, { member_id: String(bob.id) })).statusCode, 404, 'nor can one record there')
    const outsider = await client(app, dan)
    t.equal((await A(outsider, meetup)).statusCode, 404, 'another community: 404')
    t.same(await marks(db), [])
  })

  await t.test('only another member checked in at that event can be chosen', async (t) => {
    for (const [who, id] of [['not checked in', cat.id], ['another community', dan.id], ['herself', ann.id], ['no one', 999_999]] as const) {
      const res = await asAnn.post(`/c/dna/events/${meetup.id}/met`, { member_id: String(id) })
      t.equal(res.statusCode, 400, who)
      t.match(text(res.body), who === 'herself' ? 'you can’t say you met yourself' : 'only members checked in at this event can be chosen', who)
    }
    const bad = await asAnn.post(`/c/dna/events/${meetup.id}/met`, { member_id: 'bob' })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'Choose someone from the list')
    t.same(await marks(db), [], 'nothing recorded')
  })

  await t.test('one side says so, the other confirms: connected at the event', async (t) => {
    const res = await asAnn.post(`/c/dna/events/${meetup.id}/met`, { member_id: String(bob.id), q: 'bo' })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, `/c/dna/events/${meetup.id}/met?q=bo`, 'back to the same search')
    const after = text((await follow(asAnn, res)).body)
    t.match(after, 'Recorded. You’ll be connected when Bob Bench says so too.')
    t.match(after, 'Bob Bench , EPA Region 5 You said you met')
    t.same(await marks(db), [{ member_id: ann.id, met_id: bob.id, event_id: meetup.id }])
    t.match(text((await A(asBob, meetup)).body), 'Ann Analyst , Ohio BCI Says they met you — confirm Confirm that you met Ann Analyst')
    const again = await asAnn.post(`/c/dna/events/${meetup.id}/met`, { member_id: String(bob.id) })
    t.match(text((await follow(asAnn, again)).body), 'Recorded. You’ll be connected when Bob Bench says so too.', 'twice: the same')
    const back = await asBob.post(`/c/dna/events/${meetup.id}/met`, { member_id: String(ann.id) })
    t.match(text((await follow(asBob, back)).body), 'You and Ann Analyst are now connected.')
    const rows = await db.selectFrom('connections').select(['member_a', 'member_b', 'event_id']).execute()
    t.same(rows, [{ member_a: Math.min(ann.id, bob.id), member_b: Math.max(ann.id, bob.id), event_id: meetup.id }])
    t.match(text((await A(asAnn, meetup)).body), 'Bob Bench , EPA Region 5 Connected')
  })
})

t.test('confirmations, connections on member pages, removing, the mail, organizers, leaving', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const olive = await createMember(db, { full_name: 'Olive Organizer', agency: 'State Lab' })
  const ann = await createMember(db, { full_name: 'Ann Analyst', agency: 'Ohio BCI', email: 'ann@bci.ohio.gov' })
  const bob = await createMember(db, { full_name: 'Bob Bench', agency: 'EPA Region 5', email: 'bob@epa.gov' })
  const cat = await createMember(db, { full_name: 'Cat Casual', agency: 'Texas DPS' })
  const dee = await createMember(db, { full_name: 'Dee Same', agency: ' ohio bci' })
  const eve = await createMember(db, { full_name: 'Eve Member', agency: 'Idaho ISP' })
  const zed = await createMember(db, { full_name: 'Zed Elsewhere', agency: 'Zeta Agency' })
  const dna = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: olive, members: [ann, bob, cat, dee, eve] })
  const other = await createCommunity(db, { slug: 'other', name: 'Other Network', organizer: zed, members: [ann] })
  const meetup = await createEvent(db, dna, { title: 'Triangle regional meetup', startsAt: new Date(Date.now() - 3 * HOUR) })
  const otherMeetup = await createEvent(db, other, { title: 'Zeta secret summit', startsAt: new Date(Date.now() - 30 * 24 * HOUR) })
  await checkIn(db, meetup, ann, bob, cat, dee)
  await createRsvp(db, meetup, eve)
  await checkIn(db, otherMeetup, ann, zed)
  const [asAnn, asBob, asCat, asDee, asEve, asZed, asOlive] = await Promise.all([ann, bob, cat, dee, eve, zed, olive].map((m) => client(app, m)))
  const met = (c: Client, e: Event, m: Member) => c.post(`/c/${e.id === meetup.id ? 'dna' : 'other'}/events/${e.id}/met`, { member_id: String(m.id) })
  const month = eventMonth(meetup.starts_at, meetup.time_zone)
  await met(asAnn, meetup, bob)
  await met(asAnn, meetup, cat)
  await met(asZed, otherMeetup, ann)
  await met(asAnn, otherMeetup, zed)

  await t.test('the profile lists who says they met me: confirm, or not someone I met', async (t) => {
    const bobProfile = text((await asBob.get('/profile')).body)
    t.match(bobProfile, `People who say they met you`)
    t.match(bobProfile, `Ann Analyst , Ohio BCI Met at Triangle regional meetup , ${month} Confirm that you met Ann Analyst Not someone I met : Ann Analyst`)
    t.notMatch(text((await asAnn.get('/profile')).body), 'People who say they met you', 'nothing waiting: no section')
    const res = await asBob.post(`/profile/met/${ann.id}/confirm`)
    t.equal(res.statusCode, 303)
    const after = text((await follow(asBob, res)).body)
    t.match(after, 'You and Ann Analyst are now connected.')
    t.notMatch(after, 'People who say they met you')
    const again = await asBob.post(`/profile/met/${ann.id}/confirm`)
    t.equal(again.statusCode, 400, 'no longer waiting')
    t.match(text(again.body), 'That person is no longer waiting for you to confirm.')
    t.equal((await asEve.post(`/profile/met/${ann.id}/confirm`)).statusCode, 400, 'no one said so: nothing to confirm')
    t.equal((await asEve.post(`/profile/met/${eve.id}/confirm`)).statusCode, 400, 'self')
    const no = await asCat.post(`/profile/met/${ann.id}/decline`)
    t.match(text((await follow(asCat, no)).body), 'they no longer say they met you')
    t.same(await db.selectFrom('met_marks').select('member_id').where('met_id', '=', cat.id).execute(), [], 'Ann\'s mark is gone')
    t.ok(await db.selectFrom('connection_removals').selectAll().where('member_a', '=', Math.min(ann.id, cat.id)).where('member_b', '=', Math.max(ann.id, cat.id)).executeTakeFirst(),
      'the pair is remembered (never suggested)')
    t.equal((await asCat.post(`/profile/met/${ann.id}/decline`)).statusCode, 400, 'twice: nothing left')
    t.equal(await db.selectFrom('connections').select('id').execute().then((r) => r.length), 2, 'Ann–Bob and Ann–Zed')
  })

  await t.test('a connection sees the email, a mere member does not; connections listed only among shared communities', async (t) => {
    const asConnection = text((await asBob.get(`/members/${ann.id}`)).body)
    t.match(asConnection, `You’re connected Met at Triangle regional meetup , ${month}.`)
    t.match(asConnection, 'ann@bci.ohio.gov', 'email shown to a connection by default')
    t.match(asConnection, 'Connections', 'connections shown to connections by default')
    t.match(asConnection, 'You Met at Triangle regional meetup')
    t.notMatch(asConnection, 'Zed Elsewhere', 'a connection in a community Bob does not share is not named')
    t.notMatch(asConnection, 'Zeta secret summit')
    const asMember = text((await asEve.get(`/members/${ann.id}`)).body)
    t.notMatch(asMember, 'ann@bci.ohio.gov', 'not to a mere member')
    t.notMatch(asMember, 'You’re connected')
    t.notMatch(asMember, 'Connections', 'connections: connections only by default')
    await showOnly(db, ann, { connections: 'members' })
    const nowShown = text((await asEve.get(`/members/${ann.id}`)).body)
    t.match(nowShown, `Connections Bob Bench , EPA Region 5 Met at Triangle regional meetup , ${month}`)
    t.notMatch(nowShown, 'Zed Elsewhere')
    const own = text((await asAnn.get(`/members/${ann.id}`)).body)
    t.match(own, 'Bob Bench , EPA Region 5 Met at Triangle regional meetup')
    t.match(own, `Zed Elsewhere , Zeta Agency Met at Zeta secret summit , ${eventMonth(otherMeetup.starts_at, otherMeetup.time_zone)} · Remove your connection with Zed Elsewhere`)
    await showOnly(db, ann, { connections: 'hidden' })
    t.notMatch(text((await asBob.get(`/members/${ann.id}`)).body), 'Bob Bench , EPA', 'hidden: not even to connections')
    t.match(text((await asAnn.get(`/members/${ann.id}`)).body), 'Connections Only you see this')
    await showOnly(db, ann, {})
  })

  await t.test('talks given', async (t) => {
    const { call, template } = await createOpenCall(db, dna, olive)
    await db.updateTable('events').set({ starts_at: new Date(Date.now() - HOUR), ends_at: new Date(Date.now() + HOUR) }).where('id', '=', call.event_id!).execute()
    await db.updateTable('calls').set({ decisions_released_at: new Date() }).where('id', '=', call.id).execute()
    for (const [title, decision] of [['Validating a new STR kit', 'accepted'], ['A rejected idea', 'rejected']] as const) {
      await db.insertInto('proposals').values({
        call_id: call.id, submitter_id: ann.id, template_id: template.id, title, format: 'talk', state: 'submitted', decision, decided_at: new Date(), submitted_at: new Date()
      }).execute()
    }
    const page = text((await asEve.get(`/members/${ann.id}`)).body)
    t.match(page, 'Talks given “Validating a new STR kit” at Regional conference · DNA Analysts')
    t.notMatch(page, 'A rejected idea')
    await showOnly(db, ann, { talks_given: 'hidden' })
    t.notMatch(text((await asEve.get(`/members/${ann.id}`)).body), 'Talks given')
    await showOnly(db, ann, {})
  })

  await t.test('the organizers\' figure: connections made here, share across agencies', async (t) => {
    await met(asDee, meetup, ann)
    await met(asAnn, meetup, dee)
    for (const page of ['attendees', 'check-in']) {
      const res = await asOlive.get(`/c/dna/orga/events/${meetup.id}/${page}`)
      t.match(text(res.body), 'Connections made here: 2 new connections, 50% across agencies (1 of 2 between members of different agencies).', page)
    }
  })

  await t.test('the mail after the event: once, to those checked in only who want it', async (t) => {
    // Dee turns the mail off on her profile (the two other boxes stay ticked).
    const saved = await asDee.post('/profile/email', { mail_reminders: 'yes', mail_calendar: 'yes' })
    t.equal(saved.statusCode, 303)
    t.notMatch((await asDee.get('/profile')).body, /name="mail_met" value="yes" checked/, 'her box is unticked')
    const brownBag = await createEvent(db, dna, { title: 'Online brown-bag', kind: 'brown-bag', startsAt: new Date(Date.now() - 3 * HOUR), onlineUrl: 'https://meet.example.gov/x' })
    await checkIn(db, brownBag, ann, bob)
    const lonely = await createEvent(db, dna, { title: 'Lonely workshop', kind: 'workshop', startsAt: new Date(Date.now() - 3 * HOUR) })
    await checkIn(db, lonely, ann)
    const archived = await createCommunity(db, { slug: 'arch', name: 'Archived Network', organizer: olive, members: [ann, bob] })
    const archivedMeetup = await createEvent(db, archived, { title: 'Archived meetup', startsAt: new Date(Date.now() - 3 * HOUR) })
    await checkIn(db, archivedMeetup, ann, bob)
    await db.updateTable('communities').set({ archived_at: new Date() }).where('id', '=', archived.id).execute()
    const upcoming = await createEvent(db, dna, { title: 'Upcoming meetup' })
    await checkIn(db, upcoming, ann, bob)
    const before = (await db.selectFrom('mail_messages').select('id').execute()).length
    const run = metPromptHandler(db, { info () {} }, app.mailer)
    await run()
    await run()
    const mail = await db.selectFrom('mail_messages').select(['to_address', 'subject', 'text_body', 'kind']).where('kind', '=', 'met-prompt').orderBy('to_address').execute()
    t.same(mail.map((m) => m.to_address).sort(), ['ann@bci.ohio.gov', 'bob@epa.gov', cat.email].sort(),
      'one mail to each member checked in at the meetup, once (Eve only answered going; Dee turned it off)')
    t.equal((await db.selectFrom('mail_messages').select('id').execute()).length - before, 3, 'nothing else')
    t.match(text((await asDee.get(`/c/dna/events/${meetup.id}/met`)).body), 'Who did you meet', 'Dee can still say whom she met on the page')
    t.ok(mail.every((m) => m.subject === 'Who did you meet at Triangle regional meetup?'))
    t.match(mail[0].text_body, `/c/dna/events/${meetup.id}/met`)
    const sent = await db.selectFrom('events').select(['id', 'met_prompt_sent_at']).where('id', 'in', [meetup.id, brownBag.id, lonely.id, archivedMeetup.id, upcoming.id]).execute()
    t.same(sent.filter((e) => e.met_prompt_sent_at !== null).map((e) => e.id), [meetup.id], 'only the meetup is marked sent')
  })

  await t.test('leaving a community removes the connections made at its events', async (t) => {
    const preview = text((await asAnn.get('/c/dna/leave')).body)
    t.match(preview, 'your 2 connections made at its events are removed')
    const res = await asAnn.post('/c/dna/leave')
    t.equal(res.statusCode, 303)
    const left = await db.selectFrom('connections').select(['member_a', 'member_b', 'event_id']).execute()
    t.same(left, [{ member_a: Math.min(ann.id, zed.id), member_b: Math.max(ann.id, zed.id), event_id: otherMeetup.id }], 'only the connection made in the other community stays')
    t.same(await db.selectFrom('met_marks').select('member_id').where('event_id', '=', meetup.id).where((eb) => eb.or([eb('member_id', '=', ann.id), eb('met_id', '=', ann.id)])).execute(), [])
  })
})

t.test('removing a connection: a confirm step, then gone; either side', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const olive = await createMember(db, { full_name: 'Olive Organizer' })
  const ann = await createMember(db, { full_name: 'Ann Analyst' })
  const bob = await createMember(db, { full_name: 'Bob Bench' })
  const eve = await createMember(db, { full_name: 'Eve Member' })
  const dna = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: olive, members: [ann, bob, eve] })
  const meetup = await createEvent(db, dna, { title: 'Triangle regional meetup', startsAt: new Date(Date.now() - 3 * HOUR) })
  await checkIn(db, meetup, ann, bob)
  const [asAnn, asBob, asEve] = await Promise.all([ann, bob, eve].map((m) => client(app, m)))
  await asAnn.post(`/c/dna/events/${meetup.id}/met`, { member_id: String(bob.id) })
  await asBob.post(`/c/dna/events/${meetup.id}/met`, { member_id: String(ann.id) })
  const ask = await asBob.get(`/members/${ann.id}/connection/remove`)
  t.equal(ask.statusCode, 200)
  t.match(text(ask.body), 'Remove your connection with Ann Analyst?')
  t.equal((await db.selectFrom('connections').select('id').execute()).length, 1, 'a GET changes nothing')
  t.equal((await asEve.get(`/members/${ann.id}/connection/remove`)).statusCode, 404, 'not connected: 404')
  t.equal((await asEve.post(`/members/${ann.id}/connection/remove`)).statusCode, 404)
  t.equal((await asBob.get(`/members/${bob.id}/connection/remove`)).statusCode, 404, 'self: 404')
  const res = await asBob.post(`/members/${ann.id}/connection/remove`)
  t.equal(res.statusCode, 303)
  t.match(text((await follow(asBob, res)).body), 'Your connection with Ann Analyst is removed.')
  t.same(await db.selectFrom('connections').select('id').execute(), [])
  t.same(await db.selectFrom('met_marks').select('member_id').execute(), [], 'both marks go')
  t.equal((await db.selectFrom('connection_removals').select('removed_by').execute())[0].removed_by, bob.id)
  t.equal((await asAnn.post(`/members/${bob.id}/connection/remove`)).statusCode, 404, 'already gone')
  t.match(text((await asAnn.get(`/c/dna/events/${meetup.id}/met`)).body), 'Bob Bench , Department of Examples I met them', 'they can say so again later')
})

t.test('a long list of those checked in is paged', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const olive = await createMember(db, { full_name: 'Olive Organizer' })
  const people = []
  for (let i = 0; i < 30; i++) people.push(await createMember(db, { full_name: `Person ${String(i).padStart(2, '0')}` }))
  const dna = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: olive, members: people })
  const conference = await createEvent(db, dna, { title: 'Annual conference', kind: 'conference', startsAt: new Date(Date.now() - 3 * HOUR) })
  await checkIn(db, conference, ...people)
  const c = await client(app, people[0])
  const first = text((await c.get(`/c/dna/events/${conference.id}/met`)).body)
  t.match(first, 'Person 25')
  t.notMatch(first, 'Person 26', '25 others on the first page (by name)')
  t.match(first, 'Page 1 of 2')
  const second = await c.get(`/c/dna/events/${conference.id}/met?page=2`)
  t.match(text(second.body), 'Person 26 , Department of Examples I met them')
  t.match(text(second.body), 'Person 29')
  t.equal((await c.get(`/c/dna/events/${conference.id}/met?page=x`)).statusCode, 400, 'a page that is not a number: 400')
})
