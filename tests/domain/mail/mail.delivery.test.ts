import t from 'tap'
import net, { type AddressInfo } from 'node:net'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { createMember } from '../../fixtures/factories.js'
import { queueMail } from '../../../src/domain/mail/mail.service.js'
import { deliverDueMail, retryDelayMs } from '../../../src/domain/mail/mail.delivery.js'
import { createMailSender } from '../../../src/infra/mail/transport.js'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { startSmtp } from '../../fixtures/smtp.js'

// Delivery against a real SMTP server (the smtp-server package) on 127.0.0.1, on both databases.


/** A port with nothing listening on it (for "the SMTP server is down"). */
async function closedPort (): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

async function queue (app: FastifyInstance, to: string, subject: string, extra: { ical?: string, icalMethod?: string } = {}) {
  return app.db.transaction().execute((trx) => queueMail(trx, { kind: 'test', to, subject, text: `Hello ${to},\n\nThis is "${subject}".\n`, ...extra }))
}

async function row (app: FastifyInstance, id: number) {
  return app.db.selectFrom('mail_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

async function waitFor (what: string, check: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms
  while (!await check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const FROM = 'Convene <convene@convene.test>'

const ICS = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Convene//Test//EN', 'METHOD:REQUEST', 'BEGIN:VEVENT',
  'UID:event-1@convene.test', 'DTSTAMP:20261125T090000Z', 'DTSTART:20261201T150000Z', 'DTEND:20261201T160000Z',
  'SUMMARY:Monthly call', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n')

t.test('delivery through SMTP', async (t) => {
  const { app } = await createTestApp(t)
  const smtp = await startSmtp()
  t.teardown(smtp.close)
  const sender = createMailSender(smtp.url, FROM)
  t.teardown(() => sender.transport.close?.())

  t.test('each queued message arrives once, to its one recipient, with its subject and body', async (t) => {
    smtp.received.length = 0
    const a = await queue(app, 'ada@nist.gov', 'Your sign-in link')
    const b = await queue(app, 'bo@usda.gov', 'Welcome to the community')
    const result = await deliverDueMail(app.db, sender)
    t.same(result, { sent: 2, retrying: 0, failed: 0 })
    t.equal(smtp.received.length, 2)
    const toAda = smtp.received.find((m) => m.to[0] === 'ada@nist.gov')!
    const toBo = smtp.received.find((m) => m.to[0] === 'bo@usda.gov')!
    t.same(toAda.to, ['ada@nist.gov'], 'one recipient in the envelope')
    t.same(toBo.to, ['bo@usda.gov'])
    t.equal(toAda.from, 'convene@convene.test')
    t.match(toAda.raw, /^To: ada@nist\.gov\r?$/m)
    t.match(toAda.raw, /^Subject: Your sign-in link\r?$/m)
    t.match(toAda.raw, /^From: Convene <convene@convene\.test>\r?$/m)
    t.match(toAda.raw, 'Hello ada@nist.gov,')
    t.match(toAda.raw, 'This is "Your sign-in link".')
    t.notMatch(toAda.raw, 'bo@usda.gov', 'no other recipient anywhere in the message')
    t.match(toBo.raw, /^Subject: Welcome to the community\r?$/m)
    for (const id of [a.id, b.id]) {
      const r = await row(app, id)
      t.equal(r.status, 'sent')
      t.equal(r.attempts, 1)
      t.ok(r.sent_at)
      t.equal(r.last_error, null)
    }
    t.same(await deliverDueMail(app.db, sender), { sent: 0, retrying: 0, failed: 0 }, 'nothing is sent twice')
    t.equal(smtp.received.length, 2)
  })

  t.test('a calendar invitation arrives as a text/calendar part with its method, inside multipart/alternative', async (t) => {
    smtp.received.length = 0
    await queue(app, 'ada@nist.gov', 'Invitation: Monthly call', { ical: ICS, icalMethod: 'REQUEST' })
    t.same(await deliverDueMail(app.db, sender), { sent: 1, retrying: 0, failed: 0 })
    const raw = smtp.received[0].raw
    const alternative = /^Content-Type: multipart\/alternative;\s*boundary="?([^"\r\n]+)"?/mi.exec(raw)
    t.ok(alternative, 'the message is multipart/alternative')
    const parts = raw.split(`--${alternative![1]}`)
    const calendar = parts.find((p) => /Content-Type: text\/calendar/i.test(p))
    const plain = parts.find((p) => /Content-Type: text\/plain/i.test(p))
    t.ok(plain, 'the text part is an alternative')
    t.ok(calendar, 'the calendar part is an alternative')
    t.match(calendar!, /^Content-Type: text\/calendar;(.*;)? ?method=REQUEST/mi)
    t.match(calendar!, 'BEGIN:VCALENDAR')
    t.match(calendar!, 'SUMMARY:Monthly call')
    t.notMatch(plain!, 'BEGIN:VCALENDAR', 'the calendar is not in the text part')
  })

  t.test('several workers at once send each message exactly once', async (t) => {
    smtp.received.length = 0
    const ids: number[] = []
    for (let i = 0; i < 12; i++) ids.push((await queue(app, `person${i}@agency.gov`, `Message ${i}`)).id)
    const results = await Promise.all([1, 2, 3].map(() => deliverDueMail(app.db, sender, { batchSize: 5 })))
    const more = await deliverDueMail(app.db, sender, { batchSize: 20 })
    t.equal(results.reduce((n, r) => n + r.sent, 0) + more.sent, 12)
    t.equal(smtp.received.length, 12)
    t.same(new Set(smtp.received.map((m) => m.to[0])).size, 12, 'no message went out twice')
  })
})

t.test('when the SMTP server is down', async (t) => {
  const { app } = await createTestApp(t)
  const port = await closedPort()
  const sender = createMailSender(`smtp://127.0.0.1:${port}`, FROM)
  t.teardown(() => sender.transport.close?.())

  t.test('the message stays queued with the error, is retried later, and goes out once the server is back', async (t) => {
    const mail = await queue(app, 'ada@nist.gov', 'Retry me')
    const before = Date.now()
    t.same(await deliverDueMail(app.db, sender), { sent: 0, retrying: 1, failed: 0 })
    let r = await row(app, mail.id)
    t.equal(r.status, 'queued')
    t.equal(r.attempts, 1)
    t.match(r.last_error, /ECONNREFUSED|connect/i)
    t.ok(r.next_attempt_at.getTime() >= before + retryDelayMs(1) - 1000, 'the next attempt is about a minute later')
    t.same(await deliverDueMail(app.db, sender), { sent: 0, retrying: 0, failed: 0 }, 'not retried before it is due')

    const smtp = await startSmtp(port)
    t.teardown(smtp.close)
    t.same(await deliverDueMail(app.db, sender, { now: new Date(r.next_attempt_at.getTime() + 1000) }), { sent: 1, retrying: 0, failed: 0 })
    r = await row(app, mail.id)
    t.equal(r.status, 'sent')
    t.equal(r.attempts, 2)
    t.equal(smtp.received.length, 1)
    t.match(smtp.received[0].raw, /^Subject: Retry me\r?$/m)
    await smtp.close()
  })

  t.test('back-off doubles and delivery gives up after the limit', async (t) => {
    const mail = await queue(app, 'bo@usda.gov', 'Never arrives')
    // A little ahead: the row's default next_attempt_at (the database's now(), in microseconds) can fall later
    // in the same millisecond as a JS Date taken right after.
    let now = new Date(Date.now() + 1000)
    const delays: number[] = []
    for (let attempt = 1; attempt <= 4; attempt++) {
      const r = await deliverDueMail(app.db, sender, { now, maxAttempts: 4 })
      t.same(r, attempt < 4 ? { sent: 0, retrying: 1, failed: 0 } : { sent: 0, retrying: 0, failed: 1 }, `attempt ${attempt}`)
      const after = await row(app, mail.id)
      t.equal(after.attempts, attempt)
      if (attempt < 4) {
        delays.push(after.next_attempt_at.getTime() - now.getTime())
        now = new Date(after.next_attempt_at.getTime() + 1000)
      }
    }
    t.same(delays, [60_000, 120_000, 240_000])
    const gaveUp = await row(app, mail.id)
    t.equal(gaveUp.status, 'failed')
    t.match(gaveUp.last_error, /ECONNREFUSED|connect/i)
    t.same(await deliverDueMail(app.db, sender, { now: new Date(now.getTime() + 86_400_000) }), { sent: 0, retrying: 0, failed: 0 }, 'a failed message is not tried again')
  })

  t.test("a request that sends mail succeeds while SMTP is down (the worker's attempt fails later)", async (t) => {
    const { app: live } = await createTestApp(t, { config: { WORKER: 'true', SMTP_URL: `smtp://127.0.0.1:${port}` } })
    const member = await createMember(live.db, { email: 'cy@doj.gov' })
    const c = new Client(live)
    const res = await c.post('/sign-in', { email: member.email }, { csrfFrom: '/sign-in' })
    t.equal(res.statusCode, 200)
    t.match(text(res.body), 'Check your email')
    const id = (await live.db.selectFrom('mail_messages').select('id').where('to_address', '=', member.email).executeTakeFirstOrThrow()).id
    await waitFor('the worker to try the message', async () => (await row(live, id)).attempts === 1)
    const r = await row(live, id)
    t.equal(r.status, 'queued', 'the message is kept for a later attempt')
    t.ok(r.last_error)
  })
})

t.test('the worker delivers queued mail end to end', async (t) => {
  const smtp = await startSmtp()
  t.teardown(smtp.close)
  const { app } = await createTestApp(t, { config: { WORKER: 'true', SMTP_URL: smtp.url } })
  const member = await createMember(app.db, { email: 'di@epa.gov', full_name: 'Di Example' })

  t.test('a sign-in request: the link arrives by SMTP within seconds', async (t) => {
    const c = new Client(app)
    const started = Date.now()
    const res = await c.post('/sign-in', { email: member.email }, { csrfFrom: '/sign-in' })
    t.equal(res.statusCode, 200)
    await waitFor('the sign-in mail', () => smtp.received.length === 1)
    t.ok(Date.now() - started < 10_000, 'delivered within seconds')
    t.same(smtp.received[0].to, ['di@epa.gov'])
    t.match(smtp.received[0].raw, /^Subject: Your Convene sign-in link\r?$/m)
    t.match(smtp.received[0].raw, 'http://convene.test/auth/sign-in?token=')
    // SMTP has the message a moment before the worker records it as sent.
    const status = async () => (await app.db.selectFrom('mail_messages').select('status').where('to_address', '=', member.email).executeTakeFirstOrThrow()).status
    await waitFor('the message to be marked sent', async () => await status() === 'sent')
    t.equal(await status(), 'sent')
    // A sweep of the worker process delivered it, not a pg-boss job: no job can be left active by a process
    // that dies mid-send (tests/e2e/worker-crash.test.ts).
    const jobs = await sql<{ n: number }>`select count(*)::int as n from pgboss.job where name = 'mail.deliver'`.execute(app.db)
    t.same(jobs.rows, [{ n: 0 }], 'no pg-boss job stands for mail delivery')
  })

  t.test('app.queue runs other jobs in the worker', async (t) => {
    let resolveGot: (data: unknown) => void = () => {}
    const got = new Promise<unknown>((resolve) => { resolveGot = resolve })
    await app.queue.work<{ n: number }>('test.echo', async (data) => { resolveGot(data) })
    await app.queue.send('test.echo', { n: 7 })
    t.same(await Promise.race([got, new Promise((resolve) => setTimeout(() => resolve('timeout'), 10_000))]), { n: 7 })

    await app.queue.schedule('test.echo', '*/5 * * * *', { n: 8 })
    const schedules = await sql<{ name: string, cron: string, timezone: string }>`select name, cron, timezone from pgboss.schedule where name = 'test.echo'`.execute(app.db)
    t.same(schedules.rows, [{ name: 'test.echo', cron: '*/5 * * * *', timezone: 'UTC' }], 'a cron schedule is stored by pg-boss')
  })
})
