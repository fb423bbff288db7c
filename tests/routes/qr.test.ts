import t from 'tap'
import type { Kysely } from 'kysely'
import type { Database, Event, Member } from '../../src/db/database.js'
import { Client, createTestApp, PUBLIC_URL, text } from '../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, createRsvp, signInAs } from '../fixtures/factories.js'

// Members' personal QR codes (issue 13): shown on the profile and on in-person events they go to; scanning one
// opens a confirm page (GET changes nothing) whose button records "met"; both ways → connected. The code means
// nothing to someone who shares no community with its owner, and a regenerated code's old address is gone.

async function codeOf (db: Kysely<Database>, m: Member): Promise<string | null> {
  return (await db.selectFrom('members').select('met_code').where('id', '=', m.id).executeTakeFirstOrThrow()).met_code
}
async function marks (db: Kysely<Database>): Promise<number> {
  return Number((await db.selectFrom('met_marks').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
}
async function checkIn (db: Kysely<Database>, e: Event, ...ms: Member[]) {
  for (const m of ms) await db.insertInto('check_ins').values({ event_id: e.id, member_id: m.id, checked_in_by: m.id }).execute()
}

t.test('personal QR codes', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const jane = await createMember(db, { full_name: 'Jane Doe', agency: 'EPA' })
  const raj = await createMember(db, { full_name: 'Raj Patel', agency: 'Ohio BCI' })
  const olive = await createMember(db, { full_name: 'Olive Organizer' })
  const xena = await createMember(db, { full_name: 'Xena Elsewhere' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: olive, members: [jane, raj] })
  await createCommunity(db, { slug: 'other', name: 'Other Network', members: [xena] })
  const asJane = new Client(app)
  await signInAs(asJane, jane)
  const asRaj = new Client(app)
  await signInAs(asRaj, raj)
  const asXena = new Client(app)
  await signInAs(asXena, xena)
  const asOlive = async () => { const c = new Client(app); await signInAs(c, olive); return c }

  await t.test('the profile shows the code as an SVG with an accessible name, and the address below it', async (t) => {
    t.equal(await codeOf(db, jane), null, 'no code until it is needed')
    const res = await asJane.get('/profile')
    t.equal(res.statusCode, 200)
    const code = await codeOf(db, jane)
    t.ok(code && /^[A-Za-z0-9_-]{22,}$/.test(code), 'a URL-safe code of at least 128 bits was made')
    t.match(res.body, /<svg role="img" aria-label="QR code of Jane Doe: scan it to say you met"[^>]*><title>QR code of Jane Doe: scan it to say you met<\/title>/)
    t.match(text(res.body), 'Your code for meeting people At an in-person event')
    t.match(text(res.body), `The code opens this address: ${PUBLIC_URL}/met/${code}`)
    const again = await asJane.get('/profile')
    t.equal(await codeOf(db, jane), code, 'the same code on the next visit')
    t.ok(again.body.includes(`/met/${code}`))
  })

  await t.test('the event page shows the code for an in-person event the member goes to, not otherwise', async (t) => {
    const meetup = await createEvent(db, community, { title: 'Triangle meetup' })
    // Under way: members check in at the door.
    await db.updateTable('events').set({ starts_at: new Date(Date.now() - 3_600_000), ends_at: new Date(Date.now() + 3_600_000) }).where('id', '=', meetup.id).execute()
    const online = await createEvent(db, community, { title: 'Online brown-bag', kind: 'brown-bag' })
    let res = await asJane.get(`/c/dna/events/${meetup.id}`)
    t.notMatch(text(res.body), 'Your code for meeting people here', 'not going: no code')
    await createRsvp(db, meetup, jane)
    await createRsvp(db, online, jane)
    res = await asJane.get(`/c/dna/events/${meetup.id}`)
    t.match(text(res.body), 'Your code for meeting people here')
    t.ok(res.body.includes(`${PUBLIC_URL}/met/${await codeOf(db, jane)}`))
    res = await asJane.get(`/c/dna/events/${online.id}`)
    t.notMatch(text(res.body), 'Your code for meeting people here', 'a brown-bag: no code')
    // Checked in without an answer (a walk-in) counts too.
    res = await asRaj.get(`/c/dna/events/${meetup.id}`)
    t.notMatch(text(res.body), 'Your code for meeting people here', 'not going, not checked in: no code')
    await checkIn(db, meetup, raj)
    res = await asRaj.get(`/c/dna/events/${meetup.id}`)
    t.match(text(res.body), 'Your code for meeting people here')
  })

  await t.test('scanning: a confirm page that changes nothing; its button records; both ways → connected', async (t) => {
    const janeCode = (await codeOf(db, jane))!
    const before = await marks(db)
    const res = await asRaj.get(`/met/${janeCode}`)
    t.equal(res.statusCode, 200)
    // Both checked in at the meetup of the test before: the latest in-person event they shared.
    await checkIn(db, (await db.selectFrom('events').selectAll().where('title', '=', 'Triangle meetup').executeTakeFirstOrThrow()), jane)
    const page = await asRaj.get(`/met/${janeCode}`)
    t.match(text(page.body), 'I met Jane Doe (EPA) at Triangle meetup')
    t.equal(await marks(db), before, 'GET recorded nothing')
    const post = await asRaj.post(`/met/${janeCode}`)
    t.equal(post.statusCode, 303)
    t.equal(post.headers.location, `/members/${jane.id}`)
    t.match(text((await asRaj.get(String(post.headers.location))).body), 'Saved: you met Jane Doe')
    const mark = await db.selectFrom('met_marks').selectAll().where('member_id', '=', raj.id).where('met_id', '=', jane.id).executeTakeFirstOrThrow()
    const meetup = await db.selectFrom('events').select('id').where('title', '=', 'Triangle meetup').executeTakeFirstOrThrow()
    t.equal(mark.event_id, meetup.id, 'recorded with the event both were checked in at')
    t.equal(await marks(db), before + 1)
    // Jane scans Raj's code.
    await asRaj.get('/profile')
    const rajCode = (await codeOf(db, raj))!
    t.match(text((await asJane.get(`/met/${rajCode}`)).body), 'I met Raj Patel (Ohio BCI) at Triangle meetup')
    const back = await asJane.post(`/met/${rajCode}`)
    t.equal(back.statusCode, 303)
    t.match(text((await asJane.get(String(back.headers.location))).body), 'You and Raj Patel are connected now')
    const conn = await db.selectFrom('connections').selectAll().executeTakeFirstOrThrow()
    t.same([conn.member_a, conn.member_b, conn.event_id], [Math.min(jane.id, raj.id), Math.max(jane.id, raj.id), meetup.id])
    // Connected: the page says so and offers no button.
    const after = await asJane.get(`/met/${rajCode}`)
    t.match(text(after.body), 'You and Raj Patel are already connected')
    t.notOk(after.body.includes(`action="/met/${rajCode}"`))
  })

  await t.test('without a shared event: "in person"', async (t) => {
    const oliveClient = new Client(app)
    await signInAs(oliveClient, olive)
    const res = await oliveClient.get(`/met/${await codeOf(db, jane)}`)
    t.match(text(res.body), 'I met Jane Doe (EPA) in person')
  })

  await t.test('your own code; an outsider, another community and an unknown code get "not valid"', async (t) => {
    const code = (await codeOf(db, jane))!
    const own = await asJane.get(`/met/${code}`)
    t.equal(own.statusCode, 200)
    t.match(text(own.body), 'This is your own code')
    const before = await marks(db)
    for (const [who, res] of [
      ['another community', await asXena.get(`/met/${code}`)],
      ['another community (POST)', await asXena.post(`/met/${code}`, {}, { csrfFrom: '/profile' })],
      ['an unknown code', await asRaj.get('/met/AAAAAAAAAAAAAAAAAAAAAA')]
    ] as const) {
      t.equal(res.statusCode, 404, who)
      t.match(text(res.body), 'This code is not valid any more', who)
      t.notMatch(res.body, 'Jane Doe', `${who}: the owner is not named`)
    }
    t.equal(await marks(db), before, 'nothing recorded')
  })

  await t.test('signed out: sign in first, then back to the code', async (t) => {
    const code = (await codeOf(db, jane))!
    const res = await new Client(app).get(`/met/${code}`)
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, `/sign-in?next=${encodeURIComponent(`/met/${code}`)}`)
  })

  await t.test('regenerate: a new code, and the old address is not valid any more', async (t) => {
    const old = (await codeOf(db, jane))!
    await asJane.get('/profile')
    const res = await asJane.post('/profile/met-code')
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/profile#met-code')
    const fresh = (await codeOf(db, jane))!
    t.not(fresh, old)
    const page = await asJane.get('/profile')
    t.match(text(page.body), 'You have a new QR code. The old one no longer works')
    t.ok(page.body.includes(`/met/${fresh}`))
    t.notOk(page.body.includes(`/met/${old}`))
    const stale = await asRaj.get(`/met/${old}`)
    t.equal(stale.statusCode, 404)
    t.match(text(stale.body), 'This code is not valid any more')
    t.equal((await asRaj.get(`/met/${fresh}`)).statusCode, 200)
  })

  await t.test('a deactivated account\'s code is not valid', async (t) => {
    await asOlive().then((c) => c.get('/profile'))
    const code = (await codeOf(db, olive))!
    await db.updateTable('members').set({ deactivated_at: new Date() }).where('id', '=', olive.id).execute()
    const res = await asRaj.get(`/met/${code}`)
    t.equal(res.statusCode, 404)
    t.match(text(res.body), 'This code is not valid any more')
    await db.updateTable('members').set({ deactivated_at: null }).where('id', '=', olive.id).execute()
  })

  await t.test('every POST needs the CSRF token', async (t) => {
    const code = (await codeOf(db, jane))!
    for (const url of ['/profile/met-code', `/met/${code}`]) {
      const res = await asRaj.post(url, {}, { csrf: false })
      t.equal(res.statusCode, 403, url)
    }
  })
})
