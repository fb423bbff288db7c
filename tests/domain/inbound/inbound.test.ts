import t from 'tap'
import type { Kysely } from 'kysely'
import type { Database, Member } from '../../../src/db/database.js'
import { createTestDatabase } from '../../fixtures/database.js'
import { sendCalendarMailOn } from '../../fixtures/calendar-mail.js'
import { addMembership, createEvent, createMember } from '../../fixtures/factories.js'
import { buildWorld } from '../../fixtures/world.js'
import { replyCalendar, replyMessage, type ReplyOptions, type ReplyStyle } from '../../fixtures/replies/build.js'
import type { EventInput } from '../../../src/domain/events/events.service.js'
import { answerInTransaction } from '../../../src/domain/rsvps/rsvps.service.js'
import { eventUid } from '../../../src/domain/calendar/ics.js'
import { ingestCalendarReply, type InboundLog } from '../../../src/domain/inbound/inbound.service.js'
import { eventIdFromUid, readCalendar } from '../../../src/domain/inbound/calendar-reply.js'
import { testMailer } from '../../fixtures/calendar-mail.js'
import { eventInput } from '../../fixtures/events.js'

const PUBLIC_URL = 'http://convene.test'
const mailer = testMailer({ publicUrl: PUBLIC_URL, mailFrom: 'Convene <convene@agency.gov>', secret: 'inbound-test-secret' })
const DAY = 86_400_000

const input = (over: Partial<EventInput> = {}) => eventInput({ askAccessibility: false, ...over })

t.test('pure helpers', async (t) => {
  t.equal(eventIdFromUid('event-42@convene.test', PUBLIC_URL), 42)
  t.equal(eventIdFromUid('EVENT-42@Convene.Test', PUBLIC_URL), 42, 'case-insensitive')
  t.equal(eventIdFromUid('event-42@elsewhere.example', PUBLIC_URL), null, 'another site’s UID')
  t.equal(eventIdFromUid('040000008200E00074C5B7101A82E008', PUBLIC_URL), null, 'an Outlook-made UID')
  t.equal(eventIdFromUid('event-99999999999@convene.test', PUBLIC_URL), null, 'beyond an integer id')
  const reading = readCalendar(replyCalendar('outlook', { uid: 'event-1@convene.test', attendee: 'Ada@Agency.GOV', partstat: 'TENTATIVE', sequence: 3 }))
  t.same(reading, { kind: 'reply', events: [{ uid: 'event-1@convene.test', sequence: 3, attendees: [{ email: 'ada@agency.gov', partstat: 'TENTATIVE' }] }] })
  t.match(readCalendar('BEGIN:VCALENDAR\r\nno'), { kind: 'unparseable' })
  t.match(readCalendar(replyCalendar('google', { uid: 'x', attendee: 'a@b.gov', method: 'REQUEST' })), { kind: 'not-a-reply', method: 'REQUEST' })
})

t.test('calendar replies', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.drop())
  const db: Kysely<Database> = database.connection.db
  const { community, members: [ada] } = await buildWorld(db, { members: [{ full_name: 'Ada Member', email: `ada.${process.pid}@agency.gov` }], event: false })
  const to = `convene+${community.slug}@agency.gov`

  const logged: Array<{ level: string, msg: string, obj: object }> = []
  const log: InboundLog = {
    info: (obj, msg) => { logged.push({ level: 'info', msg, obj }) },
    warn: (obj, msg) => { logged.push({ level: 'warn', msg, obj }) }
  }

  const event = async (over: Partial<EventInput> = {}) => (await createEvent(db, community, input(over))).id
  async function newMember (name: string) {
    const m = await createMember(db, { full_name: name })
    await addMembership(db, community.id, m.id)
    return m
  }
  const ingest = (style: ReplyStyle, opts: ReplyOptions) => ingestCalendarReply(db, { mailer, log }, replyMessage(style, { to, ...opts }))
  const rsvp = (eventId: number, memberId: number) =>
    db.selectFrom('rsvps').select('status').where('event_id', '=', eventId).where('member_id', '=', memberId).executeTakeFirst()
  const answer = (eventId: number, m: Member, choice: 'going' | 'declined') =>
    db.transaction().execute((trx) => answerInTransaction(trx, { eventId, memberId: m.id, choice }))

  t.test('Google Calendar: accepted → going', async (t) => {
    const id = await event()
    const result = await ingest('google', { uid: eventUid(id, PUBLIC_URL), attendee: ada.email })
    t.match(result, { status: 'processed', reason: 'going', replies: [{ status: 'processed', reason: 'going', eventId: id, memberId: ada.id, attendee: ada.email }] })
    t.equal((await rsvp(id, ada.id))?.status, 'going')
    t.match(logged.at(-1), { level: 'info', msg: /Calendar reply processed: .* is now going/ })
  })

  t.test('Outlook: tentative → maybe, addresses compared without case', async (t) => {
    const id = await event()
    const shouting = ada.email.toUpperCase()
    const result = await ingest('outlook', { uid: eventUid(id, PUBLIC_URL), attendee: shouting, from: shouting, partstat: 'TENTATIVE' })
    t.match(result, { status: 'processed', reason: 'maybe' })
    t.equal((await rsvp(id, ada.id))?.status, 'maybe')
  })

  t.test('.ics attachment: declined → declined, and the first on the waitlist gets the seat', async (t) => {
    const id = await event({ capacity: 1, title: 'Small workshop' })
    const bo = await newMember('Bo Waiting')
    t.match(await answer(id, ada, 'going'), { status: 'going' })
    t.match(await answer(id, bo, 'going'), { status: 'waitlisted' })
    const result = await ingest('attachment', { uid: eventUid(id, PUBLIC_URL), attendee: ada.email, partstat: 'DECLINED' })
    t.match(result, { status: 'processed', reason: 'declined' })
    t.equal((await rsvp(id, ada.id))?.status, 'declined')
    t.equal((await rsvp(id, bo.id))?.status, 'going', 'promoted')
    await sendCalendarMailOn(db) // the promotion's notice, as the worker sends it
    const notice = await db.selectFrom('mail_messages').selectAll().where('member_id', '=', bo.id).where('kind', '=', 'rsvp-promoted').executeTakeFirst()
    t.match(notice?.subject, 'A place opened up: you’re going to Small workshop')
  })

  t.test('accepting a full event waitlists the member and mails them, once', async (t) => {
    const id = await event({ capacity: 1, title: 'Full house' })
    const cy = await newMember('Cy Early')
    await answer(id, cy, 'going')
    const reply = { uid: eventUid(id, PUBLIC_URL), attendee: ada.email }
    t.match(await ingest('google', reply), { status: 'processed', reason: 'waitlisted' })
    t.equal((await rsvp(id, ada.id))?.status, 'waitlisted')
    const mails = () => db.selectFrom('mail_messages').selectAll().where('member_id', '=', ada.id).where('kind', '=', 'rsvp-waitlisted').execute()
    const [mail, ...more] = await mails()
    t.same(more, [])
    t.equal(mail.to_address, ada.email)
    t.equal(mail.subject, 'You’re on the waitlist for Full house')
    t.match(mail.text_body, 'the event is full, so you are on the waitlist')
    t.match(mail.text_body, `${PUBLIC_URL}/c/${community.slug}/events/${id}`)
    t.match(await ingest('google', reply), { status: 'processed', reason: 'waitlisted' }, 'the same reply again')
    t.equal((await mails()).length, 1, 'no second notice')
  })

  t.test('a reply to an older SEQUENCE is ignored and logged; the current one counts', async (t) => {
    const id = await event()
    await db.updateTable('events').set({ sequence: 2 }).where('id', '=', id).execute()
    const uid = eventUid(id, PUBLIC_URL)
    t.match(await ingest('outlook', { uid, attendee: ada.email, sequence: 1, partstat: 'DECLINED' }),
      { status: 'ignored', reason: 'stale-sequence', message: /SEQUENCE 1 .* now at 2/ })
    t.equal(await rsvp(id, ada.id), undefined)
    t.match(logged.at(-1), { level: 'info', msg: /Calendar reply ignored: .*SEQUENCE 1/ })
    t.match(await ingest('outlook', { uid, attendee: ada.email, sequence: 2, partstat: 'DECLINED' }), { status: 'processed', reason: 'declined' })
  })

  t.test('unknown UIDs are ignored', async (t) => {
    t.match(await ingest('google', { uid: 'event-999999@convene.test', attendee: ada.email }), { status: 'ignored', reason: 'unknown-uid' })
    t.match(await ingest('google', { uid: 'event-1@another.site', attendee: ada.email }), { status: 'ignored', reason: 'unknown-uid' })
    t.match(await ingest('outlook', { uid: '040000008200E00074C5B7101A82E00800000000', attendee: ada.email }), { status: 'ignored', reason: 'unknown-uid' })
  })

  t.test('attendees who are not members, and senders who are not the attendee, change nothing', async (t) => {
    const id = await event()
    const uid = eventUid(id, PUBLIC_URL)
    const outsider = await createMember(db, { full_name: 'Out Sider' })
    t.match(await ingest('google', { uid, attendee: 'nobody@agency.gov' }), { status: 'ignored', reason: 'unknown-attendee' })
    t.match(await ingest('google', { uid, attendee: outsider.email }), { status: 'ignored', reason: 'not-a-member' })
    t.match(logged.at(-1), { level: 'warn', msg: /not a member/ })
    t.match(await ingest('google', { uid, attendee: ada.email, from: 'mallory@agency.gov' }), { status: 'ignored', reason: 'sender-mismatch' })
    t.match(logged.at(-1), { level: 'warn' })
    // A forger lists the member beside their own address: From: with two addresses answers for nobody.
    for (const from of [`attacker@evil.example, ${ada.email}`, `${ada.email}, attacker@evil.example`, `${ada.email}, ${ada.email.toUpperCase()}`]) {
      const forged = replyMessage('google', { to, uid, attendee: ada.email }).replace(/^From: .*$/m, `From: ${from}`)
      t.match(await ingestCalendarReply(db, { mailer, log }, forged), { status: 'ignored', reason: 'sender-mismatch', replies: [{ message: /exactly one address/ }] }, from)
    }
    t.equal(await rsvp(id, ada.id), undefined)
    t.equal(await rsvp(id, outsider.id), undefined)
  })

  t.test('cancelled, ended and unanswered', async (t) => {
    const cancelled = await event()
    await db.updateTable('events').set({ status: 'cancelled' }).where('id', '=', cancelled).execute()
    t.match(await ingest('google', { uid: eventUid(cancelled, PUBLIC_URL), attendee: ada.email }), { status: 'ignored', reason: 'event-cancelled' })
    const past = await event()
    await db.updateTable('events').set({ starts_at: new Date(Date.now() - 3 * DAY), ends_at: new Date(Date.now() - 3 * DAY + 3_600_000) }).where('id', '=', past).execute()
    t.match(await ingest('google', { uid: eventUid(past, PUBLIC_URL), attendee: ada.email }), { status: 'ignored', reason: 'event-ended' })
    const draft = await createEvent(db, community, { ...input(), status: 'draft' })
    t.match(await ingest('google', { uid: eventUid(draft.id, PUBLIC_URL), attendee: ada.email }), { status: 'ignored', reason: 'event-not-published' })
    const open = await event()
    t.match(await ingest('google', { uid: eventUid(open, PUBLIC_URL), attendee: ada.email, partstat: 'NEEDS-ACTION' }), { status: 'ignored', reason: 'no-answer' })
    const closed = await event({ rsvpClosesAt: new Date(Date.now() - 60_000) })
    t.match(await ingest('google', { uid: eventUid(closed, PUBLIC_URL), attendee: ada.email }), { status: 'ignored', reason: 'rsvp-refused', message: /RSVPs closed/ })
    t.match(await ingest('google', { uid: eventUid(closed, PUBLIC_URL), attendee: ada.email, partstat: 'DECLINED' }), { status: 'processed', reason: 'declined' },
      'declining stays possible after RSVPs close')
    // An archived community's events take no answers, by calendar reply either; restored, they do again.
    const archived = await event()
    await db.updateTable('communities').set({ archived_at: new Date() }).where('id', '=', community.id).execute()
    t.match(await ingest('google', { uid: eventUid(archived, PUBLIC_URL), attendee: ada.email }), { status: 'ignored', reason: 'community-archived', replies: [{ message: /archived/ }] })
    t.equal(await rsvp(archived, ada.id), undefined, 'no answer recorded')
    await db.updateTable('communities').set({ archived_at: null }).where('id', '=', community.id).execute()
    t.match(await ingest('google', { uid: eventUid(archived, PUBLIC_URL), attendee: ada.email }), { status: 'processed', reason: 'going' })
  })

  t.test('messages that are not replies', async (t) => {
    const id = await event()
    const uid = eventUid(id, PUBLIC_URL)
    t.match(await ingestCalendarReply(db, { mailer }, ''), { status: 'ignored', reason: 'empty-message' })
    t.match(await ingestCalendarReply(db, { mailer }, `From: ${ada.email}\r\nTo: ${to}\r\nSubject: Hello\r\n\r\nJust text.\r\n`),
      { status: 'ignored', reason: 'no-calendar-part' })
    t.match(await ingest('google', { uid, attendee: ada.email, method: 'REQUEST' }), { status: 'ignored', reason: 'not-a-reply', message: /METHOD is REQUEST/ })
    const broken = replyMessage('outlook', { uid, attendee: ada.email }).replace(/\r\n\r\n[A-Za-z0-9+/=\r\n]+\r\n\r\n--_000_SA1PR09MB8123B6C2D4E5F6A7B8C9SA1PR09MB8123namp_--/,
      `\r\n\r\n${Buffer.from('BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n').toString('base64')}\r\n\r\n--_000_SA1PR09MB8123B6C2D4E5F6A7B8C9SA1PR09MB8123namp_--`)
    t.match(await ingestCalendarReply(db, { mailer }, broken), { status: 'ignored', reason: 'unparseable-calendar' })
    // An empty or undecodable calendar part is a stray message like any other, not an error (a provider would
    // retry a 500 for days).
    for (const part of ['', '=?broken', '\u0000\u0001']) {
      const empty = `From: ${ada.email}\r\nTo: ${to}\r\nSubject: Accepted\r\nContent-Type: text/calendar; method=REPLY\r\n\r\n${part}\r\n`
      t.match(await ingestCalendarReply(db, { mailer }, empty), { status: 'ignored' }, `calendar part ${JSON.stringify(part)}`)
    }
    t.equal(await rsvp(id, ada.id), undefined)
  })
})
