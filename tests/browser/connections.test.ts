import t from 'tap'
import { skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'
import { createCommunity, createEvent, createMember } from '../fixtures/factories.js'
import { recordMet } from '../../src/domain/connections/connections.service.js'

// Two members checked in at a meetup say, each in their own browser, that they met: they are connected, and the
// member page says so. Every new page (the "Who did you meet?" list, the profile with confirmations, the member
// page with connections, the remove step) is checked with axe at 1280 and 390 px.

t.test('who did you meet, in a real browser', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  const db = h.app.db
  const olive = await createMember(db, { full_name: 'Olive Organizer', agency: 'State Crime Laboratory' })
  const ann = await createMember(db, { full_name: 'Ann Analyst', agency: 'Ohio Bureau of Criminal Investigation' })
  const bob = await createMember(db, { full_name: 'Bob Bench', agency: 'Environmental Protection Agency, Region 5' })
  const cat = await createMember(db, { full_name: 'Cat Colleague-with-a-very-long-unbroken-name-that-must-wrap', agency: 'Texas Department of Public Safety' })
  const dna = await createCommunity(db, { slug: 'dna', name: 'Forensic DNA Analysts', organizer: olive, members: [ann, bob, cat] })
  const meetup = await createEvent(db, dna, { title: 'Triangle regional meetup', startsAt: new Date(Date.now() - 3 * 3_600_000) })
  for (const m of [ann, bob, cat]) await db.insertInto('check_ins').values({ event_id: meetup.id, member_id: m.id }).execute()
  // Cat says she met Bob (so Bob's profile has a confirmation waiting).
  await db.transaction().execute((trx) => recordMet(trx, cat.id, bob.id, meetup.id))

  const asAnn = await h.newPage({ as: ann })
  await asAnn.goto(`/c/dna/events/${meetup.id}`)
  await h.checkA11y(asAnn, t)
  await asAnn.getByRole('link', { name: 'Who did you meet?' }).click()
  await asAnn.waitForURL(`**/c/dna/events/${meetup.id}/met`)
  await h.checkBothWidths(asAnn, t)
  await Promise.all([asAnn.waitForNavigation(), asAnn.getByRole('button', { name: /^I met them\W+Bob Bench$/ }).click()])
  t.match(await asAnn.locator('main').innerText(), 'Recorded. You’ll be connected when Bob Bench says so too.')
  t.match(await asAnn.locator('main').innerText(), 'You said you met')
  await h.checkBothWidths(asAnn, t)

  const asBob = await h.newPage({ as: bob })
  await asBob.goto('/profile')
  t.match(await asBob.locator('main').innerText(), 'People who say they met you')
  await h.checkBothWidths(asBob, t)
  await asBob.goto(`/c/dna/events/${meetup.id}/met`)
  await h.checkA11y(asBob, t)
  // Search by name, with the keyboard.
  await asBob.getByLabel('Search by name').fill('ann')
  await asBob.getByLabel('Search by name').focus()
  await Promise.all([asBob.waitForNavigation(), asBob.keyboard.press('Enter')])
  t.match(asBob.url(), '/met?q=ann')
  t.match(await asBob.locator('main').innerText(), 'Says they met you — confirm')
  await h.checkBothWidths(asBob, t)
  await Promise.all([asBob.waitForNavigation(), asBob.getByRole('button', { name: /^Confirm\s+that you met Ann Analyst$/ }).click()])
  t.match(await asBob.locator('main').innerText(), 'You and Ann Analyst are now connected.')
  await h.checkA11y(asBob, t)

  // The member page shows the connection, to both.
  await asBob.getByRole('link', { name: 'Ann Analyst' }).click()
  await asBob.waitForURL(`**/members/${ann.id}`)
  const annPage = (await asBob.locator('main').innerText()).replace(/\s+/g, ' ')
  t.match(annPage, 'You’re connected')
  t.match(annPage, 'Met at Triangle regional meetup')
  await h.checkBothWidths(asBob, t)
  await asAnn.goto(`/members/${ann.id}`)
  t.match((await asAnn.locator('main').innerText()).replace(/\s+/g, ' '), 'Bob Bench, Environmental Protection Agency, Region 5 Met at Triangle regional meetup')
  await h.checkBothWidths(asAnn, t)
  // The directory shows the connection too: "only people I've met" lists Bob, with where they met.
  await asAnn.goto('/members?relation=met')
  const met = (await asAnn.locator('main').innerText()).replace(/\s+/g, ' ')
  t.match(met, 'Bob Bench')
  t.match(met, 'Connected · met at Triangle regional meetup')
  t.notMatch(met, 'Cat Colleague', 'only the people Ann has met')
  await h.checkBothWidths(asAnn, t)

  // Bob confirms Cat from his profile, then removes his connection with Ann (a confirm step first).
  await asBob.goto('/profile')
  await h.checkA11y(asBob, t)
  await Promise.all([asBob.waitForNavigation(), asBob.getByRole('button', { name: /^Confirm\s+that you met Cat/ }).click()])
  t.match(await asBob.locator('main').innerText(), 'are now connected.')
  await h.checkA11y(asBob, t)
  await asBob.goto(`/members/${ann.id}`)
  await h.checkA11y(asBob, t)
  await asBob.getByRole('link', { name: /^Remove your connection\s+with Ann Analyst$/ }).click()
  await asBob.waitForURL(`**/members/${ann.id}/connection/remove`)
  await h.checkBothWidths(asBob, t)
  await Promise.all([asBob.waitForNavigation(), asBob.getByRole('button', { name: 'Remove the connection' }).click()])
  t.match(await asBob.locator('main').innerText(), 'Your connection with Ann Analyst is removed.')
  await h.checkBothWidths(asBob, t)
  h.assertEveryPageChecked(t)
})
