import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net, { type AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { SMTPServer } from 'smtp-server'
import { buildApp } from '../../src/build.js'
import { JOB_EXPIRY_SECONDS } from '../../src/infra/jobs/queue.js'
import { REMINDERS_JOB } from '../../src/domain/reminders/reminders.service.js'
import { freshServerDatabase } from '../fixtures/database.js'
import { Client, testConfig } from '../fixtures/build-app.js'
import { createMember } from '../fixtures/factories.js'
import { startSmtp } from '../fixtures/smtp.js'

// A worker killed in the middle of sending mail (SIGKILL: no clean shutdown), then started again: the new process
// sends new mail within seconds. Before, the dead process's `mail.deliver` job stayed active in pg-boss and the
// queue (one job at a time) waited for its 15-minute expiry: nobody could sign in meanwhile.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const onServer = Boolean(process.env.DATABASE_URL)


async function freePort (): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** An SMTP server that takes a message's data and never answers: the sender hangs mid-send. */
async function stallingSmtp (): Promise<{ url: string, stalled: Promise<void>, close: () => void }> {
  let onStall!: () => void
  const stalled = new Promise<void>((resolve) => { onStall = resolve })
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData (stream) {
      stream.resume()
      onStall()
    }
  })
  // The killed worker's connection is reset: expected, not an error of the test.
  server.on('error', () => {})
  const sockets = new Set<net.Socket>()
  server.server.on('connection', (socket: net.Socket) => sockets.add(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    stalled,
    close: () => {
      for (const socket of sockets) socket.destroy()
      server.server.close()
    }
  }
}

/** A browser's sign-in request to a running server: the sign-in page for the CSRF token, then the form. */
async function askForSignInLink (base: string, email: string): Promise<number> {
  const page = await fetch(`${base}/sign-in`)
  const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]
  const res = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies },
    body: new URLSearchParams({ email, _csrf: token }).toString()
  })
  return res.status
}

t.test(`a worker killed mid-send: its restart sends new mail within seconds (${onServer ? 'PostgreSQL server' : 'embedded PGlite'})`, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convene-crash-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const database: Record<string, string> = onServer ? { DATABASE_URL: await freshServerDatabase(t, 'convene_crash') } : { DATA_DIR: dir }

  // The members, written by a first start that then stops cleanly.
  const setup = await buildApp({ config: testConfig(database), logger: false })
  const ada = await createMember(setup.db, { email: 'ada@lab.gov', full_name: 'Ada Analyst' })
  const ben = await createMember(setup.db, { email: 'ben@lab.gov', full_name: 'Ben Bench' })
  await setup.close()

  // A worker process whose SMTP server hangs on the first message: it is in the middle of sending when killed.
  const stall = await stallingSmtp()
  t.teardown(() => stall.close())
  const port = await freePort()
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      ...database,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SECRET: 'test-secret-test-secret-test-secret-0123',
      SMTP_URL: stall.url,
      WORKER: 'true'
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the worker did not start in 120 s')), 120_000)
    child.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('Convene is running')) { clearTimeout(timer); resolve() } })
    child.once('exit', (code) => reject(new Error(`the worker exited (${code})`)))
  })
  t.equal(await askForSignInLink(`http://127.0.0.1:${port}`, ada.email), 200, 'Ada asks for a sign-in link')
  await stall.stalled
  child.kill('SIGKILL')
  await new Promise((resolve) => child.once('exit', resolve))
  t.pass('the worker was killed while sending Ada’s link')

  // The restart (another worker, with a working SMTP server).
  const smtp = await startSmtp()
  t.teardown(() => smtp.close())
  const app = await buildApp({ config: testConfig({ ...database, SMTP_URL: smtp.url, WORKER: 'true' }), logger: false })
  t.teardown(() => app.close())
  const queue = await app.queue.start().then(() => (app.queue as unknown as { boss: { getQueue (n: string): Promise<{ expireInSeconds: number } | null> } }).boss.getQueue(REMINDERS_JOB))
  t.equal(queue?.expireInSeconds, JOB_EXPIRY_SECONDS, 'cron jobs left active by a dead process expire in a minute, not 15')

  const asked = Date.now()
  const c = new Client(app)
  t.equal((await c.post('/sign-in', { email: ben.email }, { csrfFrom: '/sign-in' })).statusCode, 200, 'Ben asks for a sign-in link')
  while (!smtp.received.some((m) => m.to.includes(ben.email)) && Date.now() - asked < 60_000) await new Promise((resolve) => setTimeout(resolve, 100))
  const delay = Date.now() - asked
  t.ok(smtp.received.some((m) => m.to.includes(ben.email)), 'Ben’s link was delivered')
  t.ok(delay < 10_000, `delivered ${delay} ms after he asked (limit 10 s; before the fix, up to 15 minutes)`)

  // Ada's message is not lost: it waits for its claim to lapse (minutes), then goes out like any retry.
  const adas = await app.db.selectFrom('mail_messages').select(['status', 'next_attempt_at']).where('to_address', '=', ada.email).executeTakeFirstOrThrow()
  t.equal(adas.status, 'queued', 'the message being sent when the worker died is still queued')
  t.ok(adas.next_attempt_at.getTime() - Date.now() <= 5 * 60_000, 'and is retried within five minutes')
})
