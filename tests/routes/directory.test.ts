import t from 'tap'
import type { Kysely } from 'kysely'
import type { Database, Member } from '../../src/db/database.js'
import { DEFAULT_VISIBILITY, type Visibility } from '../../src/domain/members/visibility.js'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { addMembership, createCommunity, createEvent, createMember, signInAs } from '../fixtures/factories.js'

// The member directory (site-wide /members and a community's /c/:slug/members) and what each viewer may see.
// Every order asserted here is exact: the suite runs on the embedded database and on the server, and both must
// rank alike.

type ProfileText = Partial<Pick<Member, 'expertise' | 'ask_me_about' | 'can_help_with' | 'looking_for' | 'bio'>>

async function profile (db: Kysely<Database>, m: Member, fields: ProfileText, visibility: Partial<Visibility> = {}) {
  await db.updateTable('members').set({ ...fields, visibility: JSON.stringify({ ...DEFAULT_VISIBILITY, ...visibility }) }).where('id', '=', m.id).execute()
}

/** The member ids of the directory's cards, in the order shown. */
function cardIds (html: string): number[] {
  return [...html.matchAll(/usa-card__heading"><a href="\/members\/(\d+)"/g)].map((m) => Number(m[1]))
}

t.test('member directory', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const vera = await createMember(db, { full_name: 'Vera Viewer', agency: 'Virginia DFS', region: 'Virginia' })
  const john = await createMember(db, { full_name: 'John Smith', agency: 'Ohio BCI', region: 'Columbus, Ohio', job_title: 'DNA Technical Leader' })
  const joan = await createMember(db, { full_name: 'Joan Smithers', agency: 'Texas DPS', region: 'Texas', email: 'joan.smithers@dps.texas.gov' })
  const hugo = await createMember(db, { full_name: 'Hugo Hidden', agency: 'Quietwater Lab', region: 'Oregon' })
  const evil = await createMember(db, { full_name: 'Eve <b>Evil</b>', agency: 'A & B "Labs"' })
  const xavier = await createMember(db, { full_name: 'Xavier Outside', agency: 'Ohio BCI', region: 'Ohio' })
  await profile(db, john, { expertise: ['STR analysis', 'CODIS'], ask_me_about: 'Mixture interpretation', can_help_with: 'Validation plans for new kits' })
  await profile(db, joan, { expertise: ['Rapid DNA'], ask_me_about: 'Rapid DNA in booking stations', bio: 'Former smithing apprentice.' }, { email: 'members' })
  await profile(db, hugo, { expertise: ['Toxicology'], can_help_with: 'Courtroom testimony', looking_for: 'A mentor in quillwort botany' },
    { expertise: 'hidden', agency: 'hidden', can_help_with: 'connections', looking_for: 'hidden' })
  await profile(db, evil, { ask_me_about: '<script>alert("xss")</script> and more' })
  await profile(db, xavier, { expertise: ['CODIS'], ask_me_about: 'Mixture interpretation' })
  const dna = await createCommunity(db, { slug: 'dna', name: 'Forensic DNA Analysts', organizer: vera, members: [john, joan, evil] })
  const records = await createCommunity(db, { slug: 'records', name: 'Records Managers', members: [vera, joan, hugo] })
  await createCommunity(db, { slug: 'other', name: 'Other Network', members: [xavier] })
  await db.insertInto('requirements').values([
    { community_id: dna.id, name: 'FBI QAS' },
    { community_id: records.id, name: 'ISO 17025' },
    { community_id: records.id, name: 'fbi qas' }
  ]).execute()

  const asVera = new Client(app)
  await signInAs(asVera, vera)
  const ids = async (url: string) => {
    const res = await asVera.get(url)
    t.equal(res.statusCode, 200, url)
    return cardIds(res.body)
  }

  t.test('outsiders are sent to sign in; other communities’ members do not exist', async (t) => {
    const res = await new Client(app).get('/members?q=smith')
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/sign-in?next=%2Fmembers%3Fq%3Dsmith')
    t.equal((await new Client(app).get(`/members/${john.id}`)).statusCode, 404)
    t.equal((await asVera.get(`/members/${xavier.id}`)).statusCode, 404, 'no shared community: 404')
    const all = await ids('/members')
    t.notOk(all.includes(xavier.id), 'never someone who shares no community')
    t.same(await ids('/members?agency=ohio'), [john.id], 'the same agency in another community is not found')
  })

  t.test('everyone of every shared community, by name', async (t) => {
    const res = await asVera.get('/members')
    t.match(text(res.body), 'Member directory')
    t.match(text(res.body), '5 members.')
    // By lower-cased name in byte order: "eve <b>…" < "hugo…" < "joan…" < "john…" < "vera…".
    t.same(cardIds(res.body), [evil.id, hugo.id, joan.id, john.id, vera.id])
  })

  t.test('search by name ranks the closest first; a misspelt name is found', async (t) => {
    t.same(await ids('/members?q=smith'), [john.id, joan.id])
    t.same(await ids('/members?q=Jon+Smyth'), [john.id], 'trigram similarity finds John Smith')
    t.same(await ids('/members?q=joan'), [joan.id])
  })

  t.test('search by agency, title, expertise, "ask me about", region words', async (t) => {
    t.same(await ids('/members?q=texas+dps'), [joan.id])
    t.same(await ids('/members?q=technical+leader'), [john.id])
    t.same(await ids('/members?q=codis'), [john.id])
    t.same(await ids('/members?q=rapid'), [joan.id])
    t.same(await ids('/members?q=mixture'), [john.id])
    t.same(await ids('/members?q=columbus'), [john.id])
    t.same(await ids('/members?q=smithing'), [joan.id, john.id], 'the bio is searched (weight D); John Smith follows as a near name')
  })

  t.test('a field the member hides is neither shown nor found', async (t) => {
    for (const q of ['toxicology', 'quietwater', 'courtroom', 'quillwort']) {
      const res = await asVera.get(`/members?q=${q}`)
      t.same(cardIds(res.body), [], q)
      t.match(text(res.body), `No members match “${q}”.`)
    }
    t.same(await ids('/members?expertise=toxicology'), [])
    t.same(await ids('/members?agency=quietwater'), [])
    t.same(await ids('/members?help=courtroom'), [], '"connections" is not members')
    const list = await asVera.get('/members?q=hugo')
    t.same(cardIds(list.body), [hugo.id])
    t.notMatch(list.body, 'Quietwater')
    t.notMatch(list.body, 'Toxicology')
    const page = await asVera.get(`/members/${hugo.id}`)
    t.equal(page.statusCode, 200)
    t.match(text(page.body), 'Hugo Hidden')
    t.match(text(page.body), 'Oregon')
    for (const hidden of ['Quietwater', 'Toxicology', 'Courtroom testimony', 'quillwort']) t.notMatch(page.body, hidden)
    t.notMatch(page.body, hugo.email)
  })

  t.test('email: shown only when the member shows it to members (the default is connections: nobody yet)', async (t) => {
    t.notMatch((await asVera.get(`/members/${john.id}`)).body, john.email)
    t.match((await asVera.get(`/members/${joan.id}`)).body, 'href="mailto:joan.smithers@dps.texas.gov"')
  })

  t.test('the member sees every field of their own page, with who else sees it', async (t) => {
    const c = new Client(app)
    await signInAs(c, hugo)
    const page = text((await c.get(`/members/${hugo.id}`)).body)
    t.match(page, 'Quietwater Lab Only you see this')
    t.match(page, 'Courtroom testimony Seen only by people you are connected with')
    t.match(page, 'Oregon Seen by members of communities you share')
    t.match(page, hugo.email)
  })

  t.test('filters, alone and combined', async (t) => {
    t.same(await ids('/members?agency=BCI'), [john.id])
    t.same(await ids('/members?region=Ohio'), [john.id], '"Columbus, Ohio" is in Ohio')
    t.same(await ids('/members?region=Texas'), [joan.id])
    t.same(await ids('/members?expertise=str'), [john.id])
    t.same(await ids('/members?help=validation'), [john.id])
    t.same(await ids('/members?help=john'), [], '"ask me about / can help with" looks only there')
    t.same(await ids('/members?community=records'), [hugo.id, joan.id, vera.id])
    t.same(await ids('/members?requirement=ISO+17025'), [hugo.id, joan.id, vera.id])
    t.same(await ids('/members?requirement=FBI+QAS'), [evil.id, hugo.id, joan.id, john.id, vera.id], 'both communities hold it')
    t.same(await ids('/members?community=dna&agency=texas'), [joan.id])
    t.same(await ids('/members?q=smith&region=Ohio'), [john.id])
    t.same(await ids('/members?q=smith&community=records'), [joan.id])
    const none = await asVera.get('/members?agency=texas&region=Ohio')
    t.match(text(none.body), 'No members match these filters.')
    t.match(none.body, 'href="/members">Clear the search and filters')
  })

  t.test('the community directory is the same search kept to the community', async (t) => {
    t.same(await ids('/c/dna/members'), [evil.id, joan.id, john.id, vera.id])
    t.same(await ids('/c/dna/members?q=smith'), [john.id, joan.id])
    t.same(await ids('/c/records/members?q=smith'), [joan.id])
    t.same(await ids('/c/dna/members?expertise=codis'), [john.id])
    const page = await asVera.get('/c/dna/members')
    t.notMatch(page.body, 'name="community"', 'no community choice on a community’s page')
    t.match(page.body, '<label class="usa-label" for="agency">Agency</label>')
  })

  t.test('bad filters: 400 naming the field', async (t) => {
    const cases: Array<[string, string]> = [
      ['/members?region=Atlantis', 'Choose a state or territory from the list.'],
      ['/members?community=other', 'Choose one of your communities from the list.'],
      ['/members?community=nope', 'Choose one of your communities from the list.'],
      ['/members?requirement=Nope', 'Choose a requirement from the list.'],
      ['/members?page=0', 'The page number must be a whole number from 1.'],
      [`/members?agency=${'a'.repeat(161)}`, 'The agency must be 160 characters or fewer (you entered 161).'],
      ['/c/dna/members?region=Atlantis', 'Choose a state or territory from the list.']
    ]
    for (const [url, message] of cases) {
      const res = await asVera.get(url)
      t.equal(res.statusCode, 400, url)
      t.match(text(res.body), message, url)
    }
    const kept = await asVera.get('/members?region=Atlantis&agency=Ohio')
    t.match(kept.body, 'value="Ohio"', 'the filters are kept')
    t.same(cardIds(kept.body), [])
  })

  t.test('HTML in profile fields is shown as text', async (t) => {
    const res = await asVera.get('/members?q=evil')
    t.same(cardIds(res.body), [evil.id])
    t.notMatch(res.body, '<script>alert("xss")</script>')
    t.match(res.body, '&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt; and more')
    t.match(res.body, 'Eve &lt;b&gt;Evil&lt;/b&gt;')
    t.match(res.body, 'A &amp; B &quot;Labs&quot;')
    const page = await asVera.get(`/members/${evil.id}`)
    t.notMatch(page.body, '<script>alert("xss")</script>')
    t.notMatch(page.body, '<b>Evil</b>')
  })

  t.test('events attended: in shared communities, unless hidden', async (t) => {
    const seen = await createEvent(db, dna, { title: 'Mixture workshop' })
    const elsewhere = await createEvent(db, (await db.selectFrom('communities').selectAll().where('slug', '=', 'other').executeTakeFirstOrThrow()),
      { title: 'Other network social', by: xavier })
    await addMembership(db, (await db.selectFrom('communities').select('id').where('slug', '=', 'other').executeTakeFirstOrThrow()).id, john.id)
    await db.insertInto('check_ins').values([{ event_id: seen.id, member_id: john.id }, { event_id: elsewhere.id, member_id: john.id }]).execute()
    const page = text((await asVera.get(`/members/${john.id}`)).body)
    t.match(page, 'Events attended Mixture workshop')
    t.notMatch(page, 'Other network social', 'an event of a community the viewer is not in')
    await profile(db, john, { expertise: ['STR analysis', 'CODIS'], ask_me_about: 'Mixture interpretation', can_help_with: 'Validation plans for new kits' }, { events_attended: 'hidden' })
    t.notMatch(text((await asVera.get(`/members/${john.id}`)).body), 'Mixture workshop')
    await profile(db, john, { expertise: ['STR analysis', 'CODIS'], ask_me_about: 'Mixture interpretation', can_help_with: 'Validation plans for new kits' })
  })

  t.test('25 a page; the filters stay in the page links', async (t) => {
    for (let i = 0; i < 30; i++) {
      const m = await createMember(db, { full_name: `Zed Analyst ${String(i).padStart(2, '0')}`, agency: 'Georgia GBI' })
      await addMembership(db, dna.id, m.id)
    }
    const first = await asVera.get('/members?agency=georgia')
    t.match(text(first.body), '30 members match the filters; showing 1–25.')
    t.match(text(first.body), 'Page 1 of 2')
    t.equal(cardIds(first.body).length, 25)
    t.match(first.body, 'href="/members?agency=georgia&amp;page=2"')
    const second = await asVera.get('/members?agency=georgia&page=2')
    t.match(text(second.body), 'showing 26–30.')
    t.match(text(second.body), 'Zed Analyst 29')
    t.notMatch(text(second.body), 'Zed Analyst 24')
    const past = await asVera.get('/members?agency=georgia&page=9')
    t.match(text(past.body), 'There are no more members on this page.')
  })
})
