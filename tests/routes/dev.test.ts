import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../fixtures/factories.js'
import { queueMail } from '../../src/domain/mail/mail.service.js'

const ICS = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Convene//Test//EN', 'METHOD:REQUEST', 'BEGIN:VEVENT',
  'UID:event-9@convene.test', 'DTSTAMP:20261125T090000Z', 'DTSTART:20261201T150000Z', 'DTEND:20261201T160000Z',
  'SUMMARY:Quarterly <review>', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n')

async function queue (app: FastifyInstance, to: string, subject: string, extra: { ical?: string, icalMethod?: string, kind?: string, from?: { name: string, replyTo: null } } = {}) {
  return app.db.transaction().execute((trx) => queueMail(trx, { kind: extra.kind ?? 'test', to, subject, text: `Hello,\n\nLink: http://convene.test/x?a=1&b=<2>\n`, ...extra }))
}

t.test('dev mailbox', async (t) => {
  const { app } = await createTestApp(t)
  const admin = await createMember(app.db, { is_admin: true, full_name: 'Ana Admin' })
  const organizer = await createMember(app.db)
  const member = await createMember(app.db)
  await createCommunity(app.db, { organizer, members: [member] })
  const plain = await queue(app, 'ada@nist.gov', 'Your sign-in link', { kind: 'sign-in' })
  const invite = await queue(app, 'bo@usda.gov', 'Invitation: Quarterly review', { ical: ICS, icalMethod: 'REQUEST', kind: 'event-invitation', from: { name: 'DNA Analysts via Convene', replyTo: null } })
  const urls = ['/dev/mailbox', `/dev/mailbox/${plain.id}`, `/dev/mailbox/${invite.id}/invite.ics`]

  t.test('outsiders get 404 on every page', async (t) => {
    const c = new Client(app)
    for (const url of urls) {
      const res = await c.get(url)
      t.equal(res.statusCode, 404, url)
      t.match(text(res.body), "We couldn't find", url)
      t.notMatch(res.body, 'ada@nist.gov', url)
    }
  })

  t.test('members and organizers get 404 on every page', async (t) => {
    for (const who of [member, organizer]) {
      const c = new Client(app)
      await signInAs(c, who)
      for (const url of urls) {
        const res = await c.get(url)
        t.equal(res.statusCode, 404, url)
        t.match(text(res.body), "We couldn't find", url)
        t.notMatch(res.body, 'bo@usda.gov', url)
      }
    }
  })

  t.test('the admin sees the messages, newest first', async (t) => {
    const c = new Client(app)
    await signInAs(c, admin)
    const res = await c.get('/dev/mailbox')
    t.equal(res.statusCode, 200)
    const page = text(res.body)
    t.match(page, 'Dev mailbox')
    t.match(page, 'No SMTP server is configured')
    t.match(page, '2 messages, newest first')
    // Each with its From as it is sent: a community's name, or MAIL_FROM as it is.
    t.match(page, /Invitation: Quarterly review Calendar DNA Analysts via Convene <convene@localhost> bo@usda\.gov event-invitation Queued .* Your sign-in link Convene <convene@localhost> ada@nist\.gov sign-in Queued/)
    t.match(res.body, `href="/dev/mailbox/${plain.id}"`)
  })

  t.test('every mailbox page says first that it is for trying Convene only, shows everyone’s sign-in links, and how to set SMTP_URL', async (t) => {
    const c = new Client(app)
    await signInAs(c, admin)
    for (const url of ['/dev/mailbox', `/dev/mailbox/${plain.id}`]) {
      const res = await c.get(url)
      t.equal(res.statusCode, 200, url)
      const page = text(res.body)
      const warning = page.indexOf('For trying Convene only')
      t.ok(warning > 0, `${url}: the warning is there`)
      t.ok(warning < page.lastIndexOf('ada@nist.gov'), `${url}: before the messages`)
      t.match(page, 'every sign-in link of every person', url)
      t.match(page, 'Whoever reads this page can sign in as anyone', url)
      t.match(page, 'set SMTP_URL to your mail server (for example smtp://user:password@mail.agency.gov:587', url)
      t.match(res.body, /class="usa-alert usa-alert--warning[^"]*" role="region" aria-labelledby="dev-mailbox-warning"/, url)
    }
  })

  t.test('the admin reads a message: headers and text', async (t) => {
    const c = new Client(app)
    await signInAs(c, admin)
    const res = await c.get(`/dev/mailbox/${plain.id}`)
    t.equal(res.statusCode, 200)
    const page = text(res.body)
    t.match(page, 'Your sign-in link')
    t.match(page, 'To ada@nist.gov')
    t.match(page, 'Kind sign-in')
    t.match(page, 'Status Queued')
    t.match(page, 'Link: http://convene.test/x?a=1&b=<2>')
    t.match(res.body, '&lt;2&gt;', 'the body is escaped')
    t.notMatch(page, 'Calendar invitation')
    t.notMatch(res.body, 'invite.ics')
  })

  t.test('the admin sees a calendar part and downloads it', async (t) => {
    const c = new Client(app)
    await signInAs(c, admin)
    const res = await c.get(`/dev/mailbox/${invite.id}`)
    t.equal(res.statusCode, 200)
    const page = text(res.body)
    t.match(page, 'Calendar invitation (REQUEST)')
    t.match(page, 'SUMMARY:Quarterly <review>')
    t.match(res.body, 'SUMMARY:Quarterly &lt;review&gt;')
    t.match(res.body, `href="/dev/mailbox/${invite.id}/invite.ics"`)
    t.match(page, 'Download the invitation (.ics)')

    const ics = await c.get(`/dev/mailbox/${invite.id}/invite.ics`)
    t.equal(ics.statusCode, 200)
    t.match(ics.headers['content-type'], /^text\/calendar; charset=utf-8; method=REQUEST$/)
    t.match(ics.headers['content-disposition'], /^attachment; filename="invite-\d+\.ics"$/)
    t.equal(ics.body, ICS)
  })

  t.test('bad ids and pages', async (t) => {
    const c = new Client(app)
    await signInAs(c, admin)
    for (const url of ['/dev/mailbox/abc', '/dev/mailbox/0', '/dev/mailbox/999999', '/dev/mailbox/99999999999999999999',
      `/dev/mailbox/${plain.id}/invite.ics`, '/dev/mailbox/abc/invite.ics']) {
      const res = await c.get(url)
      t.equal(res.statusCode, 404, url)
      t.match(text(res.body), /We couldn.t find/, url)
    }
    const bad = await c.get('/dev/mailbox?page=zero')
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'The page number must be a whole number')
    const empty = await c.get('/dev/mailbox?page=7')
    t.equal(empty.statusCode, 200)
    t.match(text(empty.body), 'There are no messages on this page.')
  })

  t.test('long mailboxes are paginated', async (t) => {
    for (let i = 0; i < 50; i++) await queue(app, `person${i}@agency.gov`, `Bulk ${i}`)
    const c = new Client(app)
    await signInAs(c, admin)
    const first = text((await c.get('/dev/mailbox')).body)
    t.match(first, '52 messages, newest first')
    t.match(first, 'Bulk 49')
    t.notMatch(first, 'Your sign-in link')
    t.match(first, 'Page 1 of 2 Older')
    const second = text((await c.get('/dev/mailbox?page=2')).body)
    t.match(second, 'Newer Page 2 of 2')
    t.match(second, 'Your sign-in link')
    t.notMatch(second, 'Bulk 49')
  })
})

t.test('with SMTP configured the dev mailbox does not exist, even for the admin', async (t) => {
  const { app } = await createTestApp(t, { config: { SMTP_URL: 'smtp://127.0.0.1:2525' } })
  const admin = await createMember(app.db, { is_admin: true })
  const mail = await queue(app, 'ada@nist.gov', 'Hello', { ical: ICS, icalMethod: 'REQUEST' })
  const c = new Client(app)
  await signInAs(c, admin)
  for (const url of ['/dev/mailbox', `/dev/mailbox/${mail.id}`, `/dev/mailbox/${mail.id}/invite.ics`]) {
    const res = await c.get(url)
    t.equal(res.statusCode, 404, url)
    t.match(text(res.body), "We couldn't find", url)
  }
})

t.test('with the worker running and no SMTP, mail is delivered to the dev mailbox', async (t) => {
  const { app } = await createTestApp(t, { config: { WORKER: 'true' } })
  const admin = await createMember(app.db, { is_admin: true })
  const mail = await queue(app, 'ada@nist.gov', 'Kept locally', { ical: ICS, icalMethod: 'REQUEST' })
  const until = Date.now() + 15_000
  while ((await app.db.selectFrom('mail_messages').select('status').where('id', '=', mail.id).executeTakeFirstOrThrow()).status !== 'sent') {
    if (Date.now() > until) throw new Error('the worker did not deliver the message')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const c = new Client(app)
  await signInAs(c, admin)
  const list = text((await c.get('/dev/mailbox')).body)
  t.match(list, 'Kept locally Calendar Convene <convene@localhost> ada@nist.gov test Delivered')
  const page = text((await c.get(`/dev/mailbox/${mail.id}`)).body)
  t.match(page, /Status Delivered \w{3} \d+, \d{4}/)
})
