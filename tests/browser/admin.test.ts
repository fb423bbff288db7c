import t from 'tap'
import { skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'
import { createCommunity, createMember } from '../fixtures/factories.js'

t.test('a site admin archives a community and restores it in a real browser', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  const db = h.app.db
  const admin = await createMember(db, { full_name: 'Sam Admin', is_admin: true })
  await createCommunity(db, { name: 'DNA Databasing', slug: 'dna', organizer: admin })
  const page = await h.newPage({ as: admin })
  await page.goto('/admin')
  await h.checkBothWidths(page, t)
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Archive DNA Databasing' }).click()])
  t.match(await page.locator('main').innerText(), 'DNA Databasing is archived')
  await h.checkBothWidths(page, t)
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Restore DNA Databasing' }).click()])
  t.match(await page.locator('main').innerText(), 'DNA Databasing is restored')
  await h.checkBothWidths(page, t)
  h.assertEveryPageChecked(t)
})
