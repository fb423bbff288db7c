import t from 'tap'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildApp } from '../../src/build.js'
import { setupCode } from '../../src/domain/site/site.service.js'
import { freshServerDatabase } from '../fixtures/database.js'
import { Client, testConfig, text } from '../fixtures/build-app.js'

// A stop and a start keep everything: on the embedded database its files in DATA_DIR, on a server (DATABASE_URL)
// a new empty database that the first start migrates.
const onServer = Boolean(process.env.DATABASE_URL)


t.test(`restart keeps the data (${onServer ? 'PostgreSQL server' : 'embedded PGlite in a data folder'})`, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convene-restart-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const config = testConfig(onServer ? { DATABASE_URL: await freshServerDatabase(t, 'convene_restart') } : { DATA_DIR: dir })

  // First start: a fresh data folder is created and migrated; setup creates the admin and a community.
  const first = await buildApp({ config, logger: false })
  const c = new Client(first)
  let closed = false
  t.teardown(async () => { if (!closed) await first.close() })
  const code = (await setupCode(first.db))!
  const res = await c.post('/setup', {
    code, email: 'ada@nist.gov', full_name: 'Ada Admin', agency: 'NIST',
    name: 'Records Managers Network', slug: 'records', about: 'Records officers.', allowed_domains: '*.gov'
  }, { csrfFrom: '/setup' })
  t.equal(res.statusCode, 303)
  await c.post('/profile', { full_name: 'Ada Admin', agency: 'NIST', job_title: 'Records Officer' }, { csrfFrom: '/profile' })
  await first.close()
  closed = true
  if (!onServer) t.ok(fs.existsSync(path.join(dir, 'pglite')), 'the database lives in <DATA_DIR>/pglite')

  // Second start on the same folder: everything is still there, including the session.
  const second = await buildApp({ config, logger: false })
  t.teardown(() => second.close())
  c.app = second
  const home = await c.get('/')
  t.match(text(home.body), 'Sign out (Ada Admin)', 'the session survived the restart')
  t.match(text(home.body), 'Records Managers Network')
  const me = await second.db.selectFrom('members').selectAll().executeTakeFirstOrThrow()
  t.equal(me.job_title, 'Records Officer')
  t.equal(me.is_admin, true)
  t.equal((await c.get('/setup')).statusCode, 404, 'setup stays closed')
  t.equal(await setupCode(second.db), null, 'no new setup code')
  t.equal((await c.get('/admin')).statusCode, 200)
})
