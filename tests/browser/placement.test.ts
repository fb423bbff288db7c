import t from 'tap'
import type { Page } from 'playwright-core'
import { skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'
import { createCommunity, createMember, createSeries } from '../fixtures/factories.js'
import { createClosedCall, insertSubmittedProposal } from '../fixtures/calls.js'
import { decide, releaseDecisions } from '../../src/domain/proposals/decisions.service.js'

t.test('an organizer places accepted talks on a series’ meetings with the keyboard (axe at 1280 and 390 px)', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  const db = h.app.db
  const organizer = await createMember(db, { full_name: 'Olga Organizer' })
  const ada = await createMember(db, { full_name: 'Ada Analyst' })
  const cy = await createMember(db, { full_name: 'Cy Cole' })
  const community = await createCommunity(db, { name: 'DNA Databasing', slug: 'dna', organizer, members: [ada, cy] })
  const { series } = await createSeries(db, community, { title: 'Brown-bag' })
  const { call } = await createClosedCall(db, community.id, { kind: 'series', id: series.id, timeZone: 'America/Chicago' }, organizer.id)
  const propose = async (submitter: number, title: string) => insertSubmittedProposal(db, call, submitter, title,
    { why: 'Every lab re-validates this year; this saves months of work for each of them.' })
  const pa = await propose(ada.id, 'Clearing a backlog')
  const pc = await propose(cy.id, 'Validation on a shoestring')
  await decide(db, call.id, pa.id, 'accepted', '', organizer.id)
  await decide(db, call.id, pc.id, 'accepted', '', organizer.id)
  await releaseDecisions(db, h.app.mailer, community.id, call.id)
  const pending = await propose(cy.id, 'A pending idea')
  const [m1] = await db.selectFrom('events').select('id').where('series_id', '=', series.id).orderBy('starts_at').execute()

  const fits = async (page: Page, width: number) => {
    await page.setViewportSize({ width, height: 900 })
    t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `no horizontal scroll at ${width} px on ${new URL(page.url()).pathname}`)
    await h.checkA11y(page, t)
  }
  const orga = await h.newPage({ as: organizer })
  await orga.goto(`/c/dna/orga/calls/${call.id}`)
  await h.checkA11y(orga, t)
  await orga.getByRole('link', { name: 'Place the accepted talks on the series’ meetings' }).click()
  await orga.waitForURL('**/placement')
  await fits(orga, 1280)
  await fits(orga, 390)
  // Keyboard only: focus the select, choose the first meeting, tab to its Save and press Enter.
  await orga.locator(`#event_id-${pa.id}`).focus()
  await orga.keyboard.press('ArrowDown')
  t.equal(await orga.locator(`#event_id-${pa.id}`).inputValue(), String(m1.id))
  await orga.keyboard.press('Tab')
  await Promise.all([orga.waitForNavigation(), orga.keyboard.press('Enter')])
  t.match(await orga.locator('main').innerText(), 'Talk placed on the meeting of')
  await fits(orga, 390)
  await orga.setViewportSize({ width: 1280, height: 900 })
  await orga.locator(`#event_id-${pc.id}`).selectOption(String(m1.id))
  await Promise.all([orga.waitForNavigation(), orga.getByRole('button', { name: 'Save the meeting for “Validation on a shoestring”' }).click()])
  t.match(await orga.locator('main').innerText(), 'That meeting already holds another talk')
  await fits(orga, 1280)
  await fits(orga, 390)

  const member = await h.newPage({ as: cy })
  await member.goto(`/c/dna/events/${m1.id}`)
  t.match(await member.locator('main').innerText(), 'Clearing a backlog')
  await fits(member, 390)

  await orga.goto(`/c/dna/orga/calls/${call.id}/decisions`)
  await h.checkA11y(orga, t)
  await orga.locator(`#decision-${pending.id}`).selectOption('rejected')
  await orga.getByLabel('Send the reviewers’ notes to the speaker').focus()
  await orga.keyboard.press('Space')
  await Promise.all([orga.waitForNavigation(), orga.getByRole('button', { name: /Save the decision/ }).click()])
  t.ok(await orga.getByLabel('Send the reviewers’ notes to the speaker').isChecked(), 'the box stays ticked')
  await fits(orga, 390)
  await fits(orga, 1280)
  h.assertEveryPageChecked(t)
})
