import t from 'tap'
import { skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'
import { createCommunity, createEvent, createMember } from '../fixtures/factories.js'
import { createSession } from '../fixtures/agenda.js'
import { cancelEvent } from '../../src/domain/events/events.service.js'

t.test('a member finds the agenda, filters it and picks a session in a real browser', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  const db = h.app.db
  const organizer = await createMember(db, { full_name: 'Olga Organizer' })
  const member = await createMember(db, { full_name: 'Marta Member' })
  const community = await createCommunity(db, { name: 'DNA Databasing', slug: 'dna', organizer, members: [member] })
  const event = await createEvent(db, community, { title: 'Regional conference', liveTranscriptUrl: 'https://captions.example.gov/conf' })
  const hour = 3_600_000
  await createSession(db, event.id, { title: 'Opening remarks', room: 'Main hall', track: 'Plenary' })
  await createSession(db, event.id, {
    title: 'Validating a new kit with a very long title that has to wrap on a phone screen without scrolling sideways',
    starts_at: new Date(event.starts_at.getTime() + hour), room: 'Room B', track: 'Science'
  })

  const page = await h.newPage({ as: member })
  await page.goto(`/c/dna/events/${event.id}`)
  await h.checkA11y(page, t)
  await page.getByRole('link', { name: 'See the agenda' }).click()
  await page.waitForURL('**/agenda')
  await h.checkBothWidths(page, t)

  await page.getByLabel('Track').selectOption('Science')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Filter' }).click()])
  let main = (await page.locator('main').innerText()).replace(/\s+/g, ' ')
  t.match(main, 'Showing 1 session of 2.')
  t.notMatch(main, 'Opening remarks')
  await h.checkBothWidths(page, t)

  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Add to my agenda/ }).click()])
  main = (await page.locator('main').innerText()).replace(/\s+/g, ' ')
  t.match(main, 'is in your agenda.')
  t.match(main, /In my agenda/i, 'marked (the tag may be shown in capitals)')
  t.match(page.url(), /track=Science/, 'back to the filtered view')
  await h.checkBothWidths(page, t)

  // The event is cancelled: the agenda stays as a record, without buttons.
  await db.transaction().execute((trx) => cancelEvent(trx, event.id))
  await page.goto(`/c/dna/events/${event.id}/agenda`)
  main = (await page.locator('main').innerText()).replace(/\s+/g, ' ')
  t.match(main, 'This event was cancelled. Its agenda stays here as a record')
  t.match(main, 'Opening remarks')
  t.equal(await page.getByRole('button', { name: /my agenda/ }).count(), 0, 'no pick buttons')
  await h.checkBothWidths(page, t)
  h.assertEveryPageChecked(t)
})
