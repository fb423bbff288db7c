import t from 'tap'
import { skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'
import { buildAgendaWorld } from '../fixtures/agenda-editor.js'

const PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1280, height: 900 }

t.test('an organizer places a talk and fixes a room clash in a real browser, by keyboard-friendly forms', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  const w = await buildAgendaWorld(h.app.db)
  const page = await h.newPage({ as: w.organizer })
  const fits = async (what: string) => {
    for (const size of [PHONE, DESKTOP]) {
      await page.setViewportSize(size)
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      t.equal(wide, 0, `${what}: no sideways scroll at ${size.width} px`)
      await h.checkA11y(page, t)
    }
  }

  await page.goto(`/c/dna/events/${w.conference.id}`)
  await h.checkA11y(page, t)
  await page.getByRole('link', { name: 'Agenda', exact: true }).click()
  await page.waitForURL('**/agenda')
  await fits('the empty agenda')

  await page.getByRole('link', { name: 'Place “Halving the backlog”' }).click()
  await page.waitForURL('**/agenda?place=*')
  await h.checkA11y(page, t)
  t.equal(await page.locator('#title').inputValue(), 'Halving the backlog')
  await page.locator('#date').selectOption({ label: 'Tue 11 May' })
  await page.locator('#start_time').fill('10:00')
  await page.locator('#end_time').fill('10:45')
  await page.locator('#room').fill('Room A')
  await page.locator('#track').fill('Casework')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add the session' }).click()])
  t.match(await page.locator('main').innerText(), 'Session added: “Halving the backlog”.')
  await fits('the agenda with a session')

  // A second session in the same room at the same time: refused, the form kept.
  await page.locator('#title').fill('Coffee with the speakers')
  await page.locator('#start_time').fill('10:30')
  await page.locator('#end_time').fill('11:00')
  await page.locator('#room').fill('Room A')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add the session' }).click()])
  t.match((await page.locator('main').innerText()).replace(/\s+/g, ' '), 'Room A already has “Halving the backlog” from 10:00 to 10:45 on Tue 11 May.')
  t.equal(await page.locator('#title').inputValue(), 'Coffee with the speakers')
  await fits('the agenda with an error')

  await page.getByRole('link', { name: 'Edit “Halving the backlog”' }).click()
  await page.waitForURL('**/agenda/*')
  await fits('the session form')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Delete “Halving the backlog”' }).click()])
  t.match(await page.locator('main').innerText(), 'Session deleted: “Halving the backlog”.')
  await h.checkA11y(page, t)
  h.assertEveryPageChecked(t)
})
