import t from 'tap'
import { createTestApp, text } from '../fixtures/build-app.js'
import { createCommunity, createMember } from '../fixtures/factories.js'
import { replyMessage } from '../fixtures/replies/build.js'
import { eventUid } from '../../src/domain/calendar/ics.js'

const TOKEN = 'inbound-token-0123456789abcdef'
const DAY = 86_400_000

t.test('POST /inbound/mail', async (t) => {
  const { app, database } = await createTestApp(t, { config: { INBOUND_MAIL_TOKEN: TOKEN } })
  const db = app.db
  const organizer = await createMember(db, { full_name: 'Olive Organizer' })
  const ada = await createMember(db, { full_name: 'Ada Member' })
  const community = await createCommunity(db, { organizer, members: [ada] })
  const startsAt = new Date(Date.now() + 7 * DAY)
  const event = await db.insertInto('events').values({
    community_id: community.id, kind: 'meetup', title: 'Regional meetup', why_it_matters: 'Meet the people who do your job.',
    starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 7_200_000), time_zone: 'America/New_York', status: 'published'
  }).returningAll().executeTakeFirstOrThrow()
  const uid = eventUid(event.id, app.config.PUBLIC_URL)
  const to = `convene+${community.slug}@localhost`
  const rsvp = async () => (await db.selectFrom('rsvps').select('status').where('event_id', '=', event.id).where('member_id', '=', ada.id).executeTakeFirst())?.status

  const post = (payload: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/inbound/mail', payload, headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${TOKEN}`, ...headers } })

  t.test('without the token or with a wrong one: 401, nothing changes', async (t) => {
    const message = replyMessage('google', { uid, attendee: ada.email, to })
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, 'Bearer']) {
      const res = await app.inject({ method: 'POST', url: '/inbound/mail', payload: message, headers: { 'content-type': 'message/rfc822', ...(authorization ? { authorization } : {}) } })
      t.equal(res.statusCode, 401, String(authorization))
      t.same(res.json(), { status: 'error', reason: 'unauthorized' })
      t.match(res.headers['www-authenticate'], /^Bearer/)
    }
    t.equal(await rsvp(), undefined)
  })

  t.test('a good token and a reply: 200 processed, the RSVP is recorded (no CSRF token needed)', async (t) => {
    const res = await post(replyMessage('google', { uid, attendee: ada.email, to, partstat: 'TENTATIVE' }))
    t.equal(res.statusCode, 200)
    t.same(res.json(), { status: 'processed', reason: 'maybe' })
    t.equal(await rsvp(), 'maybe')
  })

  t.test('text/plain bodies work as well; the token is compared exactly, the scheme without case', async (t) => {
    const res = await post(replyMessage('outlook', { uid, attendee: ada.email, to }), { 'content-type': 'text/plain; charset=utf-8', authorization: `bearer ${TOKEN}` })
    t.equal(res.statusCode, 200)
    t.same(res.json(), { status: 'processed', reason: 'going' })
    t.equal(await rsvp(), 'going')
  })

  t.test('ignored messages answer 200 with the reason, so the provider does not retry', async (t) => {
    const res = await post(replyMessage('attachment', { uid: 'event-424242@convene.test', attendee: ada.email, to, partstat: 'DECLINED' }))
    t.equal(res.statusCode, 200)
    t.same(res.json(), { status: 'ignored', reason: 'unknown-uid' })
    const stale = await post(replyMessage('google', { uid, attendee: ada.email, to, partstat: 'DECLINED', sequence: -1 }))
    t.same(stale.json(), { status: 'ignored', reason: 'stale-sequence' })
    t.equal(await rsvp(), 'going', 'unchanged')
  })

  t.test('an empty body is a 400; other content types a 415', async (t) => {
    const empty = await post('')
    t.equal(empty.statusCode, 400)
    t.same(empty.json(), { status: 'error', reason: 'empty-body' })
    const blank = await post('\r\n  \r\n')
    t.equal(blank.statusCode, 400)
    const json = await post(JSON.stringify({ raw: 'x' }), { 'content-type': 'application/json' })
    t.equal(json.statusCode, 415)
    t.match(json.json(), { status: 'error', reason: /message\/rfc822/ })
  })

  t.test('without INBOUND_MAIL_TOKEN the endpoint does not exist', async (t) => {
    const { app: bare } = await createTestApp(t, { database })
    const res = await bare.inject({ method: 'POST', url: '/inbound/mail', payload: replyMessage('google', { uid, attendee: ada.email, to }), headers: { 'content-type': 'message/rfc822', authorization: 'Bearer ' } })
    t.equal(res.statusCode, 404)
    t.match(text(res.body), 'couldn')
  })
})
