import t from 'tap'
import { sql } from 'kysely'
import { createTestDatabase } from '../fixtures/database.js'

// On a PostgreSQL server, parameterised queries run as named prepared statements (src/db/connect.ts). They must
// give the same answers, and keep working when a migration changes a table under them.

t.test('prepared statements', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.drop())
  const db = database.connection.db
  await db.insertInto('members').values([
    { email: 'a@lab.gov', full_name: 'Ada', agency: 'Lab' },
    { email: 'b@lab.gov', full_name: 'Ben', agency: 'Lab' }
  ]).execute()
  const byEmail = (email: string) => db.selectFrom('members').selectAll().where('email', '=', email).executeTakeFirst()

  for (let i = 0; i < 8; i++) {
    // Past the fifth run PostgreSQL may switch to a generic plan: the answers stay the same.
    t.equal((await byEmail(i % 2 ? 'a@lab.gov' : 'b@lab.gov'))?.full_name, i % 2 ? 'Ada' : 'Ben')
  }
  t.equal(await byEmail('nobody@lab.gov'), undefined)

  // A migration adds a column while the statement is prepared on the connections.
  await sql`alter table members add column nickname text`.execute(db)
  const after = await byEmail('a@lab.gov') as Record<string, unknown> | undefined
  t.equal(after?.full_name, 'Ada', 'the same query works after the table changed')
  t.ok(after && 'nickname' in after, 'and sees the new column')
  t.equal((await byEmail('b@lab.gov'))?.full_name, 'Ben')

  // Inside a transaction, on one connection, as the app's writes run.
  const names = await db.transaction().execute(async (trx) => {
    const out: string[] = []
    for (const e of ['a@lab.gov', 'b@lab.gov', 'a@lab.gov']) out.push((await trx.selectFrom('members').select('full_name').where('email', '=', e).executeTakeFirstOrThrow()).full_name)
    return out
  })
  t.same(names, ['Ada', 'Ben', 'Ada'])
})
