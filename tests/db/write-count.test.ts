import t from 'tap'
import { sql } from 'kysely'
import { createTestDatabase } from '../fixtures/database.js'

// The read cache waits to hear the notices of this process's own writes before it serves from memory
// (src/plugins/app/cache.ts). What counts as a write is told by the query Kysely compiled, not by its text.

const onServer = Boolean(process.env.DATABASE_URL)

t.test('writes are counted by what the query is', { skip: onServer ? false : 'the embedded database tells of a change before the statement returns: nothing is counted' }, async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.drop())
  const { db, writes } = database.connection
  const counted = async (what: () => Promise<unknown>) => {
    const before = writes.count
    await what()
    return writes.count - before
  }

  t.equal(await counted(() => db.selectFrom('members').selectAll().execute()), 0, 'a select')
  t.equal(await counted(() => db.with('m', (q) => q.selectFrom('members').select('id')).selectFrom('m').selectAll().execute()), 0,
    'a select with a CTE (its text starts with "with")')
  t.equal(await counted(() => db.insertInto('members').values({ email: 'a@lab.gov', full_name: 'Ada', agency: 'Lab' }).execute()), 1, 'an insert')
  t.equal(await counted(() => db.updateTable('members').set({ agency: 'Lab 2' }).where('email', '=', 'a@lab.gov').execute()), 1, 'an update')
  t.equal(await counted(() => db.selectFrom('members').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst()), 0)
  t.equal(await counted(() => sql`select 1`.execute(db)), 1, 'raw SQL, whatever it says (it might call something that writes)')
  t.equal(await counted(() => db.deleteFrom('members').where('email', '=', 'nobody@lab.gov').execute()), 1, 'a delete')
  t.equal(await counted(() => db.insertInto('members').values({ email: 'a@lab.gov', full_name: 'Ada', agency: 'Lab' }).execute().catch(() => {})), 1,
    'a statement that failed')

  // A transaction's changes are heard when it commits: the commit must count, after it finished.
  let duringTransaction = 0
  const before = writes.count
  await db.transaction().execute(async (trx) => {
    await trx.selectFrom('members').selectAll().execute()
    await trx.updateTable('members').set({ agency: 'Lab 3' }).where('email', '=', 'a@lab.gov').execute()
    duringTransaction = writes.count - before
  })
  t.equal(duringTransaction, 2, 'begin and the update, inside')
  t.equal(writes.count - before, 3, 'and the commit')
  const beforeRollback = writes.count
  await db.transaction().execute(async (trx) => {
    await trx.selectFrom('members').selectAll().execute()
    throw new Error('no')
  }).catch(() => {})
  t.equal(writes.count - beforeRollback, 2, 'begin and rollback')
})
