import t from 'tap'
import { simpleParser } from 'mailparser'
import nodemailer from 'nodemailer'
import { composeMail } from '../../../src/domain/mail/mail.delivery.js'
import { communitySender, headerAddress, headerName, mailboxText, messageSender, siteMailbox } from '../../../src/domain/mail/sender.js'
import type { MailMessage } from '../../../src/db/database.js'

const MAIL_FROM = 'Convene <convene@agency.gov>'
const olive = { full_name: 'Olive Organizer', email: 'olive@gsa.gov' }

t.test('the site mailbox is MAIL_FROM read as a name and an address', async (t) => {
  t.same(siteMailbox(MAIL_FROM), { name: 'Convene', address: 'convene@agency.gov' })
  t.same(siteMailbox('"Records Office, NARA" <noreply@nara.gov>'), { name: 'Records Office, NARA', address: 'noreply@nara.gov' }, 'the install names itself in MAIL_FROM')
  t.same(siteMailbox('noreply@nara.gov'), { name: 'Convene', address: 'noreply@nara.gov' }, 'a bare address: the name is Convene')
})

t.test('a community mail is from "<Community> via <site>" at MAIL_FROM; replies go to its contact address, else the writer', async (t) => {
  const records = { name: 'Records Managers', contact_email: null }
  t.same(communitySender(MAIL_FROM, records, { writer: olive }), { name: 'Records Managers via Convene', replyTo: { name: 'Olive Organizer', address: 'olive@gsa.gov' } })
  t.same(communitySender(MAIL_FROM, records), { name: 'Records Managers via Convene', replyTo: null }, 'no writer, no contact: no Reply-To')
  const withContact = { name: 'Records Managers', contact_email: 'records-team@nara.gov' }
  t.same(communitySender(MAIL_FROM, withContact, { writer: olive }).replyTo, { name: 'Records Managers', address: 'records-team@nara.gov' }, 'the contact address wins')
  t.same(communitySender(MAIL_FROM, withContact, { writer: olive, replyTo: 'writer' }).replyTo, { name: 'Olive Organizer', address: 'olive@gsa.gov' }, 'a colleague’s invitation: the writer first')
  t.same(communitySender(MAIL_FROM, withContact, { replyTo: 'writer' }).replyTo?.address, 'records-team@nara.gov', 'no writer: the contact address')
  t.equal(communitySender(MAIL_FROM, withContact, { writer: olive, replyTo: 'none' }).replyTo, null, 'calendar mail and mail to organizers: none')
  t.equal(communitySender('"Records Office" <noreply@nara.gov>', records).name, 'Records Managers via Records Office', 'the install’s name from MAIL_FROM')
  t.equal(communitySender(MAIL_FROM, { name: 'x', contact_email: 'not an address\r\nBcc: a@b.gov' }).replyTo, null, 'an unusable contact address is not used')
})

t.test('names and addresses fit for a header', async (t) => {
  t.equal(headerName('Records\r\nBcc: everyone@agency.gov'), 'Records Bcc: everyone@agency.gov', 'line breaks become a space')
  t.equal(headerName(' A\u2028B\u0085C\tD '), 'A B C D')
  t.equal(headerName('é'.repeat(300)).length, 160, 'cut at 160 characters')
  t.equal(headerAddress('olive@gsa.gov'), 'olive@gsa.gov')
  for (const bad of ['olive@gsa.gov\r\nBcc: x@y.gov', 'Olive <olive@gsa.gov>', 'a@b.gov, c@d.gov', '', null]) t.equal(headerAddress(bad), null, String(bad))
  t.equal(mailboxText({ name: 'Records via Convene', address: 'convene@agency.gov' }), 'Records via Convene <convene@agency.gov>')
  t.equal(mailboxText('Convene <convene@agency.gov>'), 'Convene <convene@agency.gov>')
})

t.test('the sent headers of hostile community and organizer names: quoted or encoded, on their lines, never a new header', async (t) => {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true })
  const names = ['Records "Team", Inc.', 'Équipe des archives, Québec', 'Evil\r\nBcc: everyone@agency.gov', 'Evil\nX-Injected: yes', 'a <b@evil.gov>; c@evil.gov', 'Back\\slash "q']
  for (const name of names) {
    const from = communitySender(MAIL_FROM, { name, contact_email: null }, { writer: { full_name: `${name}\r\nCc: cc@evil.gov`, email: 'olive@gsa.gov' } })
    const row = { id: 1, kind: 'event-message', to_address: 'ada@gsa.gov', subject: 'Hi', text_body: 'Hello\n', html_body: null, ical: null, ical_method: null, from_name: from.name, reply_to: from.replyTo?.address ?? null, reply_to_name: from.replyTo?.name ?? null } as unknown as MailMessage
    const info = await transport.sendMail(composeMail(row, MAIL_FROM)) as { message: Buffer }
    const raw = info.message.toString('utf8')
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'))
    t.notMatch(head, /^(Bcc|Cc|X-Injected):/mi, `${JSON.stringify(name)}: no injected header`)
    t.notMatch(head, /evil\.gov>?\s*$/m, 'no address of the name is ever an address of the header')
    t.ok(head.split('\r\n').every((l) => /^[\x20-\x7e]*$/.test(l)), 'every header line is 7-bit ASCII')
    const parsed = await simpleParser(raw)
    t.same(parsed.from?.value, [{ name: headerName(`${name} via Convene`), address: 'convene@agency.gov' }], `${JSON.stringify(name)}: one From, the name as typed (line breaks as spaces), MAIL_FROM’s address`)
    const replyTo = parsed.replyTo?.value
    t.same(replyTo, [{ name: headerName(`${name}\r\nCc: cc@evil.gov`), address: 'olive@gsa.gov' }], 'one Reply-To: the organizer')
    t.notOk(parsed.cc, 'no Cc')
    t.notOk(parsed.bcc, 'no Bcc')
  }
})

t.test('a row queued before senders were kept goes from MAIL_FROM as configured, without Reply-To', async (t) => {
  t.same(messageSender({ from_name: null, reply_to: null, reply_to_name: null }, MAIL_FROM), { from: MAIL_FROM, replyTo: null })
  t.same(messageSender({ from_name: 'Records\nvia Convene', reply_to: 'bad address', reply_to_name: 'x' }, MAIL_FROM),
    { from: { name: 'Records via Convene', address: 'convene@agency.gov' }, replyTo: null }, 'cleaned again when sent')
})
