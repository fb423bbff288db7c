import t from 'tap'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import { buildApp } from '../../src/build.js'
import { connect } from '../../src/db/connect.js'
import type { Database } from '../../src/db/database.js'
import { eventUid } from '../../src/domain/calendar/ics.js'
import { createEvent, publishEvent } from '../../src/domain/events/events.service.js'
import { sendCalendarMailOn } from '../fixtures/calendar-mail.js'
import { answerInTransaction } from '../../src/domain/rsvps/rsvps.service.js'
import { createTestApp, PUBLIC_URL, testConfig } from '../fixtures/build-app.js'
import { createCommunity, createMember } from '../fixtures/factories.js'
import { replyMessage } from '../fixtures/replies/build.js'

// `npm run mail:ingest` as a mail server's pipe runs it: a separate process with one raw message on stdin,
// configured by the environment, exiting 0 (processed or ignored) or 75 (EX_TEMPFAIL: try again later).
// On a PostgreSQL server (DATABASE_URL) it gets a fresh database of its own; otherwise a data folder with an
// embedded database, which no other process may hold while it runs.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const MAIL_FROM = 'Convene <convene@convene.test>'
const HOUR = 3_600_000

interface Run { code: number | null, stdout: string, stderr: string }

/** Runs the command with `input` on stdin and the given environment (on top of PATH and HOME). */
function ingest (input: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/mail-ingest.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...env },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8') })
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8') })
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`mail:ingest did not finish in 60 s\n${stderr}`)) }, 60_000)
    child.on('error', (err) => { clearTimeout(timer); reject(err) })
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }) })
    child.stdin.end(input)
  })
}

/** The result line the command prints on stdout. */
function result (run: Run): { status?: string, reason?: string, message?: string } {
  const last = run.stdout.trim().split('\n').at(-1) ?? ''
  try { return JSON.parse(last) } catch { return {} }
}

t.test('mail:ingest, a separate process reading one message on stdin', async (t) => {
  const onServer = Boolean(process.env.DATABASE_URL)
  // The site's settings, as the web process has them (the same secret signs the RSVP links in its mail).
  const common = { PUBLIC_URL, MAIL_FROM, SECRET: testConfig().SECRET, LOG_LEVEL: 'info', NODE_ENV: 'production' }
  // What the app's worker would have (the command itself sends no calendar mail: it queues it).
  const site = { publicUrl: PUBLIC_URL, mailFrom: MAIL_FROM, secret: testConfig().SECRET }
  let env: Record<string, string>
  /** Runs `fn` on the database the command uses (on PGlite: only while no command runs). */
  let withDb: <T>(fn: (db: Kysely<Database>) => Promise<T>) => Promise<T>

  // Started first, as it needs no database of ours: it runs while the database is prepared.
  const unreachable = ingest(replyMessage('google', { uid: eventUid(1, PUBLIC_URL), attendee: 'ada@lab.gov', partstat: 'DECLINED', to: 'convene+dna@convene.test' }),
    { ...common, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' })
  unreachable.catch(() => {}) // awaited (and its failure reported) in its test below

  // Seeded as the app would: the database migrated by building the app (then closed, on PGlite).
  const ids = { event: 0, member: 0, email: '', uid: '', sequence: 0, slug: '', next: 0, nextEmail: '' }
  const seed = async (db: Kysely<Database>) => {
    const olive = await createMember(db, { full_name: 'Olive Organizer' })
    const ada = await createMember(db, { full_name: 'Ada Member', email: `ada.${process.pid}@lab.gov` })
    const ben = await createMember(db, { full_name: 'Ben Next', email: `ben.${process.pid}@lab.gov` })
    const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: olive, members: [ada, ben] })
    const startsAt = new Date(Math.floor((Date.now() + 7 * 24 * HOUR) / 60_000) * 60_000)
    const event = await db.transaction().execute(async (trx) => {
      const e = await createEvent(trx, community.id, {
        kind: 'meetup', title: 'Regional meetup', summary: '', whyItMatters: 'Meet the people who do your job.',
        startsAt, endsAt: new Date(startsAt.getTime() + 2 * HOUR), timeZone: 'America/New_York',
        venueName: 'State Lab', venueAddress: '1 Main St', venueRoom: null, accessibilityNotes: null, onlineUrl: null, region: null,
        liveTranscriptUrl: null, recordingUrl: null, capacity: 1, rsvpClosesAt: null, askAccessibility: false, askDietary: false
      }, olive.id)
      return publishEvent(trx, e.id)
    })
    const answered = await db.transaction().execute((trx) => answerInTransaction(trx, { eventId: event.id, memberId: ada.id, choice: 'going' }))
    if (!answered.ok) throw new Error(answered.message)
    await sendCalendarMailOn(db, site) // her invite, as the worker sends it
    // One place: Ben waits for it.
    const waiting = await db.transaction().execute((trx) => answerInTransaction(trx, { eventId: event.id, memberId: ben.id, choice: 'going' }))
    if (!waiting.ok || waiting.status !== 'waitlisted') throw new Error('Ben should be waitlisted')
    Object.assign(ids, {
      event: event.id, member: ada.id, email: ada.email, uid: eventUid(event.id, PUBLIC_URL), sequence: event.sequence, slug: community.slug,
      next: ben.id, nextEmail: ben.email
    })
  }

  if (onServer) {
    const { app, database } = await createTestApp(t, { config: { MAIL_FROM } })
    await seed(app.db)
    env = { ...common, DATABASE_URL: database.url! }
    withDb = (fn) => fn(app.db)
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convene-ingest-'))
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
    const app = await buildApp({ config: testConfig({ DATA_DIR: dir, MAIL_FROM }), logger: false })
    try { await seed(app.db) } finally { await app.close() }
    t.ok(fs.existsSync(path.join(dir, 'pglite')), 'an embedded database in <DATA_DIR>/pglite')
    env = { ...common, DATA_DIR: dir }
    withDb = async (fn) => {
      const conn = await connect({ dataDir: path.join(dir, 'pglite') })
      try { return await fn(conn.db) } finally { await conn.db.destroy() }
    }
  }
  /** Ada's and Ben's answers, the calendar mail about their answers and who holds the invite (one opening of the database). */
  const state = () => withDb(async (db) => {
    const answers = await db.selectFrom('rsvps').select(['member_id', 'status']).where('event_id', '=', ids.event).execute()
    return {
      ada: answers.find((a) => a.member_id === ids.member)?.status,
      ben: answers.find((a) => a.member_id === ids.next)?.status,
      mails: await db.selectFrom('mail_messages').select(['kind', 'to_address', 'ical_method', 'text_body'])
        .where('kind', 'in', ['calendar-removed', 'rsvp-promoted']).orderBy('id').execute(),
      invites: await db.selectFrom('calendar_invites').select(['member_id', 'method']).where('event_id', '=', ids.event).orderBy('member_id').execute()
    }
  })
  const declined = () => replyMessage('google', {
    uid: ids.uid, attendee: ids.email, partstat: 'DECLINED', sequence: ids.sequence, to: `convene+${ids.slug}@convene.test`
  })
  const before = await state()
  t.match(before, { ada: 'going', ben: 'waitlisted' }, 'before: Ada going, Ben waiting for her place')
  t.same(before.mails, [], 'no removal or promotion mail yet')

  await t.test('an iTIP REPLY with PARTSTAT=DECLINED: exit 0, processed, the RSVP is now declined', async (t) => {
    const run = await ingest(declined(), env)
    t.equal(run.code, 0, `exit 0 (stderr: ${run.stderr.slice(0, 500)})`)
    t.match(result(run), { status: 'processed', reason: 'declined', message: `${ids.email} is now declined for event ${ids.event} (was going).` })
    t.match(run.stderr, /"level":"info".*"msg":"Calendar reply processed:/, 'a JSON log line on stderr')
    t.same((await state()).mails.map((m) => m.kind), [], 'the promotion and the removal are queued with the answer, for the worker')
    await withDb((db) => sendCalendarMailOn(db, site))
    const { ada, ben, mails, invites } = await state()
    t.equal(ada, 'declined', 'after: declined, in the database')
    t.equal(ben, 'going', 'the freed place went to the next member')

    // The same calendar mail as when the web process takes the reply, once the worker sent the answer's: the
    // event leaves Ada's calendar, Ben gets the invite with his place.
    t.same(mails.map((m) => [m.kind, m.to_address, m.ical_method]).sort(), [
      ['calendar-removed', ids.email, 'CANCEL'],
      ['rsvp-promoted', ids.nextEmail, 'REQUEST']
    ])
    t.match(mails.find((m) => m.kind === 'rsvp-promoted')!.text_body, `Going: ${PUBLIC_URL}/rsvp/${ids.event}.${ids.next}.going.`, 'with his RSVP links')
    t.same(invites, [{ member_id: ids.member, method: 'CANCEL' }, { member_id: ids.next, method: 'REQUEST' }], 'who holds the invite now')
  })

  await t.test('a message that is not a calendar reply: exit 0, ignored, nothing changes', async (t) => {
    const plain = [
      `From: Ada Member <${ids.email}>`, `To: convene+${ids.slug}@convene.test`, 'Subject: Out of office',
      `Message-ID: <ooo.${process.pid}@lab.gov>`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '',
      'I am out of the office until Monday.', ''
    ].join('\r\n')
    const run = await ingest(plain, env)
    t.equal(run.code, 0, 'exit 0: never bounce a stray message')
    t.match(result(run), { status: 'ignored', reason: 'no-calendar-part' })
    t.match(await state(), { ada: 'declined', ben: 'going' }, 'the RSVPs are unchanged')

    const empty = await ingest('', env)
    t.equal(empty.code, 0)
    t.match(result(empty), { status: 'ignored', reason: 'empty-message' })
  })

  await t.test('an unreachable database: exit 75, so the mail server keeps the message and retries', async (t) => {
    const run = await unreachable
    t.equal(run.code, 75)
    t.equal(run.stdout.trim(), '', 'no result on stdout')
    t.match(run.stderr, /mail:ingest (failed, the message was not handled|could not start) \(the mail server will retry\)/)
  })
})

t.test('a DATA_DIR without a Convene database: exit 75 with the reason, and no empty database is made', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convene-ingest-none-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const run = await ingest('Subject: hello\r\n\r\nhi\r\n', { PUBLIC_URL, MAIL_FROM, DATA_DIR: dir, DATABASE_URL: '' })
  t.equal(run.code, 75)
  t.match(run.stderr, `there is no Convene database in ${path.join(dir, 'pglite')}: set DATA_DIR (or DATABASE_URL) as for npm start`)
  t.notOk(fs.existsSync(path.join(dir, 'pglite')), 'the folder was not created')
})
