import t from 'tap'
import { skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'
import { createCommunity, createEvent, createMember, createRsvp } from '../fixtures/factories.js'

// Issue 13's QR code and introduction pages in a real browser: axe at 1280 px and 390 px, nothing scrolling
// sideways; a scan confirmed, an introduction made, accepted by both, and the address shown.
t.test('QR codes and introductions in a real browser', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  const db = h.app.db
  const jane = await createMember(db, { full_name: 'Jane Doe', agency: 'Environmental Protection Agency', email: 'jane.doe@epa.gov' })
  const raj = await createMember(db, { full_name: 'Raj Patel', agency: 'Ohio Bureau of Criminal Investigation', email: 'raj.patel@ohio.gov' })
  const olive = await createMember(db, { full_name: 'Olive Organizer', agency: 'Virginia Department of Forensic Science' })
  const dna = await createCommunity(db, { slug: 'dna', name: 'Forensic DNA Analysts', organizer: olive, members: [jane, raj] })
  const meetup = await createEvent(db, dna, { title: 'Triangle regional meetup' })
  await createRsvp(db, meetup, jane)

  const asJane = await h.newPage({ as: jane })
  await asJane.goto('/profile')
  await h.checkBothWidths(asJane, t)
  t.ok(await asJane.getByRole('img', { name: 'QR code of Jane Doe: scan it to say you met' }).isVisible(), 'the QR code has an accessible name')
  const url = await asJane.locator('#met-code a.usa-link').first().getAttribute('href')
  await asJane.goto(`/c/dna/events/${meetup.id}`)
  await h.checkBothWidths(asJane, t)
  t.ok(await asJane.getByRole('heading', { name: 'Your code for meeting people here' }).isVisible())
  await asJane.goto(url!)
  await h.checkBothWidths(asJane, t)
  t.ok(await asJane.getByRole('heading', { name: 'This is your own code' }).isVisible())
  await asJane.goto('/met/not-a-code-anybody-has')
  await h.checkBothWidths(asJane, t)
  t.ok(await asJane.getByRole('heading', { name: 'This code is not valid any more' }).isVisible())

  const asRaj = await h.newPage({ as: raj })
  await asRaj.goto(url!)
  await h.checkBothWidths(asRaj, t)
  await Promise.all([asRaj.waitForNavigation(), asRaj.getByRole('button', { name: 'I met Jane Doe (Environmental Protection Agency) in person' }).click()])
  t.match(await asRaj.locator('main').innerText(), 'Saved: you met Jane Doe')
  await h.checkBothWidths(asRaj, t)

  const asOlive = await h.newPage({ as: olive })
  await asOlive.goto(`/members/${jane.id}`)
  await h.checkA11y(asOlive, t)
  await Promise.all([asOlive.waitForNavigation(), asOlive.getByRole('link', { name: 'Introduce Jane Doe to someone' }).click()])
  await h.checkBothWidths(asOlive, t)
  await asOlive.getByLabel('Name of the other member').fill('Raj')
  await Promise.all([asOlive.waitForNavigation(), asOlive.getByRole('button', { name: 'Search' }).click()])
  await h.checkBothWidths(asOlive, t)
  // Forgetting the note: the form comes back with the error, the choice kept.
  // USWDS draws its own radio over the input: a person clicks the label.
  await asOlive.getByText('Raj Patel (Ohio Bureau of Criminal Investigation)').click()
  await Promise.all([asOlive.waitForNavigation(), asOlive.getByRole('button', { name: 'Introduce them' }).click()])
  t.match(await asOlive.locator('main').innerText(), 'Enter the note.')
  await h.checkBothWidths(asOlive, t)
  t.ok(await asOlive.getByLabel('Raj Patel (Ohio Bureau of Criminal Investigation)').isChecked(), 'the choice kept')
  await asOlive.getByLabel('Your note to both').fill('You both run CODIS audits.')
  await Promise.all([asOlive.waitForNavigation(), asOlive.getByRole('button', { name: 'Introduce them' }).click()])
  t.match(await asOlive.locator('main').innerText(), 'You introduced Jane Doe and Raj Patel')
  await h.checkBothWidths(asOlive, t)

  for (const page of [asJane, asRaj]) {
    await page.goto('/profile/introductions')
    await h.checkBothWidths(page, t)
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /^Accept/ }).click()])
    await h.checkBothWidths(page, t)
  }
  t.match(await asRaj.locator('main').innerText(), 'jane.doe@epa.gov', 'both accepted: Jane\'s address shown to Raj')
  h.assertEveryPageChecked(t)
})
