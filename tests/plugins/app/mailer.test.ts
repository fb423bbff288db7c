import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { Client, createTestApp, PUBLIC_URL } from '../../fixtures/build-app.js'
import { createCommunity, createMember } from '../../fixtures/factories.js'
import { DAY, eventInput } from '../../fixtures/events.js'
import { sendCalendarMail, TEST_SITE, testMailer } from '../../fixtures/calendar-mail.js'
import { createEvent, publishEvent } from '../../../src/domain/events/events.service.js'
import { composeMail } from '../../../src/domain/mail/mail.delivery.js'
import { eventMailData } from '../../../src/domain/mail/event-data.js'
import { answerInTransaction } from '../../../src/domain/rsvps/rsvps.service.js'
import { viewsDir } from '../../../src/plugins/external/view.js'
import type { Event } from '../../../src/db/database.js'

const HOSTILE = 'Ada <script>alert("x")</script> & Co'
const ESCAPED = 'Ada &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co'

/** An href in the HTML part, unescaped as a mail client reads it. */
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&').replace(/&#39;/g, "'"))

t.test('mail through the app: the HTML part escapes what members typed and carries the text’s links', async (t) => {
  const { app } = await createTestApp(t)
  const ada = await createMember(app.db, { full_name: HOSTILE, email: 'ada@lab.gov' })
  const olive = await createMember(app.db, { full_name: 'Olive Organizer' })
  const community = await createCommunity(app.db, { slug: 'dna', name: 'DNA <b>Analysts</b>', organizer: olive, members: [ada] })
  const last = () => app.db.selectFrom('mail_messages').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()

  await t.test('a sign-in link', async (t) => {
    const c = new Client(app)
    await c.post('/sign-in', { email: 'ada@lab.gov' }, { csrfFrom: '/sign-in' })
    const mail = await last()
    t.equal(mail.kind, 'sign-in')
    t.match(mail.text_body, `Hello ${HOSTILE},\n\n`, 'the text says the name as typed')
    const link = /(http:\/\/convene\.test\/auth\/sign-in\?token=\S+)/.exec(mail.text_body)![1]
    t.ok(mail.html_body, 'an HTML part')
    const html = mail.html_body!
    t.match(html, /^<!doctype html>\n<html lang="en">/)
    t.match(html, `<title>Your Convene sign-in link</title>`)
    t.match(html, `Hello ${ESCAPED},`, 'the HTML escapes it')
    t.notMatch(html, '<script>', 'no markup of a member’s gets through')
    t.ok(hrefs(html).includes(link), 'the HTML part links where the text does')
  })

  await t.test('a calendar invitation: text, HTML and the calendar part in one message', async (t) => {
    const event: Event = await app.db.transaction().execute(async (trx) => {
      const e = await createEvent(trx, community.id, eventInput({ title: 'Roundtable <i>live</i>', onlineUrl: 'https://meet.example/x?a=1&b=2', startsAt: new Date(Date.now() + 7 * DAY) }), olive.id)
      return publishEvent(trx, e.id)
    })
    await app.db.transaction().execute((trx) => answerInTransaction(trx, { eventId: event.id, memberId: ada.id, choice: 'going' }))
    await sendCalendarMail(app)
    const mail = await last()
    t.equal(mail.kind, 'calendar-invite')
    t.equal(mail.subject, 'You’re going: Roundtable <i>live</i>', 'a subject is plain text: nothing escaped')
    const going = /Going: (\S+)/.exec(mail.text_body)![1]
    const declined = /Can’t go: (\S+)/.exec(mail.text_body)![1]
    const page = `${PUBLIC_URL}/c/dna/events/${event.id}`
    t.match(mail.text_body, `Event page: ${page}\n`)
    t.match(mail.text_body, 'Join online: https://meet.example/x?a=1&b=2\n')
    const html = mail.html_body!
    t.match(html, 'Roundtable &lt;i&gt;live&lt;/i&gt;')
    t.notMatch(html, '<i>live')
    t.match(html, `Hello ${ESCAPED},`)
    t.match(html, 'href="https://meet.example/x?a=1&amp;b=2"', 'an href is escaped as an attribute')
    for (const link of [going, declined, page, 'https://meet.example/x?a=1&b=2']) t.ok(hrefs(html).includes(link), `the HTML links to ${link}`)
    const sent = composeMail(mail, 'Convene <convene@agency.gov>')
    t.equal(sent.text, mail.text_body, 'SMTP gets the text part')
    t.equal(sent.html, html, 'and the HTML part as its alternative')
    t.match(sent.icalEvent, { method: 'REQUEST', content: /BEGIN:VCALENDAR/ }, 'and the calendar part')
  })
})

/*
 * Every template in views/emails/ renders with the data its caller passes: each sample here is shaped as the
 * domain code that queues the mail shapes it (the function named), and a template with no sample fails the test.
 */
t.test('every mail template renders, escapes its HTML and links where its text does', async (t) => {
  const mailer = testMailer(TEST_SITE)
  const community = { id: 1, slug: 'dna', name: `DNA ${HOSTILE}`, about: `About <b>us</b>` }
  const startsAt = new Date('2030-03-10T14:00:00Z')
  const event = {
    id: 12, title: `Roundtable ${HOSTILE}`, why_it_matters: 'Because <em>it does</em>', starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 2 * 3_600_000),
    time_zone: 'America/New_York', venue_name: 'Library', venue_room: null, venue_address: '1 Main St', online_url: 'https://meet.example/x?a=1&b=2',
    live_transcript_url: 'https://captions.example/y', recording_url: null
  } as unknown as Event
  const details = eventMailData(event, community, new Date('2030-03-01T00:00:00Z'))
  const rsvp = { going: '12.7.going.0.tok', declined: '12.7.declined.0.tok' }
  const calendar = { name: HOSTILE, ...details, footer: 'details' }
  const samples: Record<string, { data: Record<string, unknown>, links: string[] }> = {
    // auth.service requestSignIn
    'sign-in': { data: { name: HOSTILE, token: 'tok', next: '/c/dna', minutes: 15 }, links: ['/auth/sign-in?token=tok&next=%2Fc%2Fdna'] },
    // join.service notifyOrganizers, requestToJoin, approveRequest, declineRequest, inviteByEmail
    'join-request': { data: { name: 'Olive', community, request: { full_name: HOSTILE, agency: 'NIST', email: 'ada@lab.gov', note: 'Hi <there>' } }, links: ['/c/dna/orga/requests'] },
    'verify-email': { data: { name: HOSTILE, community, token: 'tok', hours: 24 }, links: ['/join/verify?token=tok'] },
    'join-approved': { data: { name: HOSTILE, community, token: 'tok', days: 7 }, links: ['/join/verify?token=tok', '/sign-in', '/c/dna'] },
    'join-declined': { data: { name: HOSTILE, community, note: 'Not <now>' }, links: [] },
    invitation: { data: { inviter: { full_name: HOSTILE, agency: 'NIST' }, community, token: 'tok', days: 14 }, links: ['/invitations/accept?token=tok'] },
    // organizers.service keepAnOrganizer
    'term-extended': { data: { name: HOSTILE, community, until: '2030-06-01' }, links: ['/c/dna/orga/organizers'] },
    // inbound.service tellWaitlisted
    'rsvp-waitlisted': { data: { name: HOSTILE, event, communitySlug: 'dna' }, links: ['/c/dna/events/12'] },
    // reminders.service sendDueReminders
    'event-reminder': { data: { name: HOSTILE, ...details, timeLeft: 'in 1 day', declineToken: rsvp.declined }, links: ['/c/dna/events/12', `/rsvp/${rsvp.declined}`] },
    // invites.service queueCalendarMail (a calendar part) and reconcileEvent (a plain notice)
    'calendar-invitation': { data: { ...calendar, method: 'REQUEST', rsvp }, links: ['/c/dna/events/12', `/rsvp/${rsvp.going}`, `/rsvp/${rsvp.declined}`] },
    'calendar-answer': { data: { ...calendar, method: 'REQUEST', rsvp, status: 'maybe' }, links: ['/c/dna/events/12', `/rsvp/${rsvp.going}`] },
    'rsvp-promoted': { data: { ...calendar, method: null }, links: ['/c/dna/events/12'] },
    'event-changed': { data: { ...calendar, method: 'REQUEST', rsvp, changes: { time: true, place: true } }, links: ['/c/dna/events/12', `/rsvp/${rsvp.going}`] },
    'event-cancelled': { data: { ...calendar, method: null, footer: 'other-events' }, links: ['/c/dna/events'] },
    'calendar-removed': { data: { ...calendar, method: 'CANCEL' }, links: ['/c/dna/events/12'] },
    // connections/introductions.service introduce, answerIntroduction; met-prompt.service sendMetPrompts
    introduction: { data: { name: HOSTILE, introducer: `Olive ${HOSTILE}`, other: { name: `Ben ${HOSTILE}`, agency: 'EPA <Region 5>' }, note: `You both <b>audit</b> ${HOSTILE}` }, links: ['/profile/introductions'] },
    'introduction-connected': { data: { name: HOSTILE, introducer: `Olive ${HOSTILE}`, other: { name: `Ben ${HOSTILE}`, agency: null } }, links: ['/profile/introductions'] },
    'met-prompt': { data: { name: HOSTILE, ...details, others: 3 }, links: ['/c/dna/events/12/met'] },
    // agenda/session-calendar.service reconcileSession (an update; a cancellation says `cancelled: true`, method CANCEL)
    'session-changed': {
      data: {
        name: HOSTILE, ...details, method: 'REQUEST', cancelled: false, changes: { time: true, place: true }, speakers: [HOSTILE],
        session: { id: 4, title: `Triage ${HOSTILE}`, starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 3_600_000), room: 'Room <B>' },
        sessionLocation: 'Room <B>, Library, 1 Main St'
      },
      links: ['/c/dna/events/12/agenda']
    },
    // email-change.service requestEmailChange, confirmEmailChange
    'email-change': { data: { name: HOSTILE, token: 'tok', hours: 24, oldEmail: 'ada@lab.gov', newEmail: 'ada.new@lab.gov' }, links: ['/email-change/confirm?token=tok'] },
    'email-changed': { data: { name: HOSTILE, oldEmail: 'ada@lab.gov', newEmail: 'ada.new@lab.gov' }, links: [] },
    // speakers.service inviteCoSpeaker (to a member, and to someone asked to join first) and inviteToPropose
    'co-speaker-invitation': {
      data: { name: HOSTILE, inviter: { full_name: HOSTILE, agency: 'NIST' }, community, callTitle: `Talks ${HOSTILE}`, title: `Backlog ${HOSTILE}`, isMember: false, slug: 'dna', callId: 3, proposalId: 9 },
      links: ['/c/dna/join', '/c/dna/calls/3/proposals/9/co-speaker']
    },
    // decisions.service queueDecisionMail (the organizer's edited text, placeholders filled, as `message`)
    'proposal-decision': {
      data: {
        subject: `Action required: confirm ${HOSTILE}`, message: `Hello ${HOSTILE},\nplease confirm.`, reminder: true,
        confirmLink: `${TEST_SITE.publicUrl}/talk-confirm/tok`, proposalUrl: `${TEST_SITE.publicUrl}/c/dna/calls/3/proposals/7`
      },
      links: ['/c/dna/calls/3/proposals/7']
    },
    'proposal-invitation': {
      data: { name: HOSTILE, inviter: HOSTILE, community, callTitle: `Talks ${HOSTILE}`, note: `We heard <this>\n${HOSTILE}`, slug: 'dna', callId: 3, invitationId: 5 },
      links: ['/c/dna/calls/3/invited/5']
    },
    // event-message.service messageAnswerers
    'event-message': {
      data: { name: HOSTILE, sender: HOSTILE, audienceLabel: 'going to', subject: `Parking ${HOSTILE}`, message: `Bring <ID>\n${HOSTILE}`, event, community, replyTo: { name: HOSTILE, address: 'olive@gsa.gov' } },
      links: ['/c/dna/events/12']
    }
  }
  const folders = fs.readdirSync(path.join(viewsDir, 'emails'), { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('_')).map((d) => d.name)
  t.same(folders.sort(), Object.keys(samples).sort(), 'every template has a sample, every sample a template')
  for (const [template, { data, links }] of Object.entries(samples)) {
    const mail = mailer.compose(template, data)
    t.ok(mail.subject && !mail.subject.includes('\n'), `${template}: a one-line subject: ${mail.subject}`)
    t.ok(mail.text.endsWith('\n') && !mail.text.endsWith('\n\n') && !/\n{3}/.test(mail.text), `${template}: no stray blank lines in the text`)
    t.match(mail.text, '<script>', `${template}: the text says what was typed`)
    t.notMatch(mail.html, '<script>', `${template}: the HTML escapes it`)
    t.match(mail.html, '&lt;script&gt;', `${template}`)
    t.notMatch(mail.text + mail.html, /undefined|\[object Object\]/, `${template}: no missing data`)
    for (const link of links) {
      t.match(mail.text, `${PUBLIC_URL}${link}`, `${template}: the text links to ${link}`)
      t.ok(hrefs(mail.html).includes(`${PUBLIC_URL}${link}`), `${template}: the HTML links to ${link}`)
    }
  }
})

t.test('each mailer writes with its own site, read at each mail', async (t) => {
  let publicUrl = 'https://one.example'
  const one = testMailer({ ...TEST_SITE, get publicUrl () { return publicUrl } })
  const two = testMailer({ ...TEST_SITE, publicUrl: 'https://two.example' })
  const data = { name: 'Ada', token: 'tok', next: '/', minutes: 15 }
  t.match(one.compose('sign-in', data).text, 'https://one.example/auth/sign-in?token=tok')
  t.match(two.compose('sign-in', data).text, 'https://two.example/auth/sign-in?token=tok')
  publicUrl = 'https://moved.example'
  t.match(one.compose('sign-in', data).text, 'https://moved.example/auth/sign-in?token=tok', 'a changed PUBLIC_URL shows in the next mail')
  t.notMatch(one.compose('sign-in', data).html, TEST_SITE.secret, 'the secret never reaches a template')
})

t.test('a mail subject is one line, even from a title stored with line breaks before titles were one line', async (t) => {
  const mailer = testMailer(TEST_SITE)
  const community = { id: 1, slug: 'dna', name: 'DNA Analysts', about: '' }
  const startsAt = new Date('2030-03-10T14:00:00Z')
  const event = {
    id: 12, title: 'Roundtable\r\nBcc: everyone@agency.gov\rX\nY\u2028Z\u0085W\tV', why_it_matters: 'Why', starts_at: startsAt,
    ends_at: new Date(startsAt.getTime() + 3_600_000), time_zone: 'America/New_York', venue_name: 'Library', venue_room: null,
    venue_address: null, online_url: null, live_transcript_url: null, recording_url: null
  } as unknown as Event
  const details = eventMailData(event, community, new Date('2030-03-01T00:00:00Z'))
  const mail = mailer.compose('event-cancelled', { name: 'Ada', ...details, method: null, footer: 'other-events' })
  t.equal(mail.subject, 'Cancelled: Roundtable Bcc: everyone@agency.gov X Y Z W V')

  // A message already in the outbox with a broken subject is sent with it on one line.
  const row = { id: 1, kind: 'event-cancelled', to_address: 'ada@lab.gov', subject: 'Cancelled: Old\r\nBcc: everyone@agency.gov', text_body: 'Hi\n', html_body: null, ical: null, ical_method: null }
  const sent = composeMail(row as never, 'Convene <convene@agency.gov>')
  t.equal(sent.subject, 'Cancelled: Old Bcc: everyone@agency.gov')
})

t.test('mail data may not be named "body": the layout’s name for the rendered page would be replaced, unescaped', async (t) => {
  const mailer = testMailer(TEST_SITE)
  t.throws(() => mailer.compose('sign-in', { name: 'Ada', token: 'tok', next: '/', minutes: 15, body: '<script>x</script>' }), /may not have a key named "body"/)
  t.doesNotThrow(() => mailer.compose('sign-in', { name: 'Ada', token: 'tok', next: '/', minutes: 15 }))
})
