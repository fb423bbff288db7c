import t from 'tap'
import { createTestDatabase } from '../../fixtures/database.js'
import { createMember } from '../../fixtures/factories.js'
import { buildWorld } from '../../fixtures/world.js'
import { callPhase, callTemplates, createCall, ensureTemplates, saveTemplate } from '../../../src/domain/proposals/calls.service.js'
import { lockedReason, saveProposal, stateLabel, withdrawProposal, type ProposalInput } from '../../../src/domain/proposals/proposals.service.js'
import { DEFAULT_FORMATS, DEFAULT_TEMPLATES } from '../../../src/domain/proposals/templates.js'
import { readCallForm } from '../../../src/forms/call-form.js'

const DAY = 86_400_000

t.test('calls and proposals on a real database', async (t) => {
  const database = await createTestDatabase()
  t.teardown(async () => {
    await database.connection.db.destroy()
    await new Promise((resolve) => setTimeout(resolve, 300))
    await database.drop()
  })
  const db = database.connection.db
  const world = await buildWorld(db)
  const [ada] = world.members
  const templates = await ensureTemplates(db, world.community.id)
  const howTo = templates.find((x) => x.name === 'How-to / demo')!
  const now = new Date()
  const call = await createCall(db, world.community.id, {
    target: { kind: 'event', id: world.event!.id, timeZone: 'America/New_York' }, title: 'Talks', lookingFor: '',
    opensAt: new Date(now.getTime() - DAY), closesAt: new Date(now.getTime() + DAY), formats: DEFAULT_FORMATS, topics: [],
    templateIds: [howTo.id], maxPerPerson: 1, blindReview: false
  }, world.organizer.id)
  const input = (over: Partial<ProposalInput> = {}): ProposalInput => ({
    templateId: howTo.id, title: 'Retention labels in a week', format: 'talk', topic: '', bio: 'Records officer.', affiliation: 'government',
    affiliationNote: '', pledge: true, firstTime: true, wantsCoaching: true, submit: true,
    answers: { goal: 'g'.repeat(50), steps: 's'.repeat(120), context: 'c'.repeat(70), why: 'w'.repeat(45), pitch: 'p'.repeat(60) },
    ...over
  })

  await t.test('the default templates are made once, in order, as the call lists them', async (t) => {
    const again = await ensureTemplates(db, world.community.id)
    t.same(again.map((x) => x.name), DEFAULT_TEMPLATES.map((d) => d.name))
    t.same(callTemplates(call, again).map((x) => x.name), ['How-to / demo'])
    t.equal(callPhase(call, now), 'open')
    t.equal(callPhase(call, new Date(now.getTime() + 2 * DAY)), 'closed')
    t.equal(callPhase(call, new Date(now.getTime() - 2 * DAY)), 'not-open')
  })

  await t.test('a template edit that drops below a usable template is refused, naming the problem', async (t) => {
    const res = await saveTemplate(db, world.community.id, howTo.id, { name: 'Panel', description: '', fields: howTo.fields })
    t.same(res, { ok: false, problems: ['Another template is already called "Panel".'] })
    const noPitch = await saveTemplate(db, world.community.id, howTo.id, { name: 'How-to', description: '', fields: howTo.fields.filter((f) => f.key !== 'pitch') })
    t.same(noPitch, { ok: false, problems: ['Every template keeps the elevator pitch field.'] })
  })

  await t.test('a submission is checked in full; the cap counts drafts', async (t) => {
    const bad = await saveProposal(db, { call, template: howTo, memberId: ada.id, existing: null, input: input({ pledge: false, format: 'keynote', bio: '' }) })
    t.equal(bad.ok, false)
    if (!bad.ok) t.same(Object.keys(bad.errors).sort(), ['bio', 'format', 'pledge'])
    const ok = await db.transaction().execute((trx) => saveProposal(trx, { call, template: howTo, memberId: ada.id, existing: null, input: input() }))
    t.equal(ok.ok, true)
    if (!ok.ok) return
    t.equal(ok.proposal.state, 'submitted')
    t.ok(ok.proposal.pledged_at)
    const second = await db.transaction().execute((trx) => saveProposal(trx, { call, template: howTo, memberId: ada.id, existing: null, input: input({ submit: false }) }))
    t.equal(second.ok, false)
    if (!second.ok) t.match(second.errors.cap, 'at most 1 proposal per person')
    // Editing the one proposal is not a second one.
    const edited = await db.transaction().execute((trx) => saveProposal(trx, { call, template: howTo, memberId: ada.id, existing: ok.proposal, input: input({ title: 'Renamed' }) }))
    t.equal(edited.ok, true)
    t.equal(stateLabel(ok.proposal, false), 'Submitted')
    t.equal(stateLabel({ state: 'submitted', decision: 'accepted' }, false), 'Submitted', 'a decision shows only once released')
    t.equal(stateLabel({ state: 'submitted', decision: 'accepted' }, true), 'Accepted')
    t.ok(await withdrawProposal(db, ok.proposal, 'Changed jobs.'))
    const row = await db.selectFrom('proposals').selectAll().where('id', '=', ok.proposal.id).executeTakeFirstOrThrow()
    t.equal(row.state, 'withdrawn')
    t.equal(row.withdrawn_reason, 'Changed jobs.')
    t.match(lockedReason(call, row), 'withdrawn')
    t.match(lockedReason(call, { state: 'submitted', decision: 'rejected' }), 'it can no longer be changed', 'a decision (released or not) locks it, without saying there is one')
    t.match(lockedReason(call, null, new Date(now.getTime() + 2 * DAY)), 'closed on')
  })

  await t.test('another member has their own cap', async (t) => {
    const ben = await createMember(db)
    const res = await db.transaction().execute((trx) => saveProposal(trx, { call, template: howTo, memberId: ben.id, existing: null, input: input() }))
    t.equal(res.ok, true)
  })

  await t.test('the call form turns local dates into instants in the target’s zone', async (t) => {
    const body = {
      title: 'Brown-bags', opens_date: '2027-03-13', opens_time: '09:00', closes_date: '2027-03-15', closes_time: '17:00',
      format_key: ['talk'], format_label: ['Talk'], format_minutes: ['20'], template_ids: [String(howTo.id)], max_per_person: '3'
    }
    const form = readCallForm({ ...body }, { zone: 'America/Chicago', topicChoices: [], templateChoices: [howTo.id] })
    t.same(form.errors, {})
    t.equal(form.input?.opensAt.toISOString(), '2027-03-13T15:00:00.000Z', 'CST')
    t.equal(form.input?.closesAt.toISOString(), '2027-03-15T22:00:00.000Z', 'CDT after the change on March 14')
    t.equal(form.input?.blindReview, false, 'an unticked box')
  })
})
