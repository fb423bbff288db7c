import t from 'tap'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkMailSetting, loadConfig } from '../src/config.js'

// The environment is validated at boot: defaults for a fresh machine, and a bad value stops the start with a
// message that names the variable and says where to look.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

t.test('defaults for a fresh machine', async (t) => {
  // env-schema also reads the process's environment: take out what CI sets (this file runs in its own process).
  const saved = { ...process.env }
  for (const k of ['DATABASE_URL', 'PORT', 'HOST', 'PUBLIC_URL', 'DATA_DIR', 'NODE_ENV', 'WORKER', 'TRUST_PROXY']) delete process.env[k]
  t.teardown(() => { Object.assign(process.env, saved) })
  const c = loadConfig({}, false)
  t.equal(c.PORT, 3000)
  t.equal(c.HOST, '127.0.0.1')
  t.equal(c.PUBLIC_URL, 'http://localhost:3000')
  t.equal(c.DATABASE_URL, '', 'no DATABASE_URL: the embedded database')
  t.equal(c.DATA_DIR, path.resolve('./data'))
  t.equal(c.NODE_ENV, 'production', 'templates are cached unless NODE_ENV=development')
  t.equal(c.WORKER, true)
  t.equal(c.TRUST_PROXY, false)
  t.equal(loadConfig({ PORT: '8080', PUBLIC_URL: 'https://convene.agency.gov/', SMTP_URL: 'smtp://mail.agency.gov' }, false).PUBLIC_URL, 'https://convene.agency.gov', 'no trailing slash')
  // A production server on a public address without SMTP would leave sign-in links in the dev mailbox.
  t.throws(() => checkMailSetting(loadConfig({ PUBLIC_URL: 'https://convene.agency.gov' }, false)), /SMTP_URL is not set/)
  t.doesNotThrow(() => checkMailSetting(loadConfig({ PUBLIC_URL: 'https://convene.agency.gov', ALLOW_DEV_MAILBOX: 'true' }, false)), 'unless the operator says so')
  t.doesNotThrow(() => checkMailSetting(loadConfig({ NODE_ENV: 'development', PUBLIC_URL: 'https://convene.agency.gov' }, false)), 'development is not refused')
  t.doesNotThrow(() => checkMailSetting(loadConfig({}, false)), 'nor a fresh machine (localhost)')
})

t.test('bad values name the variable', async (t) => {
  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'abc' }, /PORT must be integer/],
    [{ PORT: '70000' }, /PORT must be <= 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must match pattern/],
    [{ SMTP_URL: 'http://mail' }, /SMTP_URL must match pattern/],
    [{ SECRET: 'short' }, /SECRET must match pattern/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be equal to one of the allowed values/],
    [{ WORKER: 'maybe' }, /WORKER must be boolean/]
  ]
  for (const [env, message] of bad) {
    t.throws(() => loadConfig(env, false), message, JSON.stringify(env))
    t.throws(() => loadConfig(env, false), /See \.env\.example and the README's configuration table\./)
  }
})

t.test('npm start with a bad value stops with the message, exit 1', async (t) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root, env: { PATH: process.env.PATH, PORT: 'abc' }, encoding: 'utf8', timeout: 30_000
  })
  t.equal(run.status, 1)
  t.match(run.stderr, 'Configuration error: PORT must be integer')
})
