import t from 'tap'
import { skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'
import { createCommunity, createEvent, createMember, createRsvp } from '../fixtures/factories.js'

t.test('the directory, a member page and the profile’s visibility choices in a real browser', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  const db = h.app.db
  const vera = await createMember(db, { full_name: 'Vera Viewer', agency: 'Virginia Department of Forensic Science', region: 'Richmond, Virginia' })
  const john = await createMember(db, { full_name: 'John Smith', agency: 'Ohio Bureau of Criminal Investigation', region: 'Columbus, Ohio', job_title: 'DNA Technical Leader' })
  await db.updateTable('members').set({
    expertise: ['STR analysis', 'CODIS', 'probabilistic genotyping'], ask_me_about: 'Mixture interpretation with three or more contributors',
    can_help_with: 'Validation plans for new kits and a very-long-unbroken-word-that-must-wrap-on-a-phone-screen-without-scrolling'
  }).where('id', '=', john.id).execute()
  const dna = await createCommunity(db, { slug: 'dna', name: 'Forensic DNA Analysts', organizer: vera, members: [john] })
  await db.insertInto('requirements').values({ community_id: dna.id, name: 'FBI QAS' }).execute()

  const page = await h.newPage({ as: vera })
  await page.goto('/c/dna/members')
  await h.checkBothWidths(page, t)
  await page.getByRole('link', { name: 'Search the members of all your communities' }).click()
  await page.waitForURL('**/members')
  await h.checkBothWidths(page, t)

  // Keyboard only: type a misspelt name, choose a state, submit with Enter.
  await page.getByLabel('Search', { exact: true }).fill('Jon Smyth')
  await page.getByLabel('State or territory').selectOption('Ohio')
  await page.getByLabel('Search', { exact: true }).focus()
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')])
  t.match(page.url(), '/members?q=Jon+Smyth')
  t.match((await page.locator('main').innerText()).replace(/\s+/g, ' '), '1 member match “Jon Smyth”.')
  await h.checkBothWidths(page, t)

  await Promise.all([page.waitForNavigation(), page.goto('/members?region=Atlantis')])
  t.match(await page.locator('main').innerText(), 'Choose a state or territory from the list.')
  await h.checkBothWidths(page, t)

  await page.goto('/members?q=john')
  await h.checkA11y(page, t)
  await page.getByRole('link', { name: 'John Smith' }).click()
  await page.waitForURL(`**/members/${john.id}`)
  await h.checkBothWidths(page, t)

  await page.goto(`/members/${vera.id}`)
  await h.checkBothWidths(page, t)
  await page.goto('/profile')
  await h.checkBothWidths(page, t)
  await page.getByLabel('Who sees: Region').selectOption('hidden')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save profile' }).click()])
  t.match(await page.locator('main').innerText(), 'Only you see this')
  await h.checkBothWidths(page, t)

  // "People you haven't met yet": Vera turns it on (keyboard: Space on the checkbox); John, who opted in too, shares CODIS.
  await page.goto('/profile')
  await h.checkA11y(page, t)
  await page.getByLabel('Suggest people I haven’t met yet (and suggest me to others who opted in)').focus()
  await page.keyboard.press('Space')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save profile' }).click()])
  await h.checkBothWidths(page, t)
  await db.updateTable('members').set({ suggestions_opt_in: true }).where('id', '=', john.id).execute()
  await db.updateTable('members').set({ expertise: ['CODIS'] }).where('id', '=', vera.id).execute()
  await page.goto('/members')
  const main = (await page.locator('main').innerText()).replace(/\s+/g, ' ')
  t.match(main, 'People you haven’t met yet')
  t.match(main, 'Also works on CODIS; also works to FBI QAS.')
  await h.checkBothWidths(page, t)
  // The same on the page of an event both are going to.
  const meetup = await createEvent(db, dna, { title: 'Triangle meetup' })
  for (const m of [vera, john]) await createRsvp(db, meetup, m)
  await page.goto(`/c/dna/events/${meetup.id}`)
  t.match((await page.locator('main').innerText()).replace(/\s+/g, ' '), 'Among the others going')
  await h.checkBothWidths(page, t)
  h.assertEveryPageChecked(t)
})
