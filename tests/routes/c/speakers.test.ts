import t from 'tap'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, signInAs } from '../../fixtures/factories.js'
import { createCall, ensureTemplates } from '../../../src/domain/proposals/calls.service.js'
import { DEFAULT_FORMATS } from '../../../src/domain/proposals/templates.js'
import type { Member } from '../../../src/db/database.js'

const DAY = 86_400_000

t.test('co-speakers, invitations to propose and coaching notes', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer' })
  const ada = await createMember(db, { full_name: 'Ada Analyst', agency: 'State Crime Lab' })
  const ben = await createMember(db, { full_name: 'Ben Bench', agency: 'County Lab' })
  const cy = await createMember(db, { full_name: 'Cy Chemist' })
  const dee = await createMember(db, { full_name: 'Dee Outsider' })
  const eve = await createMember(db, { full_name: 'Eve Member' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada, ben, cy, eve] })
  const conference = await createEvent(db, community, { title: 'Regional conference' })
  const templates = await ensureTemplates(db, community.id)
  const experience = templates.find((tpl) => tpl.name === 'Experience report')!
  const call = await createCall(db, community.id, {
    target: { kind: 'event', id: conference.id, timeZone: 'America/New_York' }, title: 'Talks for the regional conference',
    lookingFor: 'Experience reports.', opensAt: new Date(Date.now() - DAY), closesAt: new Date(Date.now() + 30 * DAY),
    formats: DEFAULT_FORMATS, topics: [], templateIds: [experience.id], maxPerPerson: 2, blindReview: true
  }, orga.id)
  const as = async (m: Member | null) => {
    const c = new Client(app)
    if (m) await signInAs(c, m)
    return c
  }
  const mails = async (to: string, kind: string) =>
    db.selectFrom('mail_messages').select(['text_body', 'subject']).where('to_address', '=', to).where('kind', '=', kind).orderBy('id').execute()
  const callUrl = `/c/dna/calls/${call.id}`
  const speaker = await as(ada)
  const draft = await speaker.post(`${callUrl}/propose`, {
    template_id: String(experience.id), title: 'How we halved our backlog', format: 'talk', topic: '', bio: '', affiliation: 'government',
    affiliation_note: '', intent: 'draft', answer_problem: '', answer_tried: '', answer_happened: '', answer_reuse: '', answer_why: '', answer_pitch: ''
  }, { csrfFrom: `${callUrl}/propose` })
  t.equal(draft.statusCode, 303, 'draft saved')
  const proposalUrl = draft.headers.location as string
  const pid = Number(/proposals\/(\d+)/.exec(proposalUrl)![1])
  const coUrl = `${proposalUrl}/co-speakers`
  const answerUrl = `${proposalUrl}/co-speaker`

  await t.test('the submitter invites co-speakers by email; each gets a mail with the answer link', async (t) => {
    const page = text((await speaker.get(coUrl)).body)
    t.match(page, 'Invite up to 3 co-speakers by email')
    t.equal((await speaker.post(coUrl, { email: ben.email })).statusCode, 303)
    const sent = await mails(ben.email, 'co-speaker-invitation')
    t.equal(sent.length, 1)
    t.match(sent[0].text_body, 'Ada Analyst (State Crime Lab) invites you to co-present “How we halved our backlog”')
    t.match(sent[0].text_body, `http://convene.test${answerUrl}`)
    t.notMatch(sent[0].text_body, 'Join first')
    const after = text((await speaker.get(proposalUrl)).body)
    t.match(after, `Co-speakers Co-speaker invitations Invited State ${ben.email} Invitation sent`)
    t.notMatch(after, 'Ben Bench', 'not listed as a speaker before accepting')
  })

  await t.test('bad addresses, duplicates, one’s own address and the limit are refused, naming the field', async (t) => {
    const bad = await speaker.post(coUrl, { email: 'not an address' })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'Enter an email address in the format name@agency.gov.')
    t.match(bad.body, 'value="not an address"')
    const again = await speaker.post(coUrl, { email: ben.email.toUpperCase() })
    t.equal(again.statusCode, 400)
    t.match(text(again.body), `${ben.email} is already invited to this proposal.`)
    const own = await speaker.post(coUrl, { email: ada.email })
    t.match(text(own.body), 'That is your own address')
    t.equal((await speaker.post(coUrl, { email: cy.email })).statusCode, 303)
    t.equal((await speaker.post(coUrl, { email: dee.email })).statusCode, 303)
    const fourth = await speaker.post(coUrl, { email: 'fourth@agency.gov' })
    t.equal(fourth.statusCode, 400)
    t.match(text(fourth.body), 'A proposal has at most 3 co-speakers. Withdraw an invitation to invite someone else.')
    t.match(fourth.body, 'value="fourth@agency.gov"')
  })

  await t.test('someone not yet a member is told to join first and cannot accept', async (t) => {
    const sent = await mails(dee.email, 'co-speaker-invitation')
    t.match(sent[0].text_body, 'Only members of DNA Analysts can be listed as speakers. Join first:')
    const outsider = await as(dee)
    const page = await outsider.get(answerUrl)
    t.equal(page.statusCode, 200)
    t.match(text(page.body), 'Join DNA Analysts first , then open this link again to accept.')
    t.notMatch(page.body, 'value="accept"')
    const tried = await outsider.post(answerUrl, { answer: 'accept' })
    t.equal(tried.statusCode, 409)
    t.match(text(tried.body), 'Join DNA Analysts first, then accept.')
    t.equal((await outsider.get(proposalUrl)).statusCode, 404, 'the proposal itself stays members-only')
    t.equal((await (await as(null)).get(answerUrl)).statusCode, 303, 'signed out: sent to sign in')
  })

  await t.test('the mailed link’s GET changes nothing; the member accepts by POST and is listed', async (t) => {
    const coSpeaker = await as(ben)
    const page = await coSpeaker.get(answerUrl)
    t.equal(page.statusCode, 200)
    t.match(text(page.body), 'Ada Analyst (State Crime Lab) invites you to co-present this proposal')
    t.match(text(page.body), 'Your invitation: Invitation sent .')
    const row = await db.selectFrom('proposal_speakers').select('state').where('email', '=', ben.email).executeTakeFirstOrThrow()
    t.equal(row.state, 'invited', 'GET did not accept')
    const bad = await coSpeaker.post(answerUrl, { answer: 'maybe' })
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'Choose accept or decline.')
    const res = await coSpeaker.post(answerUrl, { answer: 'accept' })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, proposalUrl)
    const view = text((await coSpeaker.get(proposalUrl)).body)
    t.match(view, 'Co-speakers Ben Bench, County Lab')
    t.match(view, 'Ben Bench, County Lab Accepted')
    t.notMatch(view, 'Edit the proposal', 'a co-speaker reads, does not edit')
    t.notMatch(view, 'Withdraw the proposal')
    t.equal((await coSpeaker.get(`${proposalUrl}/edit`)).statusCode, 404)
    t.equal((await coSpeaker.post(`${proposalUrl}/withdraw`, { reason: 'mine now' })).statusCode, 404)
    t.equal((await coSpeaker.get(coUrl)).statusCode, 404, 'only the submitter manages co-speakers')
    const again = await coSpeaker.post(answerUrl, { answer: 'decline' })
    t.match((await coSpeaker.get(again.headers.location as string)).body, 'You have already answered this invitation.')
  })

  await t.test('a member declines; the submitter sees each state; the submitter withdraws an invitation', async (t) => {
    const cyClient = await as(cy)
    t.equal((await cyClient.post(answerUrl, { answer: 'decline' }, { csrfFrom: answerUrl })).statusCode, 303)
    const page = text((await speaker.get(proposalUrl)).body)
    t.match(page, 'Ben Bench, County Lab Accepted')
    t.match(page, `${cy.email} Declined`)
    t.match(page, `${dee.email} Invitation sent`)
    t.equal((await cyClient.get(proposalUrl)).statusCode, 404, 'declined: no longer reads the proposal')
    const row = await db.selectFrom('proposal_speakers').select('id').where('email', '=', ben.email).executeTakeFirstOrThrow()
    const other = await as(eve)
    t.equal((await other.get(proposalUrl)).statusCode, 404, 'another member sees nothing')
    t.equal((await other.get(answerUrl)).statusCode, 404, 'nor an answer page')
    t.equal((await other.post(`${coUrl}/${row.id}/withdraw`, {}, { csrfFrom: `${callUrl}` })).statusCode, 404)
    const res = await speaker.post(`${coUrl}/${row.id}/withdraw`, {}, { csrfFrom: coUrl })
    t.equal(res.statusCode, 303)
    const after = text((await speaker.get(proposalUrl)).body)
    t.notMatch(after, 'Ben Bench')
    t.equal((await (await as(ben)).get(proposalUrl)).statusCode, 404, 'a withdrawn co-speaker no longer reads it')
  })

  await t.test('coaching: organizers see who asked, add notes; speaker and co-speakers read them', async (t) => {
    const orgaClient = await as(orga)
    const eveClient = await as(eve)
    const coached = await eveClient.post(`${callUrl}/propose`, {
      template_id: String(experience.id), title: 'My first talk', format: 'talk', topic: '', bio: '', affiliation: 'government',
      affiliation_note: '', intent: 'draft', first_time: 'yes', wants_coaching: 'yes',
      answer_problem: '', answer_tried: '', answer_happened: '', answer_reuse: '', answer_why: '', answer_pitch: ''
    }, { csrfFrom: `${callUrl}/propose` })
    const coachedUrl = coached.headers.location as string
    const coachedId = Number(/proposals\/(\d+)/.exec(coachedUrl)![1])
    const callPage = text((await orgaClient.get(`/c/dna/orga/calls/${call.id}`)).body)
    t.match(callPage, 'Speakers asking for coaching (1)')
    const list = text((await orgaClient.get(`/c/dna/orga/calls/${call.id}/coaching`)).body)
    t.match(list, 'My first talk Eve Member')
    t.match(list, '(first time speaking) Draft None yet')
    t.notMatch(list, 'How we halved our backlog')
    const noteUrl = `/c/dna/orga/calls/${call.id}/proposals/${coachedId}/coaching`
    const empty = await orgaClient.post(noteUrl, { note: '   ' }, { csrfFrom: noteUrl })
    t.equal(empty.statusCode, 400)
    t.match(text(empty.body), 'Write the coaching note.')
    const res = await orgaClient.post(noteUrl, { note: 'Open with the number: 1,400 kits.\nThen the one change.' })
    t.equal(res.statusCode, 303)
    t.match(text((await orgaClient.get(`/c/dna/orga/calls/${call.id}/coaching`)).body), 'Draft 1')
    const seen = text((await eveClient.get(coachedUrl)).body)
    t.match(seen, 'Coaching notes Open with the number: 1,400 kits. Then the one change. From Olive Organizer')
    t.notMatch(seen, 'Add a coaching note')
    // Ada's proposal: a coaching note her accepted co-speaker reads too.
    t.equal((await orgaClient.post(`/c/dna/orga/calls/${call.id}/proposals/${pid}/coaching`, { note: 'Bring the before/after chart.' }, { csrfFrom: noteUrl })).statusCode, 303)
    await speaker.post(coUrl, { email: cy.email.replace('@', '+x@') }, { csrfFrom: coUrl })
    const cyRow = await db.selectFrom('proposal_speakers').select('id').where('email', '=', cy.email.replace('@', '+x@')).executeTakeFirstOrThrow()
    await db.updateTable('proposal_speakers').set({ email: 'eve-alias@example.test' }).where('id', '=', cyRow.id).execute()
    t.equal((await speaker.post(coUrl, { email: eve.email }, { csrfFrom: coUrl })).statusCode, 303)
    t.equal((await eveClient.post(answerUrl, { answer: 'accept' }, { csrfFrom: answerUrl })).statusCode, 303)
    t.match(text((await eveClient.get(proposalUrl)).body), 'Coaching notes Bring the before/after chart.')
    // Markup in a note stays text.
    t.equal((await orgaClient.post(noteUrl, { note: '<script>alert(1)</script><img src=x onerror=alert(2)>' }, { csrfFrom: noteUrl })).statusCode, 303)
    const escaped = (await eveClient.get(coachedUrl)).body
    t.notMatch(escaped, '<script>alert(1)')
    t.notMatch(escaped, '<img src=x')
    t.match(escaped, '&lt;script&gt;alert(1)&lt;/script&gt;')
    // Members are not organizers: the coaching pages are refused.
    t.equal((await eveClient.get(noteUrl)).statusCode, 403)
    t.equal((await eveClient.post(noteUrl, { note: 'hi' }, { csrfFrom: coachedUrl })).statusCode, 403)
  })

  await t.test('ids of another community reach nothing: its organizer gets 404 on this call, proposal and invitation', async (t) => {
    const rec = await createMember(db, { full_name: 'Rita Records' })
    const records = await createCommunity(db, { slug: 'records', name: 'Records', organizer: rec })
    const recEvent = await createEvent(db, records, { title: 'Records day' })
    const recTemplates = await ensureTemplates(db, records.id)
    const recCall = await createCall(db, records.id, {
      target: { kind: 'event', id: recEvent.id, timeZone: 'America/New_York' }, title: 'Records talks', lookingFor: '',
      opensAt: new Date(Date.now() - DAY), closesAt: new Date(Date.now() + 30 * DAY), formats: DEFAULT_FORMATS, topics: [],
      templateIds: [recTemplates[0].id], maxPerPerson: 2, blindReview: true
    }, rec.id)
    const c = await as(rec)
    await c.get(`/c/records/orga/calls/${recCall.id}`)
    const urls = [
      `/c/records/orga/calls/${call.id}/invitations`, `/c/records/orga/calls/${call.id}/coaching`,
      `/c/records/orga/calls/${call.id}/proposals/${pid}/coaching`, `/c/records/orga/calls/${recCall.id}/proposals/${pid}/coaching`,
      `/c/records/calls/${call.id}/proposals/${pid}/co-speakers`, `/c/records/calls/${recCall.id}/proposals/${pid}/co-speakers`,
      `/c/records/calls/${recCall.id}/proposals/${pid}/co-speaker`, `/c/records/calls/${call.id}/invited/1`
    ]
    for (const url of urls) {
      const got = await c.get(url)
      t.equal(got.statusCode, 404, `GET ${url}`)
      t.notMatch(text(got.body), 'How we halved our backlog')
    }
    t.equal((await c.post(`/c/records/orga/calls/${recCall.id}/proposals/${pid}/coaching`, { note: 'sneaky' })).statusCode, 404)
    t.equal((await c.post(`/c/records/calls/${recCall.id}/proposals/${pid}/co-speakers`, { email: rec.email.replace('@', '+1@') })).statusCode, 404)
    t.equal(Number((await db.selectFrom('coaching_notes').select((eb) => eb.fn.countAll<number>().as('n')).where('body', '=', 'sneaky').executeTakeFirstOrThrow()).n), 0)
  })

  await t.test('story mining: an organizer invites a member with a note; the link starts a pre-filled draft', async (t) => {
    const orgaClient = await as(orga)
    const invUrl = `/c/dna/orga/calls/${call.id}/invitations`
    t.match(text((await orgaClient.get(invUrl)).body), 'Invitations to propose: 0 sent')
    const note = 'We heard your lab cut its backlog in half — would you tell that story?'
    const stranger = await orgaClient.post(invUrl, { email: dee.email, note })
    t.equal(stranger.statusCode, 400)
    t.match(text(stranger.body), `No member of DNA Analysts has the address ${dee.email}.`)
    t.match(stranger.body, 'would you tell that story?</textarea>')
    const noNote = await orgaClient.post(invUrl, { email: cy.email, note: '  ' })
    t.equal(noNote.statusCode, 400)
    t.match(text(noNote.body), 'Write a note')
    t.equal((await orgaClient.post(invUrl, { email: cy.email, note })).statusCode, 303)
    const dup = await orgaClient.post(invUrl, { email: cy.email, note })
    t.match(text(dup.body), 'Cy Chemist is already invited to propose on this call.')
    const sent = await mails(cy.email, 'proposal-invitation')
    t.equal(sent.length, 1)
    t.match(sent[0].text_body, note)
    const link = /http:\/\/convene\.test(\/c\/dna\/calls\/\d+\/invited\/\d+)/.exec(sent[0].text_body)![1]
    t.equal((await (await as(ben)).get(link)).statusCode, 404, 'another member cannot open it')
    const cyClient = await as(cy)
    const page = await cyClient.get(link)
    t.equal(page.statusCode, 200)
    t.match(text(page.body), `Olive Organizer invite you to propose a talk to Talks for the regional conference : ${note}`)
    t.equal((await db.selectFrom('proposals').select('id').where('submitter_id', '=', cy.id).execute()).length, 0, 'GET starts nothing')
    const res = await cyClient.post(link, {})
    t.equal(res.statusCode, 303)
    t.match(res.headers.location as string, /\/edit$/)
    const form = await cyClient.get(res.headers.location as string)
    t.match(form.body, /name="answer_problem"[^>]*>We heard your lab cut its backlog in half — would you tell that story\?<\/textarea>/)
    const proposal = await db.selectFrom('proposals').selectAll().where('submitter_id', '=', cy.id).executeTakeFirstOrThrow()
    t.not(proposal.invitation_id, null)
    t.equal(proposal.state, 'draft')
    const again = await cyClient.post(link, {}, { csrfFrom: link })
    t.match(again.headers.location as string, new RegExp(`/proposals/${proposal.id}$`), 'a second click opens the same draft')
    t.match(text((await cyClient.get(`${callUrl}/proposals/${proposal.id}`)).body), `Invited by the organizers ${note}`)
    t.match(text((await orgaClient.get(invUrl)).body), 'Cy Chemist, ')
    t.match(text((await orgaClient.get(`/c/dna/orga/calls/${call.id}`)).body), 'Invitations to propose: 1 sent · 1 became proposals (0 submitted) · 0 became accepted talks.')
    await db.updateTable('proposals').set({ state: 'submitted', decision: 'accepted' }).where('id', '=', proposal.id).execute()
    const after = text((await orgaClient.get(invUrl)).body)
    t.match(after, 'Invitations to propose: 1 sent · 1 became proposals (1 submitted) · 1 became accepted talks.')
    t.match(after, 'Submitted; accepted')
  })
})
