import t from 'tap'
import { pairOf } from '../../src/domain/connections/connections.repository.js'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, signInAs } from '../fixtures/factories.js'

// The directory's "Only people I've met" / "Only people I was introduced to" filter, its "People I know first"
// order, and what the cards say about the viewer's connections. Orders are exact: the same on both databases.

function cardIds (html: string): number[] {
  return [...html.matchAll(/usa-card__heading"><a href="\/members\/(\d+)"/g)].map((m) => Number(m[1]))
}

/** What each card says about the connection ('' when nothing), by member id. */
function notes (html: string): Record<number, string> {
  const out: Record<number, string> = {}
  for (const card of html.split('<li class="usa-card').slice(1)) {
    const id = /href="\/members\/(\d+)"/.exec(card)
    if (id) out[Number(id[1])] = /<p class="text-bold">([^<]*)<\/p>/.exec(card)?.[1] ?? ''
  }
  return out
}

t.test('directory: people I have met or was introduced to', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const vera = await createMember(db, { full_name: 'Vera Viewer' })
  const mia = await createMember(db, { full_name: 'Mia Smithers', region: 'Columbus, Ohio' })
  const ian = await createMember(db, { full_name: 'Ian Introduced', region: 'Ohio' })
  const olga = await createMember(db, { full_name: 'Olga Organizer' })
  const quinn = await createMember(db, { full_name: 'Quinn Scanned' })
  const zed = await createMember(db, { full_name: 'Zed Smith', region: 'Ohio' })
  const outsider = await createMember(db, { full_name: 'Xena Outside' })
  const dna = await createCommunity(db, { slug: 'dna', name: 'Forensic DNA Analysts', organizer: olga, members: [vera, mia, ian, quinn, zed] })
  await createCommunity(db, { slug: 'other', name: 'Other', members: [outsider, vera] })
  const meetup = await createEvent(db, dna, { title: 'Triangle regional meetup' })
  await db.updateTable('events').set({ starts_at: new Date('2026-03-10T22:00:00Z'), ends_at: new Date('2026-03-11T00:00:00Z') }).where('id', '=', meetup.id).execute()
  const intro = await db.insertInto('introductions').values({
    ...pairOf(vera.id, ian.id), introduced_by: olga.id, community_id: dna.id, note: 'You both run CODIS audits.', a_accepted_at: new Date(), b_accepted_at: new Date()
  }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('connections').values([
    { ...pairOf(vera.id, mia.id), event_id: meetup.id },
    { ...pairOf(vera.id, ian.id), introduction_id: intro.id, introduced_by: olga.id },
    // By scanning a QR code with no shared in-person event: met, not introduced.
    { ...pairOf(vera.id, quinn.id) },
    // Others' connections do not count for Vera.
    { ...pairOf(zed.id, olga.id), event_id: meetup.id },
    { ...pairOf(vera.id, outsider.id), event_id: null }
  ]).execute()

  const asVera = new Client(app)
  await signInAs(asVera, vera)
  const ids = async (url: string) => {
    const res = await asVera.get(url)
    t.equal(res.statusCode, 200, url)
    return cardIds(res.body)
  }

  t.test('only people I have met; only people I was introduced to', async (t) => {
    t.same(await ids('/members?relation=met'), [mia.id, quinn.id, outsider.id], 'by name, from every shared community')
    t.same(await ids('/c/dna/members?relation=met'), [mia.id, quinn.id], 'kept to the community')
    t.same(await ids('/members?relation=introduced'), [ian.id])
    t.same(await ids('/c/dna/members?relation=introduced'), [ian.id])
    const res = await asVera.get('/members?relation=met')
    t.match(text(res.body), '3 members match the filters.')
    t.match(res.body, '<option value="met" selected>Only people I’ve met</option>')
  })

  t.test('the filter combines with the others', async (t) => {
    t.same(await ids('/members?relation=met&region=Ohio'), [mia.id])
    t.same(await ids('/members?relation=introduced&region=Ohio'), [ian.id])
    t.same(await ids('/members?relation=introduced&q=smith'), [])
    t.same(await ids('/members?relation=met&q=smith'), [mia.id])
  })

  t.test('people I know first, then the usual order', async (t) => {
    t.same(await ids('/c/dna/members'), [ian.id, mia.id, olga.id, quinn.id, vera.id, zed.id], 'by name')
    t.same(await ids('/c/dna/members?sort=known'), [ian.id, mia.id, quinn.id, olga.id, vera.id, zed.id])
    t.same(await ids('/members?q=smith'), [zed.id, mia.id], 'the closer name first')
    t.same(await ids('/members?q=smith&sort=known'), [mia.id, zed.id], 'a connection before a better match')
    t.same(await ids('/members?region=Ohio&sort=known'), [ian.id, mia.id, zed.id])
  })

  t.test('people I know first across pages: each member once, in order', async (t) => {
    const more: number[] = []
    for (let i = 1; i <= 28; i++) {
      const m = await createMember(db, { full_name: `Aaron ${String(i).padStart(2, '0')}` })
      await db.insertInto('memberships').values({ community_id: dna.id, member_id: m.id, norms_accepted_at: new Date() }).execute()
      more.push(m.id)
    }
    // The connections (by name), then everyone else by name: the Aarons before Olga, Vera and Zed.
    const expected = [ian.id, mia.id, quinn.id, ...more, olga.id, vera.id, zed.id]
    const one = await asVera.get('/c/dna/members?sort=known')
    t.match(text(one.body), '34 members')
    const two = await ids('/c/dna/members?sort=known&page=2')
    t.same([...cardIds(one.body), ...two], expected)
    t.same(await ids('/c/dna/members?sort=known&page=3'), [])
    await db.deleteFrom('members').where('id', 'in', more).execute()
  })

  t.test('cards say how the viewer knows them', async (t) => {
    const res = await asVera.get('/c/dna/members')
    const n = notes(res.body)
    t.equal(n[mia.id], 'Connected · met at Triangle regional meetup, Mar 10, 2026')
    t.equal(n[ian.id], 'Connected · introduced by Olga Organizer')
    t.equal(n[quinn.id], 'Connected')
    t.equal(n[zed.id], '', 'not connected: nothing (Zed’s own connection with Olga is not Vera’s)')
    t.equal(n[olga.id], '')
  })

  t.test('unknown choices: 400 naming the field, the other filters kept', async (t) => {
    const bad = await asVera.get('/members?relation=friends&agency=Ohio')
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'For “Show”, choose everyone, only people you’ve met, or only people you were introduced to.')
    t.match(bad.body, 'href="#relation"')
    t.match(bad.body, 'value="Ohio"')
    t.same(cardIds(bad.body), [])
    const order = await asVera.get('/c/dna/members?sort=random')
    t.equal(order.statusCode, 400)
    t.match(text(order.body), 'For “Order”, choose best match or people you know first.')
    t.equal((await asVera.get(`/members?relation=${'x'.repeat(21)}`)).statusCode, 400)
  })
})
