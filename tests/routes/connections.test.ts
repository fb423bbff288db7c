import t from 'tap'
import type { Kysely } from 'kysely'
import type { Database, Event, Member } from '../../src/db/database.js'
import { DEFAULT_VISIBILITY, type Visibility } from '../../src/domain/members/visibility.js'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, signInAs } from '../fixtures/factories.js'

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
