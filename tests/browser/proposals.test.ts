import t from 'tap'
import { skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'
import { createCommunity, createEvent, createMember } from '../fixtures/factories.js'
import { createCall, ensureTemplates } from '../../src/domain/proposals/calls.service.js'
import { DEFAULT_FORMATS } from '../../src/domain/proposals/templates.js'

t.test('a speaker writes a proposal in a real browser', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  const organizer = await createMember(h.app.db, { full_name: 'Olga Organizer' })
  const speaker = await createMember(h.app.db, { full_name: 'Marta Member' })
  const community = await createCommunity(h.app.db, { name: 'DNA Databasing', slug: 'dna', organizer, members: [speaker] })
  const event = await createEvent(h.app.db, community, { title: 'Regional conference' })
  const [experience] = await ensureTemplates(h.app.db, community.id)
  await createCall(h.app.db, community.id, {
    target: { kind: 'event', id: event.id, timeZone: 'America/New_York' }, title: 'Talks for the conference', lookingFor: 'Your own work.',
    opensAt: new Date(Date.now() - 86_400_000), closesAt: new Date(Date.now() + 30 * 86_400_000), formats: DEFAULT_FORMATS, topics: [],
    templateIds: [experience.id], maxPerPerson: 2, blindReview: true
  }, organizer.id)

  const page = await h.newPage({ as: speaker })
  await page.goto('/c/dna')
  await h.checkA11y(page, t)
  await page.getByRole('link', { name: 'Talks for the conference' }).click()
  await page.waitForURL('**/calls/*')
  await h.checkA11y(page, t)
  await page.getByRole('link', { name: 'Propose a talk' }).click()
  await page.waitForURL('**/propose')
  await h.checkA11y(page, t)

  // The counter counts as one types (after a short pause), next to the limits the server enforces.
  const problem = page.locator('#answer_problem')
  const counter = page.locator('[data-counter-for="answer_problem"] + [aria-live]')
  t.equal((await counter.innerText()).trim(), '0 written (100 to go)')
  await problem.fill('Our backlog passed 1,400 kits.')
  await t.resolves(counter.filter({ hasText: '30 written (70 to go)' }).waitFor({ timeout: 3000 }))
  t.equal((await page.locator('#answer_problem-limits').innerText()).trim(), 'Between 100 and 1,200 characters')

  // Submitted as is: the server says what is missing, and everything typed is still there.
  await page.getByLabel('Title of your talk').fill('Clearing a backlog')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Submit proposal' }).click()])
  const main = (await page.locator('main').innerText()).replace(/\s+/g, ' ')
  t.match(main, 'The problem you faced: 30 characters; write at least 100.')
  t.match(main, 'I speak from my own work; this is not a sales pitch” to submit.')
  t.equal(await problem.inputValue(), 'Our backlog passed 1,400 kits.')
  t.equal(await page.getByLabel('Title of your talk').inputValue(), 'Clearing a backlog')
  await h.checkA11y(page, t)

  // A draft saves as it is.
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save draft' }).click()])
  t.match(await page.locator('main').innerText(), 'Draft saved.')
  await h.checkA11y(page, t)
  h.assertEveryPageChecked(t)
})
