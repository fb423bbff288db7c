import t from 'tap'
import { Client, createTestApp, PUBLIC_URL, text } from '../../../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, signInAs } from '../../../fixtures/factories.js'
import { createCall, ensureTemplates } from '../../../../src/domain/proposals/calls.service.js'
import { releaseDecisions, sendConfirmReminders } from '../../../../src/domain/proposals/decisions.service.js'
import { DEFAULT_FORMATS } from '../../../../src/domain/proposals/templates.js'
import type { Member } from '../../../../src/db/database.js'

const DAY = 86_400_000

t.test('decisions: decide, edit the mails, release once, confirm or decline, backup promotion, reminders', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer' })
  const ada = await createMember(db, { full_name: 'Ada Analyst' })
  const bob = await createMember(db, { full_name: 'Bob Backup' })
  const cy = await createMember(db, { full_name: 'Cy Rejected' })
  const dee = await createMember(db, { full_name: 'Dee Second-Backup' })
  const eve = await createMember(db, { full_name: 'Eve Pending' })
  const stranger = await createMember(db, { full_name: 'Sam Stranger' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada, bob, cy, dee, eve] })
  await createCommunity(db, { slug: 'records', name: 'Records', organizer: stranger })
  const conference = await createEvent(db, community, { title: 'Regional conference' })
  const templates = await ensureTemplates(db, community.id)
  const now = Date.now()
  const call = await createCall(db, community.id, {
    target: { kind: 'event', id: conference.id, timeZone: 'America/New_York' }, title: 'Talks for the regional conference',
    lookingFor: 'Experience reports.', opensAt: new Date(now - 30 * DAY), closesAt: new Date(now - DAY),
    formats: DEFAULT_FORMATS, topics: [], templateIds: [templates[0].id], maxPerPerson: 2, blindReview: true
  }, orga.id)
  const propose = async (m: Member, title: string) => db.insertInto('proposals').values({
    call_id: call.id, submitter_id: m.id, template_id: templates[0].id, title, format: 'talk', state: 'submitted',
    pledged_at: new Date(), submitted_at: new Date(now - 2 * DAY)
  }).returningAll().executeTakeFirstOrThrow()
  const pa = await propose(ada, 'How we halved our backlog')
  const pb = await propose(bob, 'Validation on a shoestring')
  const pc = await propose(cy, 'Our vendor’s amazing product')
  const pd = await propose(dee, 'Mixtures made simple')
  const pe = await propose(eve, 'Late thoughts')
  const as = async (m: Member | null) => {
    const c = new Client(app)
    if (m) await signInAs(c, m)
    return c
  }
  const organizer = await as(orga)
  const base = `/c/dna/orga/calls/${call.id}/decisions`
  const proposalUrl = (id: number) => `/c/dna/calls/${call.id}/proposals/${id}`
  const mails = () => db.selectFrom('mail_messages').selectAll().where('kind', 'like', 'proposal-%').orderBy('id').execute()
  const row = (id: number) => db.selectFrom('proposals').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  await t.test('only the community’s organizers reach the decisions pages', async (t) => {
    t.equal((await (await as(ada)).get(base)).statusCode, 403)
    t.equal((await (await as(stranger)).get(base)).statusCode, 404)
    t.equal((await (await as(null)).get(base)).statusCode, 404)
    t.equal((await (await as(stranger)).get(`/c/records/orga/calls/${call.id}/decisions`)).statusCode, 404, 'a call of another community is not found')
    const res = await (await as(ada)).post(`${base}/${pa.id}`, { decision: 'accepted', note: '' }, { csrfFrom: `/c/dna/calls/mine` })
    t.equal(res.statusCode, 403)
    t.equal((await row(pa.id)).decision, null)
  })

  await t.test('organizers decide each proposal with a note; speakers see nothing before release', async (t) => {
    const page = await organizer.get(base)
    t.equal(page.statusCode, 200)
    t.match(text(page.body), 'How we halved our backlog')
    t.match(text(page.body), '0 decisions are waiting to be sent')
    const decide = (id: number, decision: string, note = '') => organizer.post(`${base}/${id}`, { decision, note })
    t.equal((await decide(pa.id, 'accepted', 'Please keep it to 20 minutes.')).statusCode, 303)
    t.equal((await decide(pb.id, 'backup')).statusCode, 303)
    t.equal((await decide(pc.id, 'accepted')).statusCode, 303)
    t.equal((await decide(pc.id, 'rejected', 'This reads as a product pitch; tell us about your own work next time.')).statusCode, 303, 'changed before release')
    await new Promise((resolve) => setTimeout(resolve, 5))
    t.equal((await decide(pd.id, 'backup')).statusCode, 303)
    t.equal((await row(pc.id)).decision, 'rejected')
    t.equal((await mails()).length, 0, 'no mail before release')

    const bad = await organizer.post(`${base}/${pe.id}`, { decision: 'maybe', note: 'kept note' })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'Decision')
    t.match(bad.body, 'kept note', 'the input is kept')
    t.equal((await row(pe.id)).decision, null)

    const speaker = await as(ada)
    const own = text((await speaker.get(proposalUrl(pa.id))).body)
    t.match(own, 'Decision: Under review')
    t.notMatch(own, 'Please keep it to 20 minutes.', 'the note is hidden until release')
    t.notMatch(own, 'Accepted')
    t.notMatch(own, 'decided', 'not even that a decision exists')
    t.match(text((await speaker.get('/c/dna/calls/mine')).body), 'Under review')
  })

  await t.test('decision mails: unknown placeholders and a missing {confirm_link} are refused, naming them', async (t) => {
    const page = await organizer.get(`${base}/mails`)
    t.equal(page.statusCode, 200)
    t.match(page.body, 'Action required: confirm your talk')
    const fields = {
      accepted_subject: 'Action required: confirm "{title}"',
      accepted_body: 'Hello {name},\n\n"{title}" is in {call}. Confirm here: {confirm_link}\n\n{note}\n\n{community}',
      backup_subject: 'Backup: "{title}"',
      backup_body: 'Hello {name}, "{title}" is a backup for {call}.\n\n{note}',
      rejected_subject: 'About "{title}"',
      rejected_body: 'Hello {name}, "{title}" was not accepted for {call}.\n\n{note}'
    }
    const bad = await organizer.post(`${base}/mails`, { ...fields, backup_body: 'Hello {speaker}, {title} {oops}', accepted_body: 'Hello {name}, accepted.' })
    t.equal(bad.statusCode, 400)
    const said = text(bad.body)
    t.match(said, 'Backup mail text: unknown placeholder {speaker}, {oops}')
    t.match(said, 'Accepted mail text: it must contain {confirm_link}')
    t.match(bad.body, 'Hello {speaker}, {title} {oops}', 'the input is kept')
    const ok = await organizer.post(`${base}/mails`, fields)
    t.equal(ok.statusCode, 303)
    const saved = await db.selectFrom('calls').select('decision_mails').where('id', '=', call.id).executeTakeFirstOrThrow()
    t.equal(saved.decision_mails.backup.subject, 'Backup: "{title}"')
  })

  let adaLink = ''
  await t.test('release: a confirm page, then each decided proposal’s mail exactly once', async (t) => {
    const confirm = await organizer.get(`${base}/release`)
    t.equal(confirm.statusCode, 200)
    t.match(text(confirm.body), 'Send 4 decision mails')
    t.equal((await mails()).length, 0, 'the confirm page sends nothing')
    const res = await organizer.post(`${base}/release`, {})
    t.equal(res.statusCode, 303)
    const sent = await mails()
    t.equal(sent.length, 4)
    const to = (m: Member) => sent.filter((s) => s.to_address === m.email)
    t.equal(to(eve).length, 0, 'a pending proposal gets no mail')
    const accepted = to(ada)[0]
    t.equal(accepted.kind, 'proposal-accepted')
    t.equal(accepted.subject, 'Action required: confirm "How we halved our backlog"')
    t.match(accepted.text_body, 'Please keep it to 20 minutes.')
    t.match(accepted.text_body, 'DNA Analysts')
    const m = new RegExp(`${PUBLIC_URL}(/talk-confirm/[^\\s]+)`).exec(accepted.text_body)
    t.ok(m, 'the accepted mail carries the confirm link')
    adaLink = m![1]
    t.match(accepted.html_body ?? '', 'Confirm or decline your talk')
    t.equal(to(bob)[0].subject, 'Backup: "Validation on a shoestring"')
    t.match(to(cy)[0].text_body, 'This reads as a product pitch')
    t.equal(to(cy)[0].kind, 'proposal-rejected')
    t.notMatch(to(cy)[0].text_body, 'talk-confirm')
    t.ok((await row(pa.id)).decision_mailed_at)
    t.ok((await db.selectFrom('calls').select('decisions_released_at').where('id', '=', call.id).executeTakeFirstOrThrow()).decisions_released_at)

    const again = await organizer.post(`${base}/release`, {})
    t.equal(again.statusCode, 303)
    t.equal((await mails()).length, 4, 'a second release sends nothing new')
    t.match(text((await organizer.get(`${base}/release`)).body), 'There is nothing to send')

    const late = await organizer.post(`${base}/${pa.id}`, { decision: 'rejected', note: '' })
    t.equal(late.statusCode, 409, 'a sent decision cannot change')
    t.match(text(late.body), 'already sent to the speaker')
    t.equal((await row(pa.id)).decision, 'accepted')
  })

  await t.test('the speaker sees the released decision, the note and what to do', async (t) => {
    const speaker = await as(ada)
    const page = text((await speaker.get(proposalUrl(pa.id))).body)
    t.match(page, 'Decision: Accepted')
    t.match(page, 'Note from the organizers: Please keep it to 20 minutes.')
    t.match(page, 'Action required: please confirm or decline.')
    t.match(text((await speaker.get('/c/dna/calls/mine')).body), 'Accepted: action required')
    const rejected = text((await (await as(cy)).get(proposalUrl(pc.id))).body)
    t.match(rejected, 'Decision: Not accepted')
    t.match(rejected, 'This reads as a product pitch')
    t.match(text((await (await as(bob)).get('/c/dna/calls/mine')).body), 'On the backup list')
    t.match(text((await (await as(eve)).get(proposalUrl(pe.id))).body), 'Decision: Under review')
    t.equal((await (await as(cy)).get(proposalUrl(pa.id))).statusCode, 404, 'another speaker’s proposal is not found')
  })

  await t.test('a decision made after the release is released alone; racing releases send it once', async (t) => {
    t.equal((await organizer.post(`${base}/${pe.id}`, { decision: 'rejected', note: '' })).statusCode, 303)
    t.match(text((await (await as(eve)).get(proposalUrl(pe.id))).body), 'Decision: Under review', 'hidden until released')
    const counts = await Promise.all([
      releaseDecisions(db, app.mailer, community.id, call.id),
      releaseDecisions(db, app.mailer, community.id, call.id)
    ])
    t.same(counts.sort(), [0, 1])
    const sent = await mails()
    t.equal(sent.length, 5)
    t.equal(sent[4].to_address, eve.email)

    if (process.env.DATABASE_URL) {
      // On the server (several connections): a release waits for whoever holds the call row, then sees their work.
      t.equal((await organizer.post(`${base}/${pd.id}`, { decision: 'backup', note: 'still a backup' })).statusCode, 409, 'sent decisions stay')
      let finished = false
      let waiting: Promise<number> | null = null
      await db.transaction().execute(async (trx) => {
        await trx.selectFrom('calls').select('id').where('id', '=', call.id).forUpdate().execute()
        waiting = releaseDecisions(db, app.mailer, community.id, call.id).then((n) => { finished = true; return n })
        await new Promise((resolve) => setTimeout(resolve, 300))
        t.equal(finished, false, 'the release waits for the call row')
      })
      t.equal(await waiting, 0)
      t.equal((await mails()).length, 5)
    }
  })

  await t.test('the confirm link: GET shows buttons and changes nothing, POST confirms', async (t) => {
    const visitor = await as(null)
    const page = await visitor.get(adaLink)
    t.equal(page.statusCode, 200)
    t.match(text(page.body), 'Action required')
    t.match(page.body, 'Confirm: I will give this talk')
    t.equal(page.headers['referrer-policy'], 'no-referrer')
    t.equal((await row(pa.id)).confirmation, null, 'opening the link (a mail scanner) records nothing')
    const token = decodeURIComponent(adaLink.split('/').pop()!)
    const res = await visitor.post('/talk-confirm', { token, answer: 'confirmed' })
    t.equal(res.statusCode, 200)
    t.match(text(res.body), 'your talk is confirmed')
    const r = await row(pa.id)
    t.equal(r.confirmation, 'confirmed')
    t.ok(r.confirmed_at)
    t.match(text((await (await as(ada)).get(proposalUrl(pa.id))).body), 'You confirmed that you will give this talk.')

    const tampered = await visitor.get(adaLink.replace(/.$/, (c) => c === 'A' ? 'B' : 'A'))
    t.equal(tampered.statusCode, 400)
    t.match(text(tampered.body), 'not valid')
    const noAnswer = await visitor.post('/talk-confirm', { token, answer: 'perhaps' })
    t.equal(noAnswer.statusCode, 400)
    t.match(text(noAnswer.body), 'Choose Confirm or Decline')
  })

  await t.test('a confirmed speaker declines: the first backup is offered the slot with its own link', async (t) => {
    const visitor = await as(null)
    const token = decodeURIComponent(adaLink.split('/').pop()!)
    const before = (await mails()).length
    const res = await visitor.post('/talk-confirm', { token, answer: 'declined' }, { csrfFrom: adaLink })
    t.equal(res.statusCode, 200)
    t.match(text(res.body), 'you will not give this talk')
    t.equal((await row(pa.id)).confirmation, 'declined')
    const b = await row(pb.id)
    t.equal(b.decision, 'accepted', 'the first backup (by decision time) is accepted')
    t.equal(b.confirmation, null)
    t.equal((await row(pd.id)).decision, 'backup', 'the second backup waits')
    const sent = await mails()
    t.equal(sent.length, before + 1)
    const offer = sent[sent.length - 1]
    t.equal(offer.to_address, bob.email)
    t.equal(offer.kind, 'proposal-accepted')
    t.match(offer.subject, 'Action required')
    const bobLink = new RegExp(`${PUBLIC_URL}(/talk-confirm/[^\\s]+)`).exec(offer.text_body)![1]
    t.not(bobLink, adaLink)
    t.match(text((await (await as(bob)).get(proposalUrl(pb.id))).body), 'Decision: Accepted')

    const stale = await visitor.get(adaLink)
    t.match(text(stale.body), 'no longer works')
    const twice = await visitor.post('/talk-confirm', { token, answer: 'declined' })
    t.equal(twice.statusCode, 409)
    t.equal((await row(pd.id)).decision, 'backup', 'declining twice promotes no one else')
    t.equal((await mails()).length, before + 1)
  })

  await t.test('unconfirmed accepted speakers are reminded once after confirm_reminder_days', async (t) => {
    const days = (await db.selectFrom('calls').select('confirm_reminder_days').where('id', '=', call.id).executeTakeFirstOrThrow()).confirm_reminder_days
    t.equal(await sendConfirmReminders(db, app.mailer, new Date(Date.now() + (days - 1) * DAY)), 0, 'not before the days have passed')
    const later = new Date(Date.now() + (days + 1) * DAY)
    t.equal(await sendConfirmReminders(db, app.mailer, later), 1, 'Bob (accepted, not answered) is reminded; Ada declined')
    t.equal(await sendConfirmReminders(db, app.mailer, later), 0, 'once')
    const sent = await mails()
    const reminder = sent[sent.length - 1]
    t.equal(reminder.to_address, bob.email)
    t.equal(reminder.kind, 'proposal-confirm-reminder')
    t.match(reminder.subject, /^Reminder: Action required/)
    t.match(reminder.text_body, '/talk-confirm/')
    t.ok((await row(pb.id)).confirm_reminded_at)
  })
})
