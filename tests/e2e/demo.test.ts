import t, { type Test } from 'tap'
import { sql } from 'kysely'
import { DEMO, seedDemo } from '../../src/db/seed.js'
import { viewerStanding } from '../../src/domain/communities/communities.repository.js'
import { Client, createTestApp, PUBLIC_URL, text } from '../fixtures/build-app.js'

async function counts (app: Client['app']) {
  const n = async (table: 'members' | 'communities' | 'memberships' | 'coordinator_terms' | 'join_requests') =>
    Number((await app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  return {
    members: await n('members'),
    communities: await n('communities'),
    memberships: await n('memberships'),
    terms: await n('coordinator_terms'),
    requests: await n('join_requests')
  }
}

/** Opens an emailed sign-in link the way a person does: the page, then its one button. */
async function follow (t: Test, app: Client['app'], link: string): Promise<Client> {
  t.ok(link.startsWith(`${PUBLIC_URL}/auth/sign-in?token=`), 'a sign-in link on PUBLIC_URL')
  const c = new Client(app)
  const page = await c.get(link.slice(PUBLIC_URL.length))
  t.equal(page.statusCode, 200)
  const token = new URL(link).searchParams.get('token')!
  const res = await c.post('/auth/sign-in', { token, next: '/' })
  t.equal(res.statusCode, 303)
  return c
}

t.test('demo data', async (t) => {
  const { app } = await createTestApp(t)
  const links = await seedDemo(app)
  const before = await counts(app)

  t.test('two communities, about forty members, organizers with current and past terms, pending requests', async (t) => {
    t.equal(before.communities, 2)
    t.ok(before.members >= 35 && before.members <= 60, `${before.members} members`)
    const communities = await app.db.selectFrom('communities').selectAll().orderBy('name').execute()
    t.same(communities.map((c) => c.name), ['Forensic DNA Analysts', 'Records Managers Network'])
    const reqs = await app.db.selectFrom('requirements').select(['community_id', 'name']).execute()
    t.ok(reqs.some((r) => r.name === 'FBI Quality Assurance Standards for DNA Databasing Laboratories'))
    t.ok(reqs.some((r) => r.name === 'NARA General Records Schedules'))
    const agencies = await app.db.selectFrom('members').select('agency').distinct().execute()
    t.ok(agencies.length >= 20, 'many agencies')
    for (const c of communities) {
      const current = await app.db.selectFrom('coordinator_terms').select('member_id').where('community_id', '=', c.id)
        .where('starts_on', '<=', sql<string>`current_date`).where('ends_on', '>=', sql<string>`current_date`).execute()
      t.equal(current.length, 2, `${c.name}: two organizers`)
      const past = await app.db.selectFrom('coordinator_terms').select('member_id').where('community_id', '=', c.id)
        .where('ends_on', '<', sql<string>`current_date`).execute()
      t.equal(past.length, 1, `${c.name}: a past coordinator term`)
      t.notOk((await viewerStanding(app.db, c.id, past[0].member_id)).isOrganizer, 'a past term is not an organizer today')
      const pending = await app.db.selectFrom('join_requests').select(['note', 'email', 'member_id']).where('community_id', '=', c.id).where('status', '=', 'pending').execute()
      t.ok(pending.length >= 2, `${c.name}: pending join requests`)
      t.ok(pending.every((p) => p.note.length > 10), 'with notes')
      t.ok(pending.every((p) => p.member_id !== null), 'verified requesters with accounts, as the join flow leaves them')
      const inside = await app.db.selectFrom('memberships').select('id').where('community_id', '=', c.id)
        .where('member_id', 'in', pending.map((p) => p.member_id!)).execute()
      t.equal(inside.length, 0, 'requesters are not members yet')
    }
  })

  t.test('the organizer link signs in as the demo organizer, who organizes a community', async (t) => {
    const c = await follow(t, app, links.organizer)
    const home = text((await c.get('/')).body)
    t.match(home, `Sign out (${DEMO.organizer.name})`)
    t.match(home, 'Forensic DNA Analysts')
    const organizer = await app.db.selectFrom('members').selectAll().where('email', '=', DEMO.organizer.email).executeTakeFirstOrThrow()
    const dna = await app.db.selectFrom('communities').select('id').where('slug', '=', DEMO.communities.dna).executeTakeFirstOrThrow()
    t.ok((await viewerStanding(app.db, dna.id, organizer.id)).isOrganizer)
    const directory = await c.get(`/c/${DEMO.communities.dna}/members?q=ohio`)
    t.equal(directory.statusCode, 200)
    t.match(text(directory.body), DEMO.member.name)
  })

  t.test('the member and admin links work too', async (t) => {
    const m = await follow(t, app, links.member)
    t.match(text((await m.get('/')).body), `Sign out (${DEMO.member.name})`)
    t.equal((await m.get(`/c/${DEMO.communities.records}/members`)).statusCode, 404, 'the demo member is not in the other community')
    const a = await follow(t, app, links.admin)
    const admin = await a.get('/admin')
    t.equal(admin.statusCode, 200)
    t.match(text(admin.body), DEMO.admin.name)
    t.match(text(admin.body), 'Records Managers Network')
  })

  t.test('running it again adds nothing and gives fresh links that work', async (t) => {
    const again = await seedDemo(app)
    t.same(await counts(app), before)
    t.not(again.organizer, links.organizer)
    const c = await follow(t, app, again.organizer)
    t.match(text((await c.get('/')).body), `Sign out (${DEMO.organizer.name})`)
    const token = await app.db.selectFrom('email_tokens').select('expires_at').orderBy('id', 'desc').executeTakeFirstOrThrow()
    t.ok(token.expires_at.getTime() > Date.now() + 23 * 3_600_000, 'demo links work for a day')
  })
})
