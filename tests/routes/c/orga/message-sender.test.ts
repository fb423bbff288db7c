import t from 'tap'
import { simpleParser } from 'mailparser'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { createMember, createRsvp, signInAs } from '../../../fixtures/factories.js'
import { buildWorld } from '../../../fixtures/world.js'
import { startSmtp } from '../../../fixtures/smtp.js'
import { sendCalendarMail } from '../../../fixtures/calendar-mail.js'
import { HOUR, minutesFromNow } from '../../../fixtures/events.js'
import { deliverDueMail } from '../../../../src/domain/mail/mail.delivery.js'
import { createMailSender } from '../../../../src/infra/mail/transport.js'
import { answerInTransaction } from '../../../../src/domain/rsvps/rsvps.service.js'
import { sendDueReminders } from '../../../../src/domain/reminders/reminders.service.js'

// Who community mail comes from: "<Community> via Convene" at MAIL_FROM's own address (never a forged From in
// another domain), Reply-To the community contact address when set, else the organizer who wrote.

const MAIL_FROM = 'Convene <convene@agency.gov>'

t.test('an organizer’s message: from the community via Convene, replies to a person', async (t) => {
  const { app } = await createTestApp(t, { config: { MAIL_FROM } })
  const smtp = await startSmtp()
  t.teardown(smtp.close)
  const sender = createMailSender(smtp.url, MAIL_FROM)
  t.teardown(() => sender.transport.close?.())
  const w = await buildWorld(app.db, {
    community: { slug: 'records', name: 'Records Managers' },
    organizer: { full_name: 'Olive Organizer', email: 'olive@gsa.gov' },
    members: [{ full_name: 'Ada Analyst', email: 'ada@gsa.gov' }, { full_name: 'Ben Bench', email: 'ben@nara.gov' }],
    event: { title: 'Records Day' }
  })
  const [ada, ben] = w.members
  await createRsvp(app.db, w.event!, ada, { status: 'going' })
  await createRsvp(app.db, w.event!, ben, { status: 'going' })
  const url = `/c/records/orga/events/${w.event!.id}/message`
  const settings = '/c/records/orga/settings'
  const orga = new Client(app)
  await signInAs(orga, w.organizer)
  const settingsForm = (contact: string, name = 'Records Managers') => ({
    name, about: 'We keep records.', requirements: '', norms: 'Be present', public_records_notice: 'FOIA applies.',
    allowed_domains: '*.gov', contact_email: contact
  })
  /** Sends what is queued to the SMTP fixture and returns what arrived, parsed, for `to`. */
  async function deliver (to: string) {
    smtp.received.length = 0
    await deliverDueMail(app.db, sender, { batchSize: 50 })
    const got = smtp.received.filter((m) => m.to.includes(to))
    return Promise.all(got.map(async (m) => ({ ...m, head: m.raw.slice(0, m.raw.indexOf('\r\n\r\n')), parsed: await simpleParser(m.raw) })))
  }

  await t.test('without a contact address: From "<Community> via Convene" <MAIL_FROM>, Reply-To the organizer who wrote', async (t) => {
    const res = await orga.post(url, { audience: 'going', subject: 'Parking', body: 'Use the C Street entrance.' }, { csrfFrom: url })
    t.equal(res.statusCode, 303)
    const rows = await app.db.selectFrom('mail_messages').selectAll().where('kind', '=', 'event-message').orderBy('id').execute()
    t.same(rows.map((r) => [r.to_address, r.from_name, r.reply_to, r.reply_to_name]), [
      ['ada@gsa.gov', 'Records Managers via Convene', 'olive@gsa.gov', 'Olive Organizer'],
      ['ben@nara.gov', 'Records Managers via Convene', 'olive@gsa.gov', 'Olive Organizer']
    ], 'one row per person, each with its sender')
    t.match(rows[0].text_body, 'Replies to this message go to Olive Organizer (olive@gsa.gov).')

    const [mail] = await deliver('ada@gsa.gov')
    t.same(mail.to, ['ada@gsa.gov'], 'one recipient')
    t.equal(mail.from, 'convene@agency.gov', 'the envelope sender is MAIL_FROM’s address')
    t.match(mail.head, /^From: Records Managers via Convene <convene@agency\.gov>\r?$/m)
    t.match(mail.head, /^Reply-To: Olive Organizer <olive@gsa\.gov>\r?$/m)
    t.notMatch(mail.head, /^(Sender|Cc|Bcc):/mi)
  })

  await t.test('the settings page: a contact address, validated, optional', async (t) => {
    const page = await orga.get(settings)
    t.match(text(page.body), 'Community contact address')
    t.match(page.body, /<input[^>]*id="contact_email"[^>]*name="contact_email"[^>]*type="email"/)
    t.match(page.body, '<label class="usa-label" for="contact_email">Community contact address')

    const bad = await orga.post(settings, settingsForm('records team at nara'))
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), '“records team at nara” is not an email address. Write the community contact address like records-team@agency.gov, or leave it empty.')
    t.match(bad.body, 'value="records team at nara"', 'the input is kept')
    t.match(bad.body, 'href="#contact_email"', 'the error summary links to the field')
    for (const attempt of ['records@nara.gov\r\nBcc: everyone@agency.gov', 'Records <records@nara.gov>', 'a@nara.gov, b@nara.gov']) {
      const res = await orga.post(settings, settingsForm(attempt))
      t.equal(res.statusCode, 400, JSON.stringify(attempt))
      t.match(text(res.body), /community contact address/i, 'names the field')
    }
    const long = await orga.post(settings, settingsForm(`${'a'.repeat(250)}@nara.gov`))
    t.equal(long.statusCode, 400)
    t.match(text(long.body), 'The community contact address must be 254 characters or fewer')
    t.equal((await app.db.selectFrom('communities').select('contact_email').where('id', '=', w.community.id).executeTakeFirstOrThrow()).contact_email, null, 'nothing saved')

    const good = await orga.post(settings, settingsForm(' Records-Team@NARA.gov '))
    t.equal(good.statusCode, 303)
    const saved = await orga.get(settings)
    t.match(text(saved.body), 'Settings saved.')
    t.match(saved.body, 'value="records-team@nara.gov"')
    t.match(text((await orga.get('/c/records/orga/audit')).body), 'Records Managers', 'the change is audited')
  })

  await t.test('with a contact address: Reply-To is the community’s', async (t) => {
    await orga.post(url, { audience: 'going', subject: 'Room change', body: 'Room 101.' }, { csrfFrom: url })
    const row = await app.db.selectFrom('mail_messages').selectAll().where('kind', '=', 'event-message').where('to_address', '=', 'ben@nara.gov').orderBy('id', 'desc').executeTakeFirstOrThrow()
    t.equal(row.reply_to, 'records-team@nara.gov')
    t.match(row.text_body, 'Replies to this message go to Records Managers (records-team@nara.gov).')
    const [mail] = await deliver('ben@nara.gov')
    t.match(mail.head, /^From: Records Managers via Convene <convene@agency\.gov>\r?$/m)
    t.match(mail.head, /^Reply-To: Records Managers <records-team@nara\.gov>\r?$/m)
  })

  await t.test('the settings can clear the contact address: replies go to the organizer again', async (t) => {
    t.equal((await orga.post(settings, settingsForm(''), { csrfFrom: settings })).statusCode, 303)
    t.equal((await app.db.selectFrom('communities').select('contact_email').where('id', '=', w.community.id).executeTakeFirstOrThrow()).contact_email, null)
  })

  await t.test('a hostile community name: quotes, commas, é and line breaks give valid, safe headers', async (t) => {
    // The settings form refuses line breaks in a name; a row from elsewhere (an import, an old row) may hold one.
    await app.db.updateTable('communities').set({ name: 'Records "Team", Québec\r\nBcc: everyone@agency.gov' }).where('id', '=', w.community.id).execute()
    const res = await orga.post(url, { audience: 'going', subject: 'Hi', body: 'Hello.' }, { csrfFrom: url })
    t.equal(res.statusCode, 303)
    const [mail] = await deliver('ada@gsa.gov')
    t.same(mail.to, ['ada@gsa.gov'], 'the envelope has one recipient: no Bcc was made')
    t.notMatch(mail.head, /^(Bcc|Cc):/mi, 'no injected header')
    t.ok(mail.head.split(/\r\n/).every((l) => /^[\x20-\x7e]*$/.test(l)), 'every header line is 7-bit ASCII (the name is encoded)')
    t.same(mail.parsed.from?.value, [{ name: 'Records "Team", Québec Bcc: everyone@agency.gov via Convene', address: 'convene@agency.gov' }], 'one From, read back as written, MAIL_FROM’s address')
    t.same(mail.parsed.replyTo?.value, [{ name: 'Olive Organizer', address: 'olive@gsa.gov' }])
    t.notOk(mail.parsed.bcc)
    t.equal(smtp.received.length, 2, 'one message per person going, nobody else')
    await app.db.updateTable('communities').set({ name: 'Records Managers' }).where('id', '=', w.community.id).execute()
  })

  await t.test('the site admin’s dev mailbox shows From and Reply-To', async (t) => {
    const devApp = (await createTestApp(t, { config: { MAIL_FROM } })).app
    const dw = await buildWorld(devApp.db, {
      community: { slug: 'records', name: 'Records Managers' },
      organizer: { full_name: 'Olive Organizer', email: 'olive@gsa.gov' },
      members: [{ full_name: 'Ada Analyst', email: 'ada@gsa.gov' }],
      event: { title: 'Records Day' }
    })
    await createRsvp(devApp.db, dw.event!, dw.members[0], { status: 'going' })
    const o = new Client(devApp)
    await signInAs(o, dw.organizer)
    const u = `/c/records/orga/events/${dw.event!.id}/message`
    t.equal((await o.post(u, { audience: 'going', subject: 'Parking', body: 'C Street.' }, { csrfFrom: u })).statusCode, 303)
    const row = await devApp.db.selectFrom('mail_messages').select('id').where('kind', '=', 'event-message').executeTakeFirstOrThrow()
    const admin = new Client(devApp)
    await signInAs(admin, await createMember(devApp.db, { is_admin: true }))
    const page = text((await admin.get(`/dev/mailbox/${row.id}`)).body)
    t.match(page, 'From Records Managers via Convene <convene@agency.gov>')
    t.match(page, 'Reply-To Olive Organizer <olive@gsa.gov>')
    const signIn = await devApp.db.insertInto('mail_messages').values({ kind: 'sign-in', to_address: 'ada@gsa.gov', subject: 'Sign in', text_body: 'x' }).returning('id').executeTakeFirstOrThrow()
    const plain = text((await admin.get(`/dev/mailbox/${signIn.id}`)).body)
    t.match(plain, 'From Convene <convene@agency.gov>', 'site mail: MAIL_FROM as configured')
    t.notMatch(plain, 'Reply-To')
  })
})

t.test('the community’s other mail carries its name too; calendar mail keeps its ORGANIZER and has no Reply-To', async (t) => {
  const { app } = await createTestApp(t, { config: { MAIL_FROM } })
  const w = await buildWorld(app.db, {
    community: { slug: 'records', name: 'Records Managers' },
    members: [{ full_name: 'Ada Analyst', email: 'ada@gsa.gov' }],
    event: { title: 'Records Day', startsAt: minutesFromNow(30 * 60_000 + 2 * HOUR) }
  })
  await app.db.updateTable('communities').set({ contact_email: 'records-team@nara.gov' }).where('id', '=', w.community.id).execute()
  const ada = w.members[0]
  await app.db.transaction().execute((trx) => answerInTransaction(trx, { eventId: w.event!.id, memberId: ada.id, choice: 'going' }))
  await sendCalendarMail(app)
  const invite = await app.db.selectFrom('mail_messages').selectAll().where('to_address', '=', 'ada@gsa.gov').where('ical', 'is not', null).executeTakeFirstOrThrow()
  t.equal(invite.from_name, 'Records Managers via Convene')
  t.equal(invite.reply_to, null, 'a calendar answers its ORGANIZER: no Reply-To')
  t.match(invite.ical!, /^ORGANIZER;CN="Records Managers":mailto:convene\+records@agency\.gov\r$/m, 'the ORGANIZER is the community’s mailbox, as before')

  await sendDueReminders(app.db, app.mailer, new Date(w.event!.starts_at.getTime() - 2 * HOUR - 30 * 60_000 + 60_000))
  const reminder = await app.db.selectFrom('mail_messages').selectAll().where('kind', '=', 'event-reminder').executeTakeFirstOrThrow()
  t.equal(reminder.from_name, 'Records Managers via Convene')
  t.equal(reminder.reply_to, 'records-team@nara.gov', 'replies to a reminder reach the community')

  const signIn = await new Client(app).post('/sign-in', { email: 'ada@gsa.gov' }, { csrfFrom: '/sign-in' })
  t.equal(signIn.statusCode, 200, "check your email")
  const site = await app.db.selectFrom('mail_messages').selectAll().where('kind', '=', 'sign-in').executeTakeFirstOrThrow()
  t.equal(site.from_name, null, 'a sign-in link is the site’s own mail: MAIL_FROM as configured')
  t.equal(site.reply_to, null)
})
