import t from 'tap'
import { Client, createTestApp, PUBLIC_URL, text } from '../../../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, createSeries, signInAs } from '../../../fixtures/factories.js'
import { createClosedCall, insertSubmittedProposal } from '../../../fixtures/calls.js'
import { decide, releaseDecisions } from '../../../../src/domain/proposals/decisions.service.js'
import { placeTalk, speakerLine } from '../../../../src/domain/proposals/placement.service.js'
import { seriesFormValues } from '../../../../src/forms/series-form.js'
import type { Member } from '../../../../src/db/database.js'

const DAY = 86_400_000
const WHY = 'Every lab under the 2025 QAS revision has to re-validate its mixture protocol; this saves you months.'

t.test('speakerLine names every speaker', async (t) => {
  t.equal(speakerLine(['Ada Analyst']), 'Ada Analyst')
  t.equal(speakerLine(['Ada Analyst', 'Ben Bench']), 'Ada Analyst and Ben Bench')
  t.equal(speakerLine(['A', 'B', 'C']), 'A, B and C')
  t.equal(speakerLine(['x'.repeat(300)]).length, 200)
})

t.test('placing a series call’s accepted talks on the series’ meetings', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer' })
  const ada = await createMember(db, { full_name: 'Ada Analyst' })
  const ben = await createMember(db, { full_name: 'Ben Bench' })
  const cy = await createMember(db, { full_name: 'Cy Cole' })
  const dee = await createMember(db, { full_name: 'Dee Backup' })
  const eve = await createMember(db, { full_name: 'Eve Rejected' })
  const stranger = await createMember(db, { full_name: 'Sam Stranger' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada, ben, cy, dee, eve] })
  const records = await createCommunity(db, { slug: 'records', name: 'Records', organizer: stranger })
  const { series } = await createSeries(db, community, { title: 'Brown-bag', whyItMatters: 'Learn from each other.' })
  const { series: theirSeries } = await createSeries(db, records, { title: 'Records brown-bag' })
  const now = Date.now()
  const { call } = await createClosedCall(db, community.id, { kind: 'series', id: series.id, timeZone: 'America/Chicago' }, orga.id, 'Talks for the next brown-bags')
  const propose = async (m: Member, title: string) => insertSubmittedProposal(db, call, m.id, title, { why: WHY, pitch: `${title}: the pitch.` })
  const pa = await propose(ada, 'How we halved our backlog')
  const pc = await propose(cy, 'Validation on a shoestring')
  const pd = await propose(dee, 'Mixtures made simple')
  const pe = await propose(eve, 'Our vendor’s product')
  const pn = await propose(cy, 'Accepted, not released')
  await db.insertInto('proposal_speakers').values({ proposal_id: pa.id, email: ben.email, member_id: ben.id, state: 'accepted' }).execute()
  await decide(db, call.id, pa.id, 'accepted', '', orga.id)
  await decide(db, call.id, pc.id, 'accepted', '', orga.id)
  await decide(db, call.id, pd.id, 'backup', '', orga.id)
  await decide(db, call.id, pe.id, 'rejected', '', orga.id)
  await releaseDecisions(db, app.mailer, community.id, call.id)
  await decide(db, call.id, pn.id, 'accepted', '', orga.id)

  const meetings = await db.selectFrom('events').selectAll().where('series_id', '=', series.id).orderBy('starts_at').execute()
  t.ok(meetings.length >= 6, 'the series has upcoming meetings')
  const [m1, m2, m3, m4, pastOne, cancelled] = meetings
  await db.updateTable('events').set({ starts_at: new Date(now - DAY), ends_at: new Date(now - DAY + 3_600_000) }).where('id', '=', pastOne.id).execute()
  await db.updateTable('events').set({ status: 'cancelled' }).where('id', '=', cancelled.id).execute()
  const theirMeeting = await db.selectFrom('events').select('id').where('series_id', '=', theirSeries.id).orderBy('starts_at').limit(1).executeTakeFirstOrThrow()

  const as = async (m: Member | null) => {
    const c = new Client(app)
    if (m) await signInAs(c, m)
    return c
  }
  const organizer = await as(orga)
  const url = `/c/dna/orga/calls/${call.id}/placement`
  const row = (id: number) => db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const place = (proposalId: number, eventId: number | '') => organizer.post(url, { proposal_id: String(proposalId), event_id: String(eventId) }, { csrfFrom: url })

  await t.test('only the community’s organizers reach it; a call on an event has none', async (t) => {
    t.equal((await (await as(ada)).get(url)).statusCode, 403)
    t.equal((await (await as(stranger)).get(url)).statusCode, 404)
    t.equal((await (await as(null)).get(url)).statusCode, 404)
    t.equal((await (await as(stranger)).get(`/c/records/orga/calls/${call.id}/placement`)).statusCode, 404, 'a call of another community is not found')
    const conference = await createEvent(db, community, { title: 'Conference' })
    const { call: eventCall } = await createClosedCall(db, community.id, { kind: 'event', id: conference.id, timeZone: 'America/New_York' }, orga.id, 'Conference talks')
    t.equal((await organizer.get(`/c/dna/orga/calls/${eventCall.id}/placement`)).statusCode, 404)
    const show = await organizer.get(`/c/dna/orga/calls/${eventCall.id}`)
    t.match(show.body, `href="/c/dna/orga/events/${conference.id}/agenda"`, 'the event call’s page links to the event’s agenda')
    t.notMatch(show.body, '/placement"')
  })

  await t.test('the call page links to the table: each accepted talk with the upcoming meetings in the series’ zone', async (t) => {
    const show = await organizer.get(`/c/dna/orga/calls/${call.id}`)
    t.match(show.body, `href="${url}"`)
    t.match(text(show.body), 'Place the accepted talks on the series’ meetings (3 accepted)')
    const page = await organizer.get(url)
    t.equal(page.statusCode, 200)
    const said = text(page.body)
    t.match(said, 'How we halved our backlog')
    t.match(said, 'Validation on a shoestring')
    t.notMatch(said, 'Mixtures made simple', 'a backup is not listed')
    t.notMatch(said, 'Our vendor’s product', 'a rejected talk is not listed')
    t.match(said, '1 accepted talk is not released yet')
    t.match(said, 'America/Chicago'.replace('_', ' '))
    t.match(page.body, `<option value="${m1.id}">`)
    t.notMatch(page.body, `<option value="${pastOne.id}">`, 'a past meeting is not offered')
    t.notMatch(page.body, `<option value="${cancelled.id}">`, 'a cancelled meeting is not offered')
    t.match(page.body, `<label class="usa-label" for="event_id-${pa.id}">Meeting for “How we halved our backlog”</label>`)
    t.match(page.body, 'name="_csrf"')
  })

  await t.test('place: the meeting shows the speakers, why this matters and the talk, and stays with the series', async (t) => {
    const res = await place(pa.id, m1.id)
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, url)
    const e = await row(m1.id)
    t.equal(e.speaker_name, 'Ada Analyst and Ben Bench', 'the submitter and the accepted co-speaker')
    t.equal(e.why_it_matters, WHY, 'from the template’s “why this matters” field')
    t.equal(e.proposal_id, pa.id)
    t.equal(e.edited_individually, false, 'not “changed on its own”')
    t.match(text((await organizer.get(url)).body), 'Talk placed on the meeting of')

    const member = await as(cy)
    const page = text((await member.get(`/c/dna/events/${m1.id}`)).body)
    t.match(page, 'Speaker Ada Analyst and Ben Bench')
    t.match(page, `Why this matters: ${WHY}`)
    t.match(page, 'Talk How we halved our backlog')
    t.notMatch(page, 'the accepted proposal', 'members see no link to the proposal')
    const orgaPage = await organizer.get(`/c/dna/events/${m1.id}`)
    t.match(orgaPage.body, `href="/c/dna/calls/${call.id}/proposals/${pa.id}">How we halved our backlog</a>`, 'organizers get the link to the talk')
    t.notMatch(text((await organizer.get(`/c/dna/orga/series/${series.id}`)).body), 'changed on its own')
    const own = await (await as(ada)).get(`/c/dna/calls/${call.id}/proposals/${pa.id}`)
    t.match(text(own.body), 'Your talk is on the meeting of')
    t.match(own.body, `href="/c/dna/events/${m1.id}"`, 'the speaker’s page links to the meeting')
  })

  await t.test('refused: a taken, past or cancelled meeting, a talk not accepted, a bad meeting value', async (t) => {
    const taken = await place(pc.id, m1.id)
    t.equal(taken.statusCode, 409)
    t.match(text(taken.body), 'That meeting already holds another talk')
    t.match(taken.body, `<option value="${m1.id}" selected>`, 'the choice is kept')
    t.equal((await row(m1.id)).proposal_id, pa.id)
    const past = await place(pc.id, pastOne.id)
    t.equal(past.statusCode, 409)
    t.match(text(past.body), 'That meeting has already started')
    const gone = await place(pc.id, cancelled.id)
    t.equal(gone.statusCode, 409)
    t.match(text(gone.body), 'That meeting is cancelled')
    for (const p of [pd, pe, pn]) {
      const res = await place(p.id, m4.id)
      t.equal(res.statusCode, 409)
      t.match(text(res.body), 'is not an accepted talk')
    }
    const bad = await organizer.post(url, { proposal_id: String(pc.id), event_id: 'soon' }, { csrfFrom: url })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'Meeting: choose one of the meetings listed')
    t.equal((await row(m4.id)).speaker_name, null, 'nothing changed')
    t.equal((await row(pastOne.id)).speaker_name, null)
  })

  await t.test('ids of another community: 404, nothing of theirs changes', async (t) => {
    const theirs = await place(pc.id, theirMeeting.id)
    t.equal(theirs.statusCode, 404)
    t.equal((await row(theirMeeting.id)).speaker_name, null)
    const stray = await organizer.post(url, { proposal_id: '999999', event_id: String(m4.id) }, { csrfFrom: url })
    t.equal(stray.statusCode, 404)
  })

  await t.test('move: the meeting left goes back to no speaker and the series’ why', async (t) => {
    const res = await place(pa.id, m2.id)
    t.equal(res.statusCode, 303)
    t.match(text((await organizer.get(url)).body), 'Talk moved to the meeting of')
    const left = await row(m1.id)
    t.equal(left.speaker_name, null)
    t.equal(left.why_it_matters, 'Learn from each other.')
    t.equal(left.proposal_id, null)
    const now2 = await row(m2.id)
    t.equal(now2.speaker_name, 'Ada Analyst and Ben Bench')
    t.equal(now2.proposal_id, pa.id)
    t.equal((await place(pc.id, m1.id)).statusCode, 303, 'the freed meeting takes another talk')
    t.equal((await row(m1.id)).speaker_name, 'Cy Cole')
    const page = text((await (await as(eve)).get(`/c/dna/events/${m1.id}`)).body)
    t.match(page, 'Talk Validation on a shoestring', 'the event page (read cache) follows the change')
    t.notMatch(page, 'How we halved our backlog')
  })

  await t.test('a series-wide edit (the series edit page) still reaches a meeting with a placed talk', async (t) => {
    const editUrl = `/c/dna/orga/series/${series.id}/edit`
    const current = await db.selectFrom('series').selectAll().where('id', '=', series.id).executeTakeFirstOrThrow()
    const values = Object.fromEntries(Object.entries(seriesFormValues(current)).filter(([, v]) => typeof v === 'string')) as Record<string, string>
    const res = await organizer.post(editUrl, {
      ...values, summary: 'Now in the big room.', venue_room: 'Room 204', hosts_shown: 'yes', hosts: [String(orga.id)], host_email: ''
    }, { csrfFrom: editUrl })
    t.equal(res.statusCode, 303)
    const e = await row(m2.id)
    t.equal(e.summary, 'Now in the big room.', 'the edit reached the meeting')
    t.equal(e.speaker_name, 'Ada Analyst and Ben Bench', 'which keeps its speaker')
    t.equal(e.why_it_matters, WHY, 'and its why-this-matters')
    t.equal(e.proposal_id, pa.id, 'and its talk')
  })

  await t.test('unplace: the meeting has no speaker again', async (t) => {
    t.equal((await place(pa.id, '')).statusCode, 303)
    t.match(text((await organizer.get(url)).body), 'Talk unplaced')
    const e = await row(m2.id)
    t.equal(e.speaker_name, null)
    t.equal(e.proposal_id, null)
    t.equal(e.why_it_matters, 'Learn from each other.')
  })

  await t.test('a placed speaker declines through the confirm link: the meeting is freed, the promoted backup unplaced', async (t) => {
    t.equal((await place(pa.id, m3.id)).statusCode, 303)
    const mail = await db.selectFrom('mail_messages').select('text_body').where('to_address', '=', ada.email).where('kind', '=', 'proposal-accepted').executeTakeFirstOrThrow()
    const link = new RegExp(`${PUBLIC_URL}(/talk-confirm/[^\\s]+)`).exec(mail.text_body)![1]
    const token = decodeURIComponent(link.split('/').pop()!)
    const visitor = await as(null)
    t.equal((await visitor.post('/talk-confirm', { token, answer: 'confirmed' }, { csrfFrom: link })).statusCode, 200)
    t.equal((await visitor.post('/talk-confirm', { token, answer: 'declined' }, { csrfFrom: link })).statusCode, 200)
    const e = await row(m3.id)
    t.equal(e.speaker_name, null)
    t.equal(e.proposal_id, null)
    const backup = await db.selectFrom('proposals').select('decision').where('id', '=', pd.id).executeTakeFirstOrThrow()
    t.equal(backup.decision, 'accepted', 'the backup was promoted')
    t.equal((await db.selectFrom('events').select('id').where('proposal_id', '=', pd.id).execute()).length, 0, 'and is not placed')
    const said = text((await organizer.get(url)).body)
    t.notMatch(said, 'How we halved our backlog', 'the declined talk leaves the table')
    t.match(said, 'Mixtures made simple', 'the promoted backup can now be placed')
    t.equal((await place(pd.id, m3.id)).statusCode, 303)
    t.equal((await row(m3.id)).speaker_name, 'Dee Backup')
  })

  await t.test('domain: placing is refused for a call not on a series, and the same meeting twice changes nothing', async (t) => {
    const same = await db.transaction().execute((trx) => placeTalk(trx, call, pd.id, m3.id))
    t.same(same.ok && same.change, 'unchanged')
    const onEvent = await db.transaction().execute((trx) => placeTalk(trx, { ...call, series_id: null }, pd.id, m3.id))
    t.equal(onEvent.ok, false)
    // Two talks placed on the same free meeting at once: the call row orders them, so exactly one gets it.
    const both = await Promise.all([pc.id, pd.id].map((id) => db.transaction().execute((trx) => placeTalk(trx, call, id, m4.id))))
    t.same(both.map((o) => o.ok).sort(), [false, true])
    const holder = (await row(m4.id)).proposal_id
    t.ok(holder === pc.id || holder === pd.id)
    t.equal((await db.selectFrom('events').select('id').where('proposal_id', '=', holder).execute()).length, 1, 'one meeting per talk')
  })
})
