import t from 'tap'
import { sql } from 'kysely'
import { searchDirectory } from '../../src/domain/members/members.repository.js'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'

// A broad search ranks a capped number of candidates (the search document's matches with the lowest ids, the
// names nearest the search): past the cap the directory says "1,000+ members" and its pages reach only the cap.
// Orders asserted here are exact: both databases must rank alike.

t.test('a broad search: the count is capped, the pages stay within the cap', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const vera = await createMember(db, { full_name: 'Vera Viewer', agency: 'Virginia DFS' })
  const community = await createCommunity(db, { slug: 'dna', name: 'Forensic DNA Analysts', organizer: vera })
  // 1,005 members with "Rapid DNA" as expertise; every 100th also has "mixture" (so 10 match both words).
  await sql`insert into members (email, full_name, agency, expertise, email_verified_at)
    select 'analyst' || g || '@lab.gov', 'Analyst ' || lpad(g::text, 4, '0'), 'Lab ' || (g % 7),
           case when g % 100 = 0 then array['Rapid DNA', 'mixture'] else array['Rapid DNA'] end, now()
    from generate_series(1, 1005) g`.execute(db)
  await sql`insert into memberships (community_id, member_id, norms_accepted_at)
    select ${community.id}, id, now() from members where email like 'analyst%'`.execute(db)
  const analysts = (await db.selectFrom('members').select('id').where('email', 'like', 'analyst%').orderBy('id').execute()).map((r) => r.id)

  const query = { scope: { viewerId: vera.id }, viewerId: vera.id, relation: '' as const, knownFirst: false, search: 'rapid dna', agency: '', state: '', expertise: '', communityId: null, requirement: '', help: '', limit: 3, offset: 0 }

  await t.test('the repository: at most `rankCap` ranked, the count capped, the order fixed', async (t) => {
    const first = await searchDirectory(db, query, 5)
    t.equal(first.total, 5)
    t.equal(first.capped, true)
    // The candidates are the 6 lowest ids (one past the cap); all rank alike, so by name: the first three.
    t.same(first.rows.map((r) => r.id), analysts.slice(0, 3))
    const second = await searchDirectory(db, { ...query, offset: 3 }, 5)
    t.same(second.rows.map((r) => r.id), analysts.slice(3, 5), 'the second page stops at the cap')
    t.equal(second.total, 5)
    const past = await searchDirectory(db, { ...query, offset: 6 }, 5)
    t.same(past.rows, [], 'a page past the cap is empty')
    t.equal(past.total, 5, 'and still counts (capped)')
    t.equal(past.capped, true)
    const narrow = await searchDirectory(db, { ...query, search: 'mixture' }, 5)
    t.equal(narrow.capped, true, 'ten matches are more than a cap of five')
    const exact = await searchDirectory(db, { ...query, search: 'mixture' }, 10)
    t.same([exact.total, exact.capped], [10, false], 'exactly the cap: not capped')
  })

  await t.test('a broad name search ranks the nearest names, not the lowest ids', async (t) => {
    // "analist 1004" is no word of anyone's profile: only names match it, and "Analyst 1004" (a high id) is the
    // nearest. The lowest-id name matches ("Analyst 0100", "Analyst 0104"…) would have left it out.
    const typo = await searchDirectory(db, { ...query, search: 'analist 1004', limit: 3 }, 5)
    t.equal(typo.capped, true, 'more names match than the cap of five')
    t.equal(typo.rows[0].id, analysts[1003], 'the nearest name first')
    t.same(typo.rows.map((r) => r.full_name).slice(0, 1), ['Analyst 1004'])
    t.ok(typo.rows.every((r) => /^Analyst 1\d{3}$/.test(r.full_name)), `the next nearest names: ${typo.rows.map((r) => r.full_name).join(', ')}`)
  })

  await t.test('under the cap the count is exact and ranking is by match', async (t) => {
    const both = await searchDirectory(db, { ...query, search: 'rapid mixture', limit: 25 }, 50)
    t.equal(both.capped, false)
    t.equal(both.total, 10)
    t.same(both.rows.map((r) => r.id), analysts.filter((_, i) => (i + 1) % 100 === 0))
  })

  await t.test('the page says 1,000+ members and pages through the first thousand', async (t) => {
    const c = new Client(app)
    await signInAs(c, vera)
    const res = await c.get('/members?q=rapid+dna')
    t.equal(res.statusCode, 200)
    t.match(text(res.body), '1,000+ members match “rapid dna”; showing 1–25.')
    t.match(text(res.body), 'Page 1 of 40', 'the pager reaches page 40 (the cap)')
    const last = await c.get('/members?q=rapid+dna&page=40')
    t.match(text(last.body), '1,000+ members match “rapid dna”; showing 976–1000.')
    t.match(text(last.body), 'Page 40 of 40')
    t.notMatch(last.body, 'usa-pagination__next-page', 'no next page past the cap')
    const past = await c.get('/members?q=rapid+dna&page=41')
    t.equal(past.statusCode, 200)
    t.match(text(past.body), 'There are no more members on this page.')
    const exact = await c.get('/members?q=mixture')
    t.match(text(exact.body), '10 members match “mixture”.', 'under the cap: the exact count')
  })
})
