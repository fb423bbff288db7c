import t from 'tap'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { eventInput } from '../../../fixtures/events.js'
import { createCommunity, createMember, signInAs } from '../../../fixtures/factories.js'
import { createEvent, publishEvent } from '../../../../src/domain/events/events.service.js'

// The door list's search and the check-in button take bounded input: a search over its limit is an error page
// that names it, never a search for a cut string.

t.test('check-in at the door: limits', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer' })
  const lee = await createMember(db, { full_name: 'Lee Late' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [lee] })
  const event = await db.transaction().execute(async (trx) => publishEvent(trx, (await createEvent(trx, community.id, eventInput(), orga.id)).id))
  const organizer = new Client(app)
  await signInAs(organizer, orga)
  const url = `/c/dna/orga/events/${event.id}/check-in`

  const found = await organizer.get(`${url}?q=${'l'.repeat(100)}`)
  t.equal(found.statusCode, 200, 'a search of 100 characters is fine')
  const long = await organizer.get(`${url}?q=${'l'.repeat(101)}`)
  t.equal(long.statusCode, 400)
  t.match(text(long.body), 'The search must be 100 characters or fewer')
  const extra = await organizer.get(`${url}?q=lee&utm_source=mail`)
  t.equal(extra.statusCode, 200, 'a parameter the page does not read is dropped')
  t.match(text(extra.body), 'Lee Late')

  const arrived = await organizer.post(url, { member_id: String(lee.id), walk_in: 'yes', q: 'lee' }, { csrfFrom: url })
  t.equal(arrived.statusCode, 303)
  t.equal(arrived.headers.location, `${url}?q=lee`)
  t.match(text((await organizer.get(url)).body), 'Checked in.')
  const tooLong = await organizer.post(url, { member_id: String(lee.id), q: 'l'.repeat(101) })
  t.equal(tooLong.statusCode, 400)
  t.match(text(tooLong.body), 'The search must be 100 characters or fewer')
  const none = await organizer.post(url, { member_id: '' })
  t.equal(none.statusCode, 303)
  t.match(text((await organizer.get(url)).body), 'Choose a person to check in.')
})

t.test('check-in: each person listed once; the attendees page shows the check-in date and time in the event’s zone', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer' })
  const ann = await createMember(db, { full_name: 'Ann Expected', agency: 'GSA' })
  const amy = await createMember(db, { full_name: 'Anna Walkin', agency: 'NARA' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ann, amy] })
  const event = await db.transaction().execute(async (trx) => publishEvent(trx, (await createEvent(trx, community.id, eventInput({ timeZone: 'America/Los_Angeles' }), orga.id)).id))
  await db.insertInto('rsvps').values({ event_id: event.id, member_id: ann.id, status: 'going' }).execute()
  const organizer = new Client(app)
  await signInAs(organizer, orga)
  const url = `/c/dna/orga/events/${event.id}/check-in`

  const page = await organizer.get(`${url}?q=ann`)
  const [expected, walkIn] = text(page.body).split('Walk-in')
  t.match(expected, /Ann Expected ?, GSA going/)
  t.notMatch(walkIn, 'Ann Expected', 'an expected attendee is not offered again as a walk-in')
  t.match(walkIn, 'Anna Walkin', 'a member who did not answer is')

  t.equal((await organizer.post(url, { member_id: String(ann.id), q: 'ann' })).statusCode, 303)
  const at = (await db.selectFrom('check_ins').select('checked_in_at').where('member_id', '=', ann.id).executeTakeFirstOrThrow()).checked_in_at
  const when = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(at)
  const attendees = await organizer.get(`/c/dna/orga/events/${event.id}/attendees`)
  t.match(text(attendees.body), `Ann Expected GSA going ${when}`)
  t.match(when, /P[SD]T$/, 'in the event’s zone')
})
