import t from 'tap'
import { skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'
import { createCommunity, createEvent, createMember } from '../fixtures/factories.js'
import { createCall, ensureTemplates } from '../../src/domain/proposals/calls.service.js'
import { DEFAULT_FORMATS } from '../../src/domain/proposals/templates.js'

t.test('an organizer decides and releases; the speaker confirms from the mail (axe on each page)', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  const db = h.app.db
  const organizer = await createMember(db, { full_name: 'Olga Organizer' })
  const speaker = await createMember(db, { full_name: 'Marta Member' })
  const community = await createCommunity(db, { name: 'DNA Databasing', slug: 'dna', organizer, members: [speaker] })
  const event = await createEvent(db, community, { title: 'Regional conference' })
  const [template] = await ensureTemplates(db, community.id)
  const call = await createCall(db, community.id, {
    target: { kind: 'event', id: event.id, timeZone: 'America/New_York' }, title: 'Talks for the conference', lookingFor: 'Your own work.',
    opensAt: new Date(Date.now() - 30 * 86_400_000), closesAt: new Date(Date.now() - 86_400_000), formats: DEFAULT_FORMATS, topics: [],
    templateIds: [template.id], maxPerPerson: 2, blindReview: true
  }, organizer.id)
  const proposal = await db.insertInto('proposals').values({
    call_id: call.id, submitter_id: speaker.id, template_id: template.id, title: 'Clearing a backlog', format: 'talk', state: 'submitted',
    pledged_at: new Date(), submitted_at: new Date()
  }).returningAll().executeTakeFirstOrThrow()

  const orga = await h.newPage({ as: organizer })
  await orga.goto(`/c/dna/orga/calls/${call.id}`)
  await h.checkA11y(orga, t)
  await orga.getByRole('link', { name: 'Decisions and their release' }).click()
  await orga.waitForURL('**/decisions')
  await h.checkA11y(orga, t)
  await orga.locator(`#decision-${proposal.id}`).selectOption('accepted')
  await orga.locator(`#note-${proposal.id}`).fill('See you there.')
  await Promise.all([orga.waitForNavigation(), orga.getByRole('button', { name: /Save the decision/ }).click()])
  t.match(await orga.locator('main').innerText(), 'Decision saved: Accepted.')
  await h.checkA11y(orga, t)
  await orga.getByRole('link', { name: 'Edit the decision mails' }).click()
  await orga.waitForURL('**/decisions/mails')
  await h.checkA11y(orga, t)
  await orga.locator('#accepted_body').fill('Hello {name}, {title} is in. {oops}')
  await Promise.all([orga.waitForNavigation(), orga.getByRole('button', { name: 'Save the mails' }).click()])
  t.match(await orga.locator('main').innerText(), 'unknown placeholder {oops}')
  await h.checkA11y(orga, t)
  await orga.goto(`/c/dna/orga/calls/${call.id}/decisions/release`)
  await h.checkA11y(orga, t)
  await Promise.all([orga.waitForNavigation(), orga.getByRole('button', { name: 'Send 1 decision mail' }).click()])
  t.match(await orga.locator('main').innerText(), 'Decisions released: 1 mail queued.')
  await h.checkA11y(orga, t)

  const visitor = await h.newPage()
  await visitor.goto(await h.linkFromMail(speaker.email, '/talk-confirm/'))
  await h.checkA11y(visitor, t)
  await Promise.all([visitor.waitForNavigation(), visitor.getByRole('button', { name: 'Confirm: I will give this talk' }).click()])
  t.match(await visitor.locator('main').innerText(), 'your talk is confirmed')
  await h.checkA11y(visitor, t)

  const own = await h.newPage({ as: speaker })
  await own.goto(`/c/dna/calls/${call.id}/proposals/${proposal.id}`)
  t.match(await own.locator('main').innerText(), 'Decision: Accepted')
  await h.checkA11y(own, t)
  h.assertEveryPageChecked(t)
})
