import t from 'tap'
import { DateTime } from 'luxon'
import type { Page } from 'playwright-core'
import { skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'
import { createCommunity, createMember } from '../fixtures/factories.js'

async function mainText (page: Page): Promise<string> {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ').trim()
}

async function h1 (page: Page): Promise<string> {
  return (await page.locator('h1').innerText()).trim()
}

t.test('events in a real browser', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  const organizer = await createMember(h.app.db, { email: 'olga@fbi.gov', full_name: 'Olga Organizer' })
  const member = await createMember(h.app.db, { email: 'marta@nist.gov', full_name: 'Marta Member' })
  const other = await createMember(h.app.db, { email: 'otto@nist.gov', full_name: 'Otto Other' })
  await createCommunity(h.app.db, {
    name: 'DNA Databasing', slug: 'dna', about: 'CODIS administrators compare notes.', allowed_domains: ['*.gov'], organizer, members: [member, other]
  })
  const inTwoWeeks = DateTime.now().setZone('America/New_York').plus({ days: 14 }).toISODate()!
  const nextWeek = DateTime.now().setZone('America/New_York').plus({ days: 7 }).toISODate()!

  t.test('an organizer publishes an event and a series, a member RSVPs, the organizer checks them in', async (t) => {
    const orga = await h.newPage({ as: organizer })
    await orga.goto('/c/dna')
    await h.checkA11y(orga, t)
    await orga.getByRole('link', { name: 'Events', exact: true }).click()
    await orga.waitForURL('**/c/dna/events')
    t.equal(await h1(orga), 'Upcoming events')
    await h.checkA11y(orga, t)

    // The organizers' tabs lead to the new-event form.
    await orga.goto('/c/dna/orga/requests')
    await h.checkA11y(orga, t)
    await orga.getByRole('link', { name: 'New event', exact: true }).click()
    await orga.waitForURL('**/c/dna/orga/events/new')
    t.equal(await h1(orga), 'New event')
    await h.checkA11y(orga, t)

    // Saved with nothing filled in: the problems are listed, and the form still passes axe.
    await orga.getByRole('button', { name: 'Save draft' }).click()
    await orga.locator('#error-summary').waitFor()
    t.equal(await orga.getByLabel('Title').getAttribute('aria-invalid'), 'true')
    await h.checkA11y(orga, t)

    await orga.getByLabel('Title').fill('Mid-Atlantic meetup')
    await orga.getByLabel('Kind').selectOption('meetup')
    await orga.getByLabel('Why this matters to members').fill('Meet the analysts in the states next door.')
    await orga.getByLabel('Start date').fill(inTwoWeeks)
    await orga.getByLabel('Start time').fill('13:00')
    await orga.getByLabel('End time').fill('17:00')
    await orga.getByLabel('Venue name').fill('Virginia Department of Forensic Science')
    await orga.getByLabel('Region').fill('Mid-Atlantic')
    await orga.getByRole('button', { name: 'Save draft' }).click()
    await orga.waitForURL(/\/c\/dna\/events\/\d+$/)
    t.equal(await h1(orga), 'Mid-Atlantic meetup')
    t.match(await mainText(orga), 'Draft saved. Check it, then publish it.')
    await h.checkA11y(orga, t)
    await orga.getByRole('button', { name: 'Publish' }).click()
    await orga.getByText('Published: members can now see it and RSVP.').waitFor()
    await h.checkA11y(orga, t)

    // A monthly series, published at once.
    await orga.goto('/c/dna/orga/series/new')
    t.equal(await h1(orga), 'New series')
    await h.checkA11y(orga, t)
    await orga.getByLabel('Title').fill('CODIS brown-bag')
    await orga.getByLabel('Kind').selectOption('brown-bag')
    await orga.getByLabel('Why this matters to members').fill('An hour with the labs that solved your problem already.')
    await orga.getByLabel('How often').selectOption('monthly-weekday')
    await orga.getByLabel('First date').fill(nextWeek)
    await orga.getByLabel('Start time').fill('12:00')
    await orga.getByLabel('Length in minutes').fill('60')
    await orga.getByLabel('Time zone').selectOption('America/New_York')
    await orga.getByLabel('Online join link').fill('https://meet.example.gov/codis')
    await orga.getByLabel('Live-transcript (captions) link').fill('https://captions.example.gov/codis')
    await orga.getByLabel('Publish the meetings now?').selectOption('yes')
    await orga.getByRole('button', { name: 'Create series' }).click()
    await orga.waitForURL(/\/c\/dna\/orga\/series\/\d+$/)
    t.equal(await h1(orga), 'CODIS brown-bag')
    t.match(await mainText(orga), 'Series created with')
    await h.checkA11y(orga, t)
    const occurrences = await h.app.db.selectFrom('events').select(['id', 'starts_at', 'status']).where('title', '=', 'CODIS brown-bag').orderBy('starts_at').execute()
    t.ok(occurrences.length >= 12, 'a year of occurrences')
    t.ok(occurrences.every((o) => o.status === 'published'))
    t.ok(occurrences.every((o) => DateTime.fromJSDate(o.starts_at, { zone: 'America/New_York' }).toFormat('HH:mm') === '12:00'), 'each at 12:00 New York time')
    const first = occurrences[0]

    // The member finds the first brown-bag from the community home and says "Going".
    const page = await h.newPage({ as: member })
    await page.goto('/c/dna')
    await h.checkA11y(page, t)
    await page.getByRole('link', { name: 'Events', exact: true }).click()
    await page.waitForURL('**/c/dna/events')
    const list = await mainText(page)
    t.match(list, 'Mid-Atlantic meetup')
    t.match(list, 'CODIS brown-bag')
    await h.checkA11y(page, t)
    await page.locator(`a[href="/c/dna/events/${first.id}"]`).first().click()
    await page.waitForURL(`**/c/dna/events/${first.id}`)
    t.equal(await h1(page), 'CODIS brown-bag')
    t.match(await mainText(page), 'An hour with the labs that solved your problem already.')
    await h.checkA11y(page, t)
    await page.getByRole('button', { name: 'Going', exact: true }).click()
    await page.getByText('You’re going. See you there!').waitFor()
    await h.checkA11y(page, t)
    const rsvp = await h.app.db.selectFrom('rsvps').select('status').where('event_id', '=', first.id).where('member_id', '=', member.id).executeTakeFirstOrThrow()
    t.equal(rsvp.status, 'going')

    // The organizer sees them among the attendees, then marks them arrived at the door.
    await orga.goto(`/c/dna/events/${first.id}`)
    await h.checkA11y(orga, t)
    await orga.getByRole('link', { name: 'Attendees', exact: true }).click()
    await orga.waitForURL(`**/c/dna/orga/events/${first.id}/attendees`)
    t.match(await mainText(orga), 'Marta Member')
    await h.checkA11y(orga, t)
    await orga.goto(`/c/dna/events/${first.id}`)
    await h.checkA11y(orga, t)
    await orga.getByRole('link', { name: 'Check-in', exact: true }).click()
    await orga.waitForURL(`**/c/dna/orga/events/${first.id}/check-in`)
    t.equal(await h1(orga), 'Check-in')
    t.match(await mainText(orga), '0 people checked in')
    await h.checkA11y(orga, t)
    await orga.getByLabel('Search by name').fill('marta')
    await orga.getByRole('button', { name: 'Search' }).click()
    await orga.waitForURL(/check-in\?q=marta/)
    t.match(await mainText(orga), 'Marta Member')
    t.notMatch(await mainText(orga), 'Otto Other')
    await h.checkA11y(orga, t)
    await orga.getByRole('button', { name: /^Arrived\W+Marta Member$/ }).click()
    await orga.getByText('Checked in.', { exact: true }).waitFor()
    t.match(await mainText(orga), '1 person checked in')
    t.ok(await orga.getByRole('button', { name: /^Undo\s*check-in of Marta Member$/ }).isVisible())
    await h.checkA11y(orga, t)
    const arrived = await h.app.db.selectFrom('check_ins').select(['member_id', 'checked_in_by', 'walk_in']).where('event_id', '=', first.id).execute()
    t.same(arrived, [{ member_id: member.id, checked_in_by: organizer.id, walk_in: false }])
    h.assertEveryPageChecked(t)
  })
})
