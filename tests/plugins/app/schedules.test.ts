import t from 'tap'
import { DateTime } from 'luxon'
import { Client, createTestApp, PUBLIC_URL, text } from '../../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../../fixtures/factories.js'
import { coverageEnds, handoverWarning, keepAnOrganizer } from '../../../src/domain/communities/organizers.service.js'
import { today } from '../../../src/domain/communities/communities.repository.js'
import { deleteExpired } from '../../../src/domain/site/site.repository.js'
import { startSession, sessionMember } from '../../../src/domain/auth/auth.service.js'
import { housekeepingHandler } from '../../../src/plugins/app/schedules.js'

// The daily housekeeping job: no community is ever left without an organizer when terms lapse, and expired
// sessions, tokens and rate-limit counters are deleted.

const day = (base: string, n: number) => DateTime.fromISO(base).plus({ days: n }).toISODate()!

t.test('coverage: the last day anyone organizes', async (t) => {
  const d = '2026-12-01'
  t.equal(coverageEnds([{ starts_on: '2026-01-01', ends_on: null }], d), null, 'an open-ended term: always covered')
  t.equal(coverageEnds([{ starts_on: '2026-01-01', ends_on: '2026-12-20' }], d), '2026-12-20')
  t.equal(coverageEnds([{ starts_on: '2026-01-01', ends_on: '2026-12-20' }, { starts_on: '2026-12-21', ends_on: null }], d), null, 'a successor the next day continues it')
  t.equal(coverageEnds([{ starts_on: '2026-01-01', ends_on: '2026-12-20' }, { starts_on: '2027-01-05', ends_on: null }], d), '2026-12-20', 'a gap ends the coverage')
  t.equal(coverageEnds([{ starts_on: '2025-01-01', ends_on: '2026-11-30' }], d), 'none', 'all ended')
  t.equal(coverageEnds([{ starts_on: '2026-12-05', ends_on: null }], d), 'none', 'nobody today')
  t.same(handoverWarning([{ starts_on: '2026-01-01', ends_on: '2026-12-20' }], d), { lastDay: '2026-12-20', extensionMonths: 3 })
  t.equal(handoverWarning([{ starts_on: '2026-01-01', ends_on: '2027-06-30' }], d), null, 'months away: no warning yet')
})

t.test('housekeeping', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const now = await today(db)
  const olive = await createMember(db, { full_name: 'Olive Outgoing', email: 'olive@lab.gov' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', members: [olive] })
  const term = await db.insertInto('coordinator_terms').values({ community_id: community.id, member_id: olive.id, starts_on: day(now, -300), ends_on: now })
    .returning('id').executeTakeFirstOrThrow()
  const covered = await createCommunity(db, { slug: 'records', name: 'Records', organizer: olive })

  await t.test('the organizers page warns before the last term ends', async (t) => {
    const c = new Client(app)
    await signInAs(c, olive)
    const page = text((await c.get('/c/dna/orga/organizers')).body)
    t.match(page, `Nobody takes over after ${now}`)
    t.match(page, 'Convene extends the last term by 3 months')
    t.notMatch(text((await c.get('/c/records/orga/organizers')).body), 'Nobody takes over', 'an open-ended term: no warning')
  })

  await t.test('a last term ending today is extended by three months, and its holder told', async (t) => {
    t.equal(await keepAnOrganizer(db, app.mailer), 1, 'one community changed')
    const after = await db.selectFrom('coordinator_terms').select('ends_on').where('id', '=', term.id).executeTakeFirstOrThrow()
    t.equal(after.ends_on, DateTime.fromISO(now).plus({ months: 3 }).toISODate())
    const mail = await db.selectFrom('mail_messages').selectAll().where('kind', '=', 'term-extended').execute()
    t.same(mail.map((m) => m.to_address), ['olive@lab.gov'])
    t.match(mail[0].text_body, `${PUBLIC_URL}/c/dna/orga/organizers`)
    t.equal(await keepAnOrganizer(db, app.mailer), 0, 'once: the term now reaches on')
    t.equal((await db.selectFrom('coordinator_terms').select('id').where('community_id', '=', covered.id).execute()).length, 1, 'the covered community is untouched')
  })

  await t.test('a community whose terms all lapsed gets its last organizer back', async (t) => {
    const ben = await createMember(db, { full_name: 'Ben Lapsed', email: 'ben@lab.gov' })
    const lapsed = await createCommunity(db, { slug: 'lapsed', name: 'Lapsed', members: [ben] })
    await db.insertInto('coordinator_terms').values([
      { community_id: lapsed.id, member_id: ben.id, starts_on: day(now, -400), ends_on: day(now, -10) }
    ]).execute()
    t.equal(await keepAnOrganizer(db, app.mailer), 1)
    const c = new Client(app)
    await signInAs(c, ben)
    t.equal((await c.get('/c/lapsed/orga/organizers')).statusCode, 200, 'Ben organizes again')
  })

  await t.test('expired sessions, old tokens and spent rate-limit counters are deleted', async (t) => {
    const live = await startSession(db, olive.id, 1)
    const dead = await startSession(db, olive.id, 1)
    await db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('expires_at', '=', dead.expiresAt).execute()
    await db.insertInto('email_tokens').values([
      { token_hash: 'old', purpose: 'sign-in', email: 'olive@lab.gov', member_id: olive.id, expires_at: new Date(Date.now() - 8 * 86_400_000) },
      { token_hash: 'recent', purpose: 'sign-in', email: 'olive@lab.gov', member_id: olive.id, expires_at: new Date(Date.now() - 86_400_000) }
    ]).execute()
    await db.insertInto('rate_limits').values([
      { key: 'spent', hits: 3, reset_at: new Date(Date.now() - 1000) },
      { key: 'running', hits: 3, reset_at: new Date(Date.now() + 60_000) }
    ]).execute()
    await housekeepingHandler(db, { info () {} }, app.mailer)()
    t.ok(await sessionMember(db, live.id), 'a live session stays')
    t.notOk(await sessionMember(db, dead.id), 'the expired one is gone')
    t.same((await db.selectFrom('email_tokens').select('token_hash').where('token_hash', 'in', ['old', 'recent']).execute()).map((r) => r.token_hash), ['recent'],
      'tokens go a week after they expired')
    t.same((await db.selectFrom('rate_limits').select('key').where('key', 'in', ['spent', 'running']).execute()).map((r) => r.key), ['running'])
    t.equal(await deleteExpired(db), 0, 'nothing more to delete')
  })
})
