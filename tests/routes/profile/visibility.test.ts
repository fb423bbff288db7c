import t from 'tap'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { createCommunity, createMember, signInAs } from '../../fixtures/factories.js'

t.test('the profile form: new fields, and who sees each field', async (t) => {
  const { app } = await createTestApp(t)
  const ada = await createMember(app.db, { full_name: 'Ada Analyst', agency: 'Ohio BCI' })
  const ben = await createMember(app.db, { full_name: 'Ben Bench', agency: 'Texas DPS' })
  await createCommunity(app.db, { slug: 'dna', members: [ada, ben] })
  const c = new Client(app)
  await signInAs(c, ada)
  const asBen = new Client(app)
  await signInAs(asBen, ben)

  t.test('a labelled select per field; email defaults to connections, the rest to members', async (t) => {
    const res = await c.get('/profile')
    t.match(res.body, '<label class="usa-label" for="show_email">Who sees: Email address</label>')
    t.match(res.body, '<label class="usa-label" for="show_can_help_with">Who sees: I can help with</label>')
    t.match(res.body, /<select class="usa-select" id="show_email" name="show_email"[^>]*>\s*<option value="members">[^<]*<\/option>\s*<option value="connections" selected>Only people you are connected with \(after an in-person event or an introduction\)<\/option>/)
    t.match(res.body, /id="show_agency"[^>]*>\s*<option value="members" selected>/)
    t.match(res.body, '<label class="usa-label" for="can_help_with">I can help with</label>')
    t.match(res.body, '<label class="usa-label" for="looking_for">I’m looking for</label>')
  })

  t.test('saved, shown to the member with who sees it, and hidden from others', async (t) => {
    const res = await c.post('/profile', {
      full_name: 'Ada Analyst', agency: 'Ohio BCI', can_help_with: 'Kit validation plans', looking_for: 'A partner lab for proficiency tests',
      bio: 'Secret bio text', show_bio: 'hidden', show_looking_for: 'connections', show_email: 'members', show_agency: 'members'
    }, { csrfFrom: '/profile' })
    t.equal(res.statusCode, 303)
    const row = await app.db.selectFrom('members').select(['can_help_with', 'looking_for', 'visibility']).where('id', '=', ada.id).executeTakeFirstOrThrow()
    t.equal(row.can_help_with, 'Kit validation plans')
    t.equal(row.looking_for, 'A partner lab for proficiency tests')
    t.same(row.visibility, {
      agency: 'members', job_title: 'members', region: 'members', expertise: 'members', ask_me_about: 'members', can_help_with: 'members',
      looking_for: 'connections', bio: 'hidden', communities: 'members', events_attended: 'members', talks_given: 'members',
      connections: 'connections', email: 'members'
    }, 'fields left out keep their defaults')
    const own = text((await c.get(`/members/${ada.id}`)).body)
    t.match(own, 'I’m looking for A partner lab for proficiency tests Seen only by people you are connected with')
    t.match(own, 'Only you see this')
    t.match(own, 'Secret bio text')
    const seen = await asBen.get(`/members/${ada.id}`)
    t.equal(seen.statusCode, 200)
    t.match(text(seen.body), 'I can help with Kit validation plans')
    t.match(seen.body, `href="mailto:${ada.email}"`, 'email shown to members when the member chooses so')
    t.notMatch(seen.body, 'Secret bio text')
    t.notMatch(seen.body, 'partner lab')
    t.notMatch(seen.body, 'Seen by', 'no notes for other viewers')
    const again = await c.get('/profile')
    t.match(again.body, /id="show_bio"[^>]*>\s*<option value="members">[^<]*<\/option>\s*<option value="connections">[^<]*<\/option>\s*<option value="hidden" selected>/)
  })

  t.test('an unknown visibility is refused with the field named, input kept', async (t) => {
    const res = await c.post('/profile', { full_name: 'Ada Analyst', agency: 'Ohio BCI', looking_for: 'Kept text', show_email: 'everyone' }, { csrfFrom: '/profile' })
    t.equal(res.statusCode, 400)
    t.match(text(res.body), 'Choose who sees it from the list.')
    t.match(res.body, 'href="#show_email"')
    t.match(res.body, 'Kept text')
  })

  t.test('the search document follows visibility', async (t) => {
    t.same((await asBen.get('/members?q=secret')).body.match(/usa-card__heading/g), null, 'a hidden bio is not searchable')
    await c.post('/profile', { full_name: 'Ada Analyst', agency: 'Ohio BCI', bio: 'Secret bio text', show_bio: 'members' }, { csrfFrom: '/profile' })
    t.match(text((await asBen.get('/members?q=secret')).body), '1 member match “secret”.')
  })
})
