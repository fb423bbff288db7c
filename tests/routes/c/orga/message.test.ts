import t from 'tap'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { createRsvp, signInAs } from '../../../fixtures/factories.js'
import { buildWorld } from '../../../fixtures/world.js'

t.test('an organizer messages those going, the waitlist, or both', async (t) => {
  const { app } = await createTestApp(t)
  const w = await buildWorld(app.db, {
    community: { slug: 'records', name: 'Records Managers' },
    members: [{ full_name: 'Ada Analyst', email: 'ada@gsa.gov' }, { full_name: 'Ben Bench', email: 'ben@nara.gov' }, { full_name: 'Cy Cole', email: 'cy@doj.gov' }, { full_name: 'Dee Declined', email: 'dee@doj.gov' }],
    event: { title: 'Records Day', capacity: 2 }
  })
  const [ada, ben, cy, dee] = w.members
  await createRsvp(app.db, w.event!, ada, { status: 'going' })
  await createRsvp(app.db, w.event!, ben, { status: 'going' })
  await createRsvp(app.db, w.event!, cy, { status: 'waitlisted' })
  await createRsvp(app.db, w.event!, dee, { status: 'declined' })
  const url = `/c/records/orga/events/${w.event!.id}/message`
  const orga = new Client(app)
  await signInAs(orga, w.organizer)
  const mails = (kind = 'event-message') => app.db.selectFrom('mail_messages').selectAll().where('kind', '=', kind).orderBy('id').execute()

  await t.test('the form, and who may use it', async (t) => {
    const page = await orga.get(url)
    t.equal(page.statusCode, 200)
    t.match(text(page.body), 'Those going (2)')
    t.match(text(page.body), 'The waitlist (1)')
    t.match(text(page.body), 'Those going and the waitlist (3)')
    t.match(text((await orga.get(`/c/records/events/${w.event!.id}`)).body), 'Message attendees')
    const member = new Client(app)
    await signInAs(member, ada)
    t.equal((await member.get(url)).statusCode, 403)
    t.equal((await member.post(url, { audience: 'going', subject: 'x', body: 'y' }, { csrfFrom: '/c/records' })).statusCode, 403)
  })

  await t.test('limits are errors naming the field, the input kept, nothing sent', async (t) => {
    const res = await orga.post(url, { audience: 'going', subject: 's'.repeat(151), body: '' }, { csrfFrom: url })
    t.equal(res.statusCode, 400)
    const page = text(res.body)
    t.match(page, 'The subject must be 150 characters or fewer (you entered 151).')
    t.match(page, 'Enter the message.')
    t.match(res.body, `value="${'s'.repeat(151)}"`)
    const long = await orga.post(url, { audience: 'going', subject: 'Hi', body: 'b'.repeat(5001) })
    t.match(text(long.body), 'The message must be 5000 characters or fewer (you entered 5001).')
    const nobody = await orga.post(url, { audience: 'everyone', subject: 'Hi', body: 'Hello' })
    t.equal(nobody.statusCode, 400)
    t.match(text(nobody.body), 'Choose who gets the message: those going, the waitlist, or both.')
    t.equal((await mails()).length, 0)
  })

  await t.test('one mail per person going; the waitlist alone; both', async (t) => {
    const res = await orga.post(url, { audience: 'going', subject: 'Parking update', body: 'Use the C Street entrance.\n<b>Bring ID</b>' })
    t.equal(res.statusCode, 303)
    t.match(text((await orga.get(res.headers.location as string)).body), 'Your message is on its way to 2 people.')
    let sent = await mails()
    t.same(sent.map((m) => m.to_address), ['ada@gsa.gov', 'ben@nara.gov'])
    t.equal(sent[0].subject, 'Parking update (Records Day)')
    t.match(sent[0].text_body, 'Hello Ada Analyst,')
    t.match(sent[0].text_body, 'Olive Organizer, an organizer of Records Managers, writes to those going to "Records Day"')
    t.match(sent[0].text_body, 'Use the C Street entrance.\n<b>Bring ID</b>')
    t.match(sent[0].text_body, `http://convene.test/c/records/events/${w.event!.id}`)
    t.match(sent[0].html_body, '&lt;b&gt;Bring ID&lt;/b&gt;')

    await orga.post(url, { audience: 'waitlist', subject: 'A seat may open', body: 'Watch your mail.' })
    sent = await mails()
    t.same(sent.slice(2).map((m) => m.to_address), ['cy@doj.gov'])
    await orga.post(url, { audience: 'both', subject: 'Room change', body: 'Room 101.' })
    sent = await mails()
    t.same(sent.slice(3).map((m) => m.to_address), ['ada@gsa.gov', 'ben@nara.gov', 'cy@doj.gov'])
    t.notOk(sent.some((m) => m.to_address === 'dee@doj.gov'), 'those who can’t go are not written to')
    t.match(text((await orga.get('/c/records/orga/audit')).body), 'Messaged attendees of an event Records Day The waitlist (1): A seat may open')
  })
})
