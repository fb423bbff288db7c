import t from 'tap'
import { DateTime } from 'luxon'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { createCommunity, createEvent, createMember, createSeries, signInAs } from '../../../fixtures/factories.js'
import { DEFAULT_TEMPLATES } from '../../../../src/domain/proposals/templates.js'

const LA = 'America/Los_Angeles'

t.test('organizers open and edit calls for proposals, and edit talk templates', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const orga = await createMember(db, { full_name: 'Olive Organizer' })
  const ada = await createMember(db, { full_name: 'Ada Analyst' })
  const stranger = await createMember(db, { full_name: 'Sam Stranger' })
  const community = await createCommunity(db, { slug: 'dna', name: 'DNA Analysts', organizer: orga, members: [ada] })
  await db.insertInto('requirements').values([
    { community_id: community.id, name: 'Mixture interpretation', position: 0 },
    { community_id: community.id, name: 'Backlog reduction', position: 1 }
  ]).execute()
  const conference = await createEvent(db, community, { title: 'Regional conference', timeZone: LA })
  const { series } = await createSeries(db, community, { title: 'Weekly brown-bag' })
  const other = await createCommunity(db, { slug: 'records', name: 'Records', organizer: await createMember(db) })
  const as = async (m: typeof ada | null) => {
    const c = new Client(app)
    if (m) await signInAs(c, m)
    return c
  }
  const organizer = await as(orga)
  const base = '/c/dna/orga/calls'
  const inDays = (n: number) => DateTime.now().setZone(LA).plus({ days: n }).toISODate()!
  const fields = (over: Record<string, string | string[]> = {}) => ({
    target: `event-${conference.id}`,
    title: 'Talks for the regional conference',
    looking_for: 'Experience reports from labs that cut their backlog.',
    opens_date: inDays(-1), opens_time: '09:00', closes_date: inDays(30), closes_time: '17:00',
    format_key: ['lightning', 'talk', '', ''],
    format_label: ['Lightning talk', 'Talk', 'Roundtable', ''],
    format_minutes: ['5', '20', '30', ''],
    topics: ['Backlog reduction'],
    template_ids: [] as string[],
    max_per_person: '2',
    blind_review: 'yes',
    ...over
  })

  await t.test('only organizers reach the calls pages: members 403, outsiders 404', async (t) => {
    t.equal((await (await as(ada)).get(base)).statusCode, 403)
    t.equal((await (await as(stranger)).get(base)).statusCode, 404)
    t.equal((await (await as(null)).get(base)).statusCode, 404)
  })

  await t.test('the default talk templates are made the first time, once', async (t) => {
    const page = await organizer.get(base)
    t.equal(page.statusCode, 200)
    t.match(text(page.body), `Talk templates (${DEFAULT_TEMPLATES.length})`)
    await organizer.get(base)
    const rows = await db.selectFrom('talk_templates').select('name').where('community_id', '=', community.id).execute()
    t.same(rows.map((r) => r.name).sort(), DEFAULT_TEMPLATES.map((d) => d.name).sort())
    const list = text((await organizer.get(`${base}/templates`)).body)
    t.match(list, 'Elevator pitch (50–300 characters)')
    t.match(list, 'The problem you faced (100–1,200 characters)')
  })

  const templates = await db.selectFrom('talk_templates').selectAll().where('community_id', '=', community.id).orderBy('id').execute()
  const experience = templates.find((x) => x.name === 'Experience report')!

  await t.test('a call is opened on an event: dates in the event’s zone, formats, topics, templates, cap', async (t) => {
    const form = await organizer.get(`${base}/new?on=event-${conference.id}`)
    t.equal(form.statusCode, 200)
    t.match(form.body, `<option value="event-${conference.id}" selected>`)
    t.match(form.body, `<option value="series-${series.id}">`)
    t.match(form.body, 'value="Lightning talk"', 'the default formats are offered')
    t.match(text(form.body), 'Backlog reduction', 'topics from the shared requirements')

    const res = await organizer.post(`${base}/new`, fields({ template_ids: [String(experience.id)] }))
    t.equal(res.statusCode, 303)
    const call = await db.selectFrom('calls').selectAll().where('community_id', '=', community.id).executeTakeFirstOrThrow()
    t.equal(res.headers.location, `${base}/${call.id}`)
    t.equal(call.event_id, conference.id)
    t.equal(call.time_zone, LA)
    t.equal(DateTime.fromJSDate(call.closes_at, { zone: LA }).toFormat('yyyy-LL-dd HH:mm'), `${inDays(30)} 17:00`, 'stored as the instant of 17:00 in Los Angeles')
    t.same(call.formats, [{ key: 'lightning', label: 'Lightning talk', minutes: 5 }, { key: 'talk', label: 'Talk', minutes: 20 }, { key: 'roundtable', label: 'Roundtable', minutes: 30 }])
    t.same(call.topics, ['Backlog reduction'])
    t.same(call.template_ids, [experience.id])
    t.equal(call.max_proposals_per_person, 2)
    t.equal(call.blind_review, true)
    const show = text((await organizer.get(`${base}/${call.id}`)).body)
    t.match(show, 'Open: from')
    t.match(show, 'Formats: Lightning talk (5 min), Talk (20 min), Roundtable (30 min)')
    t.match(show, 'No proposals yet.')
    t.match(show, 'The event’s agenda (place the accepted talks in its sessions)', 'a call on an event links to the event’s agenda')
  })

  await t.test('bad input: 400, each error naming its field, the input kept', async (t) => {
    const res = await organizer.post(`${base}/new`, fields({
      target: '', title: '', opens_date: inDays(10), closes_date: inDays(5), format_minutes: ['5', 'abc', '30', ''],
      topics: ['Not a requirement'], template_ids: [], max_per_person: '50', looking_for: '<script>alert(1)</script>'
    }))
    t.equal(res.statusCode, 400)
    const body = text(res.body)
    t.match(body, 'Choose the event or series the call is for.')
    t.match(body, 'Enter a title.')
    t.match(body, 'Talk: enter its length in minutes, from 1 to 480.')
    t.match(body, 'Choose the topics from the community’s shared requirements.')
    t.match(body, 'Allow at least one talk template.')
    t.match(body, 'Enter the cap on proposals per person, from 1 to 20.')
    t.match(body, 'The call must close after it opens')
    t.match(res.body, 'value="abc"', 'the typed minutes are kept')
    t.match(res.body, '&lt;script&gt;alert(1)&lt;/script&gt;', 'escaped and kept')
    t.notMatch(res.body, '<script>alert(1)')
  })

  await t.test('a call on a series takes the series’ zone, and its meetings’ pages link to it at once', async (t) => {
    const occurrence = await db.selectFrom('events').select('id').where('series_id', '=', series.id).orderBy('starts_at').executeTakeFirstOrThrow()
    const member = await as(ada)
    t.notMatch(text((await member.get(`/c/dna/events/${occurrence.id}`)).body), 'Call for proposals', 'no call yet (and the page is now cached)')
    const res = await organizer.post(`${base}/new`, fields({ target: `series-${series.id}`, title: 'Brown-bag talks', template_ids: templates.map((x) => String(x.id)) }))
    t.equal(res.statusCode, 303)
    const call = await db.selectFrom('calls').selectAll().where('series_id', '=', series.id).executeTakeFirstOrThrow()
    t.equal(call.time_zone, series.time_zone)
    const page = await member.get(`/c/dna/events/${occurrence.id}`)
    t.match(text(page.body), 'Call for proposals Open until')
    t.match(page.body, `href="/c/dna/calls/${call.id}"`)
  })

  await t.test('an event of another community cannot be the target', async (t) => {
    const theirs = await createEvent(db, other, { title: 'Their meetup' })
    const res = await organizer.post(`${base}/new`, fields({ target: `event-${theirs.id}`, template_ids: [String(experience.id)] }))
    t.equal(res.statusCode, 400)
    t.match(text(res.body), 'Choose the event or series the call is for.')
  })

  await t.test('the list counts drafts and submitted proposals; editing a call changes it', async (t) => {
    const call = await db.selectFrom('calls').selectAll().where('event_id', '=', conference.id).executeTakeFirstOrThrow()
    const proposal = { call_id: call.id, submitter_id: ada.id, template_id: experience.id, title: 'A', format: 'talk', topic: null, answers: '{}', invitation_id: null,
      pledged_at: null, withdrawn_reason: null, decision: null, decided_by: null, decided_at: null, decision_mailed_at: null, note_to_speaker: null,
      confirmation: null, confirmed_at: null, confirm_reminded_at: null, submitted_at: null }
    await db.insertInto('proposals').values([{ ...proposal, state: 'draft' }, { ...proposal, title: 'B', state: 'submitted' }, { ...proposal, title: 'C', state: 'submitted' }]).execute()
    const list = await organizer.get(base)
    t.match(text(list.body), /Talks for the regional conference Regional conference Open .+ 1 2/)

    const edit = await organizer.get(`${base}/${call.id}/edit`)
    t.equal(edit.statusCode, 200)
    t.match(edit.body, 'value="Talks for the regional conference"')
    t.match(edit.body, 'value="17:00"', 'the closing time in the event’s zone')
    const saved = await organizer.post(`${base}/${call.id}/edit`, fields({ title: 'Talks, extended', closes_date: inDays(40), template_ids: [String(experience.id)], max_per_person: '3' }))
    t.equal(saved.statusCode, 303)
    const after = await db.selectFrom('calls').selectAll().where('id', '=', call.id).executeTakeFirstOrThrow()
    t.equal(after.title, 'Talks, extended')
    t.equal(after.max_proposals_per_person, 3)
    t.equal(after.event_id, conference.id, 'still on the same event')
    const show = text((await organizer.get(`${base}/${call.id}`)).body)
    t.match(show, 'Ada Analyst')
    t.match(show, 'Submitted')
  })

  await t.test('a call of another community is 404', async (t) => {
    const call = await db.selectFrom('calls').select('id').where('event_id', '=', conference.id).executeTakeFirstOrThrow()
    const otherOrga = await db.selectFrom('coordinator_terms').select('member_id').where('community_id', '=', other.id).executeTakeFirstOrThrow()
    const them = new Client(app)
    await signInAs(them, { id: otherOrga.member_id } as typeof ada)
    t.equal((await them.get(`/c/records/orga/calls/${call.id}`)).statusCode, 404)
    t.equal((await them.get(`/c/records/orga/calls/${call.id}/edit`)).statusCode, 404)
    t.equal((await them.get(`/c/records/orga/calls/templates/${experience.id}`)).statusCode, 404)
  })

  await t.test('a template’s fields are edited; limits checked; the pitch stays', async (t) => {
    const page = await organizer.get(`${base}/templates/${experience.id}`)
    t.equal(page.statusCode, 200)
    t.match(text(page.body), 'Every template keeps the elevator pitch.')
    const keys = experience.fields.map((f) => f.key)
    const body = {
      name: 'Experience report',
      description: 'Your own work.',
      field_key: keys,
      field_label: experience.fields.map((f) => f.key === 'problem' ? 'The problem' : f.label),
      field_guidance: experience.fields.map((f) => f.key === 'problem' ? 'Say what hurt, with numbers.' : f.guidance),
      field_example: experience.fields.map((f) => f.example),
      field_min: experience.fields.map((f) => f.key === 'problem' ? '900' : String(f.min)),
      field_max: experience.fields.map((f) => f.key === 'problem' ? '800' : String(f.max))
    }
    const bad = await organizer.post(`${base}/templates/${experience.id}`, body)
    t.equal(bad.statusCode, 400)
    t.match(text(bad.body), 'The problem: the shortest length (900) must not be more than the longest (800).')
    t.match(bad.body, 'Say what hurt, with numbers.', 'input kept')
    const ok = await organizer.post(`${base}/templates/${experience.id}`, { ...body, field_min: body.field_min.map((m) => m === '900' ? '80' : m) })
    t.equal(ok.statusCode, 303)
    const saved = await db.selectFrom('talk_templates').selectAll().where('id', '=', experience.id).executeTakeFirstOrThrow()
    const problem = saved.fields.find((f) => f.key === 'problem')!
    t.same([problem.label, problem.guidance, problem.min, problem.max], ['The problem', 'Say what hurt, with numbers.', 80, 800])
    t.ok(saved.fields.some((f) => f.key === 'pitch'), 'the pitch is kept')
    // A form that leaves the pitch out does not drop it: the fields are the template's own.
    const noPitch = keys.map((k, i) => ({ k, i })).filter((x) => x.k !== 'pitch')
    const pick = (list: string[]) => noPitch.map((x) => list[x.i])
    const res = await organizer.post(`${base}/templates/${experience.id}`, { ...body, field_key: pick(body.field_key), field_label: pick(body.field_label),
      field_guidance: pick(body.field_guidance), field_example: pick(body.field_example), field_min: pick(body.field_min.map((m) => m === '900' ? '80' : m)), field_max: pick(body.field_max) })
    t.equal(res.statusCode, 303)
    const again = await db.selectFrom('talk_templates').selectAll().where('id', '=', experience.id).executeTakeFirstOrThrow()
    t.ok(again.fields.some((f) => f.key === 'pitch'), 'still there')
  })
})
