import t from 'tap'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, signInAs } from '../../../fixtures/factories.js'
import { createClosedCall, insertSubmittedProposal } from '../../../fixtures/calls.js'
import { DEFAULT_DECISION_MAILS, reviewNotesText } from '../../../../src/domain/proposals/templates.js'
import type { Member } from '../../../../src/db/database.js'

t.test('reviewNotesText numbers the notes, without names', async (t) => {
  t.equal(reviewNotesText([]), '')
  t.equal(reviewNotesText(['Good.', 'Shorter.']), 'What the reviewers wrote to you (their names are not shared):\n\nReviewer 1: Good.\n\nReviewer 2: Shorter.')
  t.match(DEFAULT_DECISION_MAILS.rejected.body, '{review_notes}')
})

t.test('reviewers’ notes sent with a rejection or backup when the organizers tick it', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer' })
  const rita = await createMember(db, { full_name: 'Rita Reviewerson', agency: 'Tri-County Crime Lab', email: 'rita@tricounty.gov' })
  const ray = await createMember(db, { full_name: 'Ray Readwell' })
  const rex = await createMember(db, { full_name: 'Rex Silent' })
  const ada = await createMember(db, { full_name: 'Ada Accepted' })
  const cy = await createMember(db, { full_name: 'Cy Rejected' })
  const dee = await createMember(db, { full_name: 'Dee Backup' })
  const eve = await createMember(db, { full_name: 'Eve Unticked' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [rita, ray, rex, ada, cy, dee, eve] })
  const conference = await createEvent(db, community, { title: 'Regional conference' })
  const { call } = await createClosedCall(db, community.id, { kind: 'event', id: conference.id, timeZone: 'America/New_York' }, orga.id, 'Talks for the regional conference')
  // A backup text written before {review_notes} existed: the notes go after it.
  await db.updateTable('calls').set({
    decision_mails: JSON.stringify({ ...DEFAULT_DECISION_MAILS, backup: { subject: 'Backup: {title}', body: 'Hello {name}, "{title}" is a backup.\n\n{note}\n\nThe organizers' } })
  }).where('id', '=', call.id).execute()
  const propose = async (m: Member, title: string) => insertSubmittedProposal(db, call, m.id, title)
  const pa = await propose(ada, 'How we halved our backlog')
  const pc = await propose(cy, 'Our vendor’s amazing product')
  const pd = await propose(dee, 'Mixtures made simple')
  const pe = await propose(eve, 'Late thoughts')
  for (const m of [rita, ray, rex]) await db.insertInto('call_reviewers').values({ call_id: call.id, member_id: m.id, added_by: orga.id }).execute()
  const review = async (p: { id: number }, m: Member, note: string) => db.insertInto('reviews').values({
    proposal_id: p.id, reviewer_id: m.id, scores: JSON.stringify({ relevant: 3 }), score: 3, comment: `Private comment of ${m.full_name}`, note_to_speaker: note
  }).execute()
  for (const p of [pa, pc, pd, pe]) {
    await review(p, rita, `A note on ${p.title}: tell us about your own work.`)
    await review(p, rex, '   ')
    await review(p, ray, `Another note on ${p.title}: the numbers were convincing.`)
  }
  const as = async (m: Member) => {
    const c = new Client(app)
    await signInAs(c, m)
    return c
  }
  const organizer = await as(orga)
  const base = `/c/dna/orga/calls/${call.id}/decisions`
  const proposalUrl = (id: number) => `/c/dna/calls/${call.id}/proposals/${id}`
  const mailTo = (m: Member) => db.selectFrom('mail_messages').selectAll().where('to_address', '=', m.email).where('kind', 'like', 'proposal-%').executeTakeFirstOrThrow()
  const names = ['Rita', 'Ray', 'Rex', 'Reviewerson', 'Readwell', 'Private comment']

  await t.test('the decisions page offers the box, with how many notes there are', async (t) => {
    const page = await organizer.get(base)
    t.equal(page.statusCode, 200)
    t.match(page.body, `<label class="usa-checkbox__label" for="send_review_notes-${pc.id}">Send the reviewers’ notes to the speaker</label>`)
    t.match(text(page.body), '2 reviewers wrote a note to the speaker', 'empty notes are not counted')
  })

  await t.test('blind review (before release) still hides the speakers from reviewers', async (t) => {
    const page = await (await as(rita)).get(`/c/dna/calls/${call.id}/review/${pc.id}`)
    t.equal(page.statusCode, 200)
    t.match(text(page.body), 'Our vendor’s amazing product')
    t.notMatch(text(page.body), 'Cy Rejected')
  })

  await t.test('ticked for accepted (ignored), rejected and backup; not for another rejection', async (t) => {
    const decide = (id: number, decision: string, tick: boolean) => organizer.post(`${base}/${id}`, { decision, note: '', ...(tick ? { send_review_notes: 'yes' } : {}) }, { csrfFrom: base })
    t.equal((await decide(pa.id, 'accepted', true)).statusCode, 303)
    t.equal((await decide(pc.id, 'rejected', true)).statusCode, 303)
    t.equal((await decide(pd.id, 'backup', true)).statusCode, 303)
    t.equal((await decide(pe.id, 'rejected', false)).statusCode, 303)
    const flags = await db.selectFrom('proposals').select(['id', 'send_review_notes']).where('call_id', '=', call.id).orderBy('id').execute()
    t.same(flags.map((f) => f.send_review_notes), [false, true, true, false], 'kept only with a rejection or a backup')
    t.match((await organizer.get(base)).body, `id="send_review_notes-${pc.id}" type="checkbox" name="send_review_notes" value="yes" checked`, 'the box stays ticked')
    const before = text((await (await as(cy)).get(proposalUrl(pc.id))).body)
    t.notMatch(before, 'What the reviewers wrote', 'nothing before release')
    t.notMatch(before, 'Rita’s note')
  })

  await t.test('release: the notes go anonymously, numbered, empty ones skipped — only where ticked', async (t) => {
    t.equal((await organizer.post(`${base}/release`, {}, { csrfFrom: `${base}/release` })).statusCode, 303)
    const rejected = await mailTo(cy)
    const body = rejected.text_body
    t.match(body, 'What the reviewers wrote to you (their names are not shared):')
    t.match(body, 'Reviewer 1: A note on Our vendor’s amazing product: tell us about your own work.')
    t.match(body, 'Reviewer 2: Another note on Our vendor’s amazing product: the numbers were convincing.')
    t.notMatch(body, 'Reviewer 3', 'the empty note is skipped')
    t.ok(body.indexOf('Reviewer 2') < body.indexOf('We hope you will propose again'), 'in the text where it says {review_notes}')
    t.notMatch(body, '{review_notes}')
    t.match(rejected.html_body ?? '', 'Reviewer 1:')
    const backup = (await mailTo(dee)).text_body
    t.match(backup, /The organizers\s+What the reviewers wrote to you[^]*Reviewer 2: Another note on Mixtures/, 'after a text without {review_notes}')
    t.notMatch((await mailTo(eve)).text_body, 'Reviewer', 'not ticked: no notes')
    t.notMatch((await mailTo(ada)).text_body, 'Reviewer', 'an acceptance carries none')
    for (const m of [cy, dee, eve, ada]) {
      const mail = await mailTo(m)
      for (const n of names) {
        t.notMatch(mail.text_body, n, `no reviewer’s name (${n}) in the mail to ${m.full_name}`)
        t.notMatch(mail.html_body ?? '', n)
      }
    }
  })

  await t.test('the speaker’s page shows them after release, without names', async (t) => {
    const page = await (await as(cy)).get(proposalUrl(pc.id))
    const said = text(page.body)
    t.match(said, 'What the reviewers wrote to you')
    t.match(said, 'Reviewer 1: A note on Our vendor’s amazing product')
    t.match(said, 'Reviewer 2: Another note')
    t.notMatch(said, 'Reviewer 3')
    for (const n of names) t.notMatch(said, n)
    const unticked = text((await (await as(eve)).get(proposalUrl(pe.id))).body)
    t.notMatch(unticked, 'What the reviewers wrote')
    t.match(text((await organizer.get(base)).body), 'The reviewers’ notes (2) were sent, without names.')
  })
})
