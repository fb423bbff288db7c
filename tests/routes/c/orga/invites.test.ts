import t from 'tap'
import { Client, createTestApp, PUBLIC_URL, text } from '../../../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../../../fixtures/factories.js'
import type { Event, Member } from '../../../../src/db/database.js'
import { cancelEvent, createEvent, publishEvent, type EventInput } from '../../../../src/domain/events/events.service.js'
import { sendCalendarMail } from '../../../fixtures/calendar-mail.js'
import { answerInTransaction, type RsvpChoice } from '../../../../src/domain/rsvps/rsvps.service.js'

// An organizer sends calendar invites for an event (/c/:slug/orga/events/:id/invite): to the members whose
// addresses they paste, or to everyone in the community. Each member gets their own message.

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** The calendar text with folded lines joined again. */
const unfold = (ical: string) => ical.replace(/\r\n[ \t]/g, '')

t.test('organizers invite members to an event', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const olive = await createMember(db, { full_name: 'Olive Organizer', email: 'olive@lab.gov' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', email: 'ada@lab.gov' })
  const ben = await createMember(db, { full_name: 'Ben Bench', email: 'ben@lab.gov' })
  const cy = await createMember(db, { full_name: 'Cy Declined', email: 'cy@lab.gov' })
  const dee = await createMember(db, { full_name: 'Dee Quiet', email: 'dee@lab.gov' })
  const eve = await createMember(db, { full_name: 'Eve Going', email: 'eve@lab.gov' })
  const outsider = await createMember(db, { full_name: 'Oscar Outsider', email: 'oscar@elsewhere.gov' })
  const rival = await createMember(db, { full_name: 'Rita Rival', email: 'rita@records.gov' })
  const admin = await createMember(db, { full_name: 'Site Admin', email: 'admin@site.gov', is_admin: true })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: olive, members: [ada, ben, cy, dee, eve] })
  const other = await createCommunity(db, { slug: 'records', name: 'Records Managers', organizer: rival })
  const base = `/c/${community.slug}`

  const as = async (m: Member | null) => {
    const c = new Client(app)
    if (m) await signInAs(c, m)
    return c
  }
  const organizer = await as(olive)

  let n = 0
  async function event (over: Partial<EventInput> = {}, communityId = community.id, creator = olive, publish = true): Promise<Event> {
    const startsAt = new Date(Math.floor((Date.now() + 14 * DAY) / 60_000) * 60_000)
    const input: EventInput = {
      kind: 'meetup', title: `Validation roundtable ${++n}`, summary: '', whyItMatters: 'Share validation plans.',
      startsAt, endsAt: new Date(startsAt.getTime() + 2 * HOUR), timeZone: 'America/New_York',
      venueName: 'State Lab', venueAddress: '1 Main St', venueRoom: null, accessibilityNotes: null, onlineUrl: 'https://meet.example.gov/r',
      region: null, liveTranscriptUrl: 'https://captions.example.gov/r', recordingUrl: null, capacity: null, rsvpClosesAt: null,
      askAccessibility: false, askDietary: false, ...over
    }
    return db.transaction().execute(async (trx) => {
      const e = await createEvent(trx, communityId, input, creator.id)
      return publish ? publishEvent(trx, e.id) : e
    })
  }
  /** An answer, then its calendar mail as the worker sends it. */
  async function answer (e: Event, m: Member, choice: RsvpChoice) {
    const outcome = await db.transaction().execute((trx) => answerInTransaction(trx, { eventId: e.id, memberId: m.id, choice }))
    await sendCalendarMail(app)
    return outcome
  }
  /** The invitations an organizer sent for the event (not the mails members' own answers bring), once the worker ran. */
  const invitations = async (e: Event) => {
    await sendCalendarMail(app)
    return db.selectFrom('mail_messages').selectAll()
      .where('kind', '=', 'calendar-invite').where('subject', '=', `Invitation: ${e.title}`).orderBy('id').execute()
  }
  const inviteUrl = (e: Event, slug = community.slug) => `/c/${slug}/orga/events/${e.id}/invite`

  const published = await event()

  await t.test('the organizer invites pasted addresses: one REQUEST each; non-members listed, never mailed', async (t) => {
    const page = await organizer.get(inviteUrl(published))
    t.equal(page.statusCode, 200)
    const shown = text(page.body)
    t.match(shown, 'Invite members')
    t.match(shown, `calendar invitation for “${published.title}”`)
    t.match(shown, 'Everyone in DNA Analysts')
    t.match(page.body, `action="${inviteUrl(published)}"`)
    t.match(page.body, 'name="emails"')

    const pasted = `ada@lab.gov, "Ben Bench" <BEN@LAB.GOV>\noscar@elsewhere.gov; not-an-address\nada@lab.gov`
    const res = await organizer.post(inviteUrl(published), { who: 'list', emails: pasted })
    t.equal(res.statusCode, 200)
    const result = text(res.body)
    t.match(result, 'Invitations sent')
    t.match(result, `2 members were sent an invitation to “${published.title}”.`)
    t.notMatch(result, 'already had it', 'nobody skipped')
    t.match(result, 'Not invited: not members of DNA Analysts')
    t.match(res.body, '<li>oscar@elsewhere.gov</li>')
    t.notMatch(res.body, '<li>ada@lab.gov</li>', 'members are not listed as non-members')
    t.match(result, 'Not invited: not email addresses')
    t.match(res.body, '<li>“not-an-address”</li>', 'an entry that is not an address is reported as one, as typed')
    t.notMatch(result, 'not-an-address Not invited', 'and not as a non-member')

    const mails = await invitations(published)
    t.same(mails.map((m) => m.to_address), [ada.email, ben.email], 'one message per member, in member order')
    t.same(mails.map((m) => m.member_id), [ada.id, ben.id])
    for (const [m, who] of [[mails[0], ada], [mails[1], ben]] as const) {
      t.equal(m.ical_method, 'REQUEST')
      t.equal(m.status, 'queued')
      const ical = unfold(m.ical ?? '')
      t.match(ical, 'METHOD:REQUEST')
      t.match(ical, `UID:event-${published.id}@convene.test`)
      t.match(ical, new RegExp(`ATTENDEE;[^\\r\\n]*PARTSTAT=NEEDS-ACTION[^\\r\\n]*:mailto:${who.email}`), `${who.full_name} is the only attendee`)
      t.equal((ical.match(/^ATTENDEE/gm) ?? []).length, 1)
      t.match(m.text_body, `Hello ${who.full_name},`)
      t.match(m.text_body, `Going: ${PUBLIC_URL}/rsvp/${published.id}.${who.id}.going.`)
      t.match(m.text_body, `Can’t go: ${PUBLIC_URL}/rsvp/${published.id}.${who.id}.declined.`)
    }
    const held = await db.selectFrom('calendar_invites').select(['member_id', 'method']).where('event_id', '=', published.id).orderBy('member_id').execute()
    t.same(held, [{ member_id: ada.id, method: 'REQUEST' }, { member_id: ben.id, method: 'REQUEST' }])
    t.same(await db.selectFrom('mail_messages').select('id').where('to_address', '=', outsider.email).execute(), [], 'nothing to the outsider')
  })

  await t.test('entries that are not addresses are reported as typed, escaped, never read as another address', async (t) => {
    const before = (await invitations(published)).length
    const bad = await organizer.post(inviteUrl(published), { who: 'list', emails: 'not-an-email\n<script>alert(1)</script>' }, { csrfFrom: inviteUrl(published) })
    t.equal(bad.statusCode, 400, 'nothing to send: the form says why')
    const shown = text(bad.body)
    t.match(shown, '“not-an-email”, “<script>alert(1)</script>” are not email addresses.')
    t.notMatch(shown, 'not a member')
    t.notMatch(bad.body, '<script>alert', 'escaped in the page')
    t.match(bad.body, '&lt;script&gt;alert(1)&lt;/script&gt;')
    t.match(bad.body, '>not-an-email\n&lt;script&gt;alert(1)&lt;/script&gt;</textarea>', 'the list is kept as typed')

    const long = `${'x'.repeat(60)}@`
    const mixed = await organizer.post(inviteUrl(published), { who: 'list', emails: `ada@lab.gov\n${long}\n<script>x</script>` }, { csrfFrom: inviteUrl(published) })
    t.equal(mixed.statusCode, 200)
    t.match(mixed.body, `<li>“${'x'.repeat(40)}…”</li>`, 'a long entry is quoted by a short prefix')
    t.match(mixed.body, '<li>“&lt;script&gt;x&lt;/script&gt;”</li>')
    t.notMatch(mixed.body, '<li>script</li>')
    t.equal((await invitations(published)).length, before, 'Ada already holds the invitation: nothing new is sent')

    const tooLong = await organizer.post(inviteUrl(published), { who: 'list', emails: 'a'.repeat(50_001) }, { csrfFrom: inviteUrl(published) })
    t.equal(tooLong.statusCode, 400)
    t.match(text(tooLong.body), 'The email addresses must be 50000 characters or fewer (you entered 50001).')
  })

  await t.test('"everyone": each member not yet invited gets one; holders and “can’t go” are skipped', async (t) => {
    await answer(published, cy, 'declined')
    await answer(published, eve, 'going') // her answer brought her the invite already
    const res = await organizer.post(inviteUrl(published), { who: 'everyone', emails: '' }, { csrfFrom: inviteUrl(published) })
    t.equal(res.statusCode, 200)
    const result = text(res.body)
    t.match(result, `2 members were sent an invitation to “${published.title}”.`)
    t.match(result, '4 members already had it or said they can’t go, so were not emailed again.')
    t.notMatch(result, 'Not invited', 'no address was pasted')
    const mails = await invitations(published)
    t.same(mails.map((m) => m.to_address), [ada.email, ben.email, olive.email, dee.email], 'Olive and Dee, once each; Ada and Ben not again')
    t.ok(mails.every((m) => m.ical_method === 'REQUEST'))
    t.same(await db.selectFrom('mail_messages').select('id').where('to_address', '=', cy.email).where('kind', '=', 'calendar-invite').execute(), [],
      'nothing to the member who can’t go')

    const again = await organizer.post(inviteUrl(published), { who: 'everyone' }, { csrfFrom: inviteUrl(published) })
    t.equal(again.statusCode, 200)
    t.match(text(again.body), `0 members were sent an invitation to “${published.title}”. 6 members already had it or said they can’t go`)
    t.equal((await invitations(published)).length, 4, 'a second "everyone" mails nobody')

    const one = await organizer.post(inviteUrl(published), { who: 'list', emails: 'dee@lab.gov' }, { csrfFrom: inviteUrl(published) })
    t.match(text(one.body), '0 members were sent an invitation')
    t.match(text(one.body), '1 member already had it or said they can’t go, so was not emailed again.')
  })

  await t.test('an empty list is refused with a message; the input is kept', async (t) => {
    const before = (await invitations(published)).length
    const empty = await organizer.post(inviteUrl(published), { who: 'list', emails: '' }, { csrfFrom: inviteUrl(published) })
    t.equal(empty.statusCode, 400)
    t.match(text(empty.body), 'There is a problem with what you entered')
    t.match(text(empty.body), 'Paste the email addresses of the members to invite, or choose everyone in the community.')
    t.match(empty.body, 'aria-invalid="true"')

    const separators = await organizer.post(inviteUrl(published), { who: 'list', emails: ', ;\n;' }, { csrfFrom: inviteUrl(published) })
    t.equal(separators.statusCode, 400, 'separators alone are no addresses')
    t.match(text(separators.body), 'Paste the email addresses of the members to invite')
    t.match(separators.body, /<textarea[^>]*name="emails"[^>]*>, ;\n;<\/textarea>/, 'what was typed is shown again')
    t.match(separators.body, /id="who-list" type="radio" name="who" value="list" checked/, 'and the choice')

    const many = Array.from({ length: 501 }, (_, i) => `person${i}@lab.gov`).join('\n')
    const tooMany = await organizer.post(inviteUrl(published), { who: 'list', emails: many }, { csrfFrom: inviteUrl(published) })
    t.equal(tooMany.statusCode, 400)
    t.match(text(tooMany.body), 'Paste at most 500 addresses at a time.')
    t.match(tooMany.body, 'person500@lab.gov', 'the list is kept')
    t.equal((await invitations(published)).length, before, 'nothing was sent')
  })

  await t.test('a draft, a cancelled and a past event take no invitations', async (t) => {
    const draft = await event({}, community.id, olive, false)
    const cancelled = await event()
    await db.transaction().execute((trx) => cancelEvent(trx, cancelled.id))
    const startsAt = new Date(Math.floor((Date.now() - 3 * DAY) / 60_000) * 60_000)
    const past = await event({ startsAt, endsAt: new Date(startsAt.getTime() + 2 * HOUR) })
    for (const [e, message] of [
      [draft, 'Publish this event before inviting members.'],
      [cancelled, 'This event was cancelled, so it takes no invitations.'],
      [past, 'This event has ended.']
    ] as const) {
      const page = await organizer.get(inviteUrl(e))
      t.equal(page.statusCode, 200, `${e.status} ${e.title}: the page opens`)
      t.match(text(page.body), message, 'and says why it takes no invitations')
      t.notMatch(page.body, 'name="emails"', 'with no form')
      const res = await organizer.post(inviteUrl(e), { who: 'everyone' }, { csrfFrom: inviteUrl(published) })
      t.equal(res.statusCode, 409, 'sending anyway is refused')
      t.match(text(res.body), message)
      t.same(await invitations(e), [], 'nothing was sent')
    }
  })

  await t.test('only the community’s organizers (and site admins) may invite', async (t) => {
    const url = inviteUrl(published)
    const count = async () => (await invitations(published)).length
    const before = await count()

    const member = await as(ada)
    const asMember = await member.get(url)
    t.equal(asMember.statusCode, 403, 'a member of the community: 403')
    t.match(text(asMember.body), 'Only this community’s organizers can do that.')
    const memberPost = await member.post(url, { who: 'everyone' }, { csrfFrom: `${base}/events/${published.id}` })
    t.equal(memberPost.statusCode, 403)

    const stranger = await as(outsider)
    const asStranger = await stranger.get(url)
    t.equal(asStranger.statusCode, 404, 'a signed-in non-member: 404, as if there were no such community')
    t.match(text(asStranger.body), 'We couldn\'t find that page.')
    t.equal((await stranger.post(url, { who: 'everyone' }, { csrfFrom: '/' })).statusCode, 404)

    const rivalClient = await as(rival)
    t.equal((await rivalClient.get(url)).statusCode, 404, 'an organizer of another community: 404')
    t.equal((await rivalClient.post(url, { who: 'everyone' }, { csrfFrom: '/' })).statusCode, 404)
    const theirs = await event({}, other.id, rival)
    t.equal((await rivalClient.get(inviteUrl(theirs, other.slug))).statusCode, 200, 'while their own community’s page works')
    t.equal((await organizer.get(inviteUrl(theirs))).statusCode, 404, 'another community’s event under this community’s address: 404')

    const anonymous = await as(null)
    const signedOut = await anonymous.get(url)
    t.equal(signedOut.statusCode, 404, 'not signed in: 404 (no redirect to sign in)')
    t.equal(signedOut.headers.location, undefined)
    const anonymousPost = await anonymous.post(url, { who: 'everyone' }, { csrfFrom: '/sign-in' })
    t.ok(anonymous.lastCsrf, 'with a CSRF token from the sign-in page')
    t.equal(anonymousPost.statusCode, 404)

    t.equal((await organizer.get(`${base}/orga/events/abc/invite`)).statusCode, 404, 'a malformed id: 404')
    t.equal((await organizer.get(`${base}/orga/events/999999/invite`)).statusCode, 404, 'an unknown id: 404')
    t.equal(await count(), before, 'none of them sent anything')

    const siteAdmin = await as(admin)
    t.equal((await siteAdmin.get(url)).statusCode, 200, 'a site admin may')
  })
})
