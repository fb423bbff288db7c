import t from 'tap'
import type { Page } from 'playwright-core'
import { DEMO, seedDemo } from '../../src/cli/demo.js'
import { skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'

/** Whether the page scrolls sideways at a phone's width (390 px). */
async function fitsPhone (page: Page): Promise<boolean> {
  await page.setViewportSize({ width: 390, height: 844 })
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)
  await page.setViewportSize({ width: 1280, height: 900 })
  return fits
}

t.test('a reviewer reviews blind in a real browser; the organizer reads the dashboard', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  await seedDemo(h.app)
  const db = h.app.db
  const person = (email: string) => db.selectFrom('members').selectAll().where('email', '=', email).executeTakeFirstOrThrow()
  const call = await db.selectFrom('calls').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow()

  const page = await h.newPage({ as: await person(DEMO.reviewer.email) })
  await page.goto(`/c/${DEMO.communities.dna}/calls/${call.id}`)
  await h.checkA11y(page, t)
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Review proposals' }).click()])
  await h.checkA11y(page, t)
  t.ok(await fitsPhone(page), 'the review list fits a phone')
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Review next' }).first().click()])
  await h.checkA11y(page, t)
  t.ok(await fitsPhone(page), 'the review form fits a phone')
  t.notMatch(await page.locator('main').innerText(), DEMO.member.name, 'blind: no speaker name')

  // Half a review: the missing scores are named, what was chosen is kept.
  await page.locator('label[for="score_relevant_4"]').click()
  await page.getByLabel('Comment to the organizers').fill('Clear plan, real figures.')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Submit your review' }).click()])
  t.match(await page.locator('main').innerText(), 'Choose a score from 1 to 5 for “From real experience”.')
  t.ok(await page.getByRole('group', { name: /Relevant to our shared requirements/ }).getByLabel('4').isChecked())
  await h.checkA11y(page, t)
  for (const name of [/From real experience/, /Practical for others/, /^Clear/]) {
    // Radio groups work with the keyboard: focus the group's first radio, arrow to the next.
    await page.getByRole('group', { name }).locator('input').first().focus()
    await page.keyboard.press('ArrowRight')
  }
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Submit your review' }).click()])
  t.match(await page.locator('main').innerText(), 'Review saved.')
  await h.checkA11y(page, t)

  const orga = await h.newPage({ as: await person(DEMO.organizer.email) })
  await orga.goto(`/c/${DEMO.communities.dna}/orga/calls/${call.id}`)
  await h.checkA11y(orga, t)
  await Promise.all([orga.waitForNavigation(), orga.getByRole('link', { name: 'Review dashboard' }).click()])
  await h.checkA11y(orga, t)
  t.ok(await fitsPhone(orga), 'the dashboard fits a phone')
  t.match(await orga.locator('main').innerText(), DEMO.reviewer.name)
  await Promise.all([orga.waitForNavigation(), orga.getByRole('link', { name: 'Largest spread' }).click()])
  await h.checkA11y(orga, t)
  h.assertEveryPageChecked(t)
})
