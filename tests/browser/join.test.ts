import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import { skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'
import { createCommunity, createMember } from '../fixtures/factories.js'

async function mainText (page: Page): Promise<string> {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ').trim()
}

async function h1 (page: Page): Promise<string> {
  return (await page.locator('h1').innerText()).trim()
}

/** USWDS draws the checkbox on its label (the input itself is off-screen): a person clicks the label. */
async function acceptNorms (page: Page, t: Test): Promise<void> {
  const box = page.getByLabel('I accept these norms and I have read the public-records notice')
  t.notOk(await box.isChecked(), 'the norms box starts unticked')
  await page.getByText('I accept these norms and I have read the public-records notice').click()
  t.ok(await box.isChecked(), 'clicking the label ticks the box')
}

t.test('joining a community in a real browser', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  const organizer = await createMember(h.app.db, { email: 'olga@fbi.gov', full_name: 'Olga Organizer' })
  await createCommunity(h.app.db, {
    name: 'DNA Databasing', slug: 'dna', about: 'CODIS administrators compare notes.', allowed_domains: ['*.gov'], organizer
  })
  await createCommunity(h.app.db, {
    name: 'Latent Prints', slug: 'prints', about: 'Friction ridge examiners.', allowed_domains: [], requires_approval: true, organizer
  })

  t.test('a newcomer at an allowed domain: ask, confirm the address, accept the norms, member', async (t) => {
    const page = await h.newPage()
    await page.goto('/')
    await h.checkA11y(page, t)
    await page.getByRole('link', { name: 'DNA Databasing', exact: true }).click()
    await page.waitForURL('**/c/dna')
    t.match(await mainText(page), 'CODIS administrators compare notes.')
    await h.checkA11y(page, t)
    await page.getByRole('link', { name: 'Ask to join DNA Databasing' }).click()
    await page.waitForURL('**/c/dna/join')
    t.equal(await h1(page), 'Ask to join DNA Databasing')
    await h.checkA11y(page, t)

    // Missing name and agency: the summary lists both, the input typed so far stays.
    await page.getByLabel('Work email address').fill('Grace.Hopper@Navy.MIL.va.gov')
    await page.getByRole('button', { name: 'Email me a link to confirm' }).click()
    await page.getByRole('heading', { level: 2, name: 'There are 2 problems with what you entered' }).waitFor()
    t.equal(await page.getByLabel('Work email address').inputValue(), 'Grace.Hopper@Navy.MIL.va.gov')
    t.equal(await page.getByLabel('Full name').getAttribute('aria-invalid'), 'true')
    await h.checkA11y(page, t)

    await page.getByLabel('Full name').fill('Grace Hopper')
    await page.getByLabel(/^Agency/).fill('Virginia Department of Forensic Science')
    await page.getByLabel('Note to the organizers (optional)').fill('I run our state DNA index.')
    await page.getByRole('button', { name: 'Email me a link to confirm' }).click()
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor()
    t.match(await mainText(page), 'We sent a link to grace.hopper@navy.mil.va.gov')
    await h.checkA11y(page, t)

    const link = await h.linkFromMail('grace.hopper@navy.mil.va.gov', '/join/verify?token=')
    await page.goto(link)
    t.equal(await h1(page), 'Join DNA Databasing')
    t.match(await mainText(page), 'Press the button to confirm that grace.hopper@navy.mil.va.gov is your address')
    await h.checkA11y(page, t)
    await page.getByRole('button', { name: 'Confirm my email address' }).click()

    await page.waitForURL('**/c/dna/join/norms')
    t.equal(await h1(page), 'Accept the norms of DNA Databasing')
    t.match(await mainText(page), 'Your email address is confirmed and you are signed in.')
    t.match(await mainText(page), 'Make space, take space')
    await h.checkA11y(page, t)

    // Joining without ticking the box is refused, and says why.
    await page.getByRole('button', { name: 'Join DNA Databasing' }).click()
    await page.getByRole('heading', { level: 2, name: 'There is a problem with what you entered' }).waitFor()
    t.match(await mainText(page), 'Tick the box to accept the norms')
    await h.checkA11y(page, t)
    await page.locator('#error-summary a').first().click()
    t.equal(await page.evaluate(() => document.activeElement?.id), 'accept_norms', 'the error link leads to the checkbox')

    await acceptNorms(page, t)
    await page.getByRole('button', { name: 'Join DNA Databasing' }).click()
    await page.waitForURL('**/c/dna')
    t.equal(await h1(page), 'DNA Databasing')
    t.match(await mainText(page), 'Welcome to DNA Databasing! You are now a member.')
    t.match(await mainText(page), 'Olga Organizer', 'members see the organizers')
    t.ok(await page.getByRole('button', { name: 'Sign out (Grace Hopper)' }).isVisible())
    await h.checkA11y(page, t)

    // The verify link a second time: refused, with a way forward.
    await page.goto(link)
    t.match(await mainText(page), 'This link has already been used')
    await h.checkA11y(page, t)
    h.assertEveryPageChecked(t)
  })

  t.test('a look-alike domain is refused with the domains that may join', async (t) => {
    const page = await h.newPage()
    await page.goto('/c/dna')
    t.equal(await h1(page), 'DNA Databasing')
    t.match(await mainText(page), 'How to join')
    await h.checkA11y(page, t)
    await page.getByRole('link', { name: 'Ask to join DNA Databasing' }).click()
    await page.waitForURL('**/c/dna/join')
    await h.checkA11y(page, t)
    await page.getByLabel('Work email address').fill('mallory@agency.gov.evil.com')
    await page.getByLabel('Full name').fill('Mallory Mimic')
    await page.getByLabel(/^Agency/).fill('Department of Look-alikes')
    await page.getByRole('button', { name: 'Email me a link to confirm' }).click()
    await page.getByRole('heading', { level: 1, name: 'This address can’t join DNA Databasing' }).waitFor()
    t.match(await mainText(page), 'mallory@agency.gov.evil.com is not at an email domain this community accepts')
    t.match(await mainText(page), '*.gov')
    await h.checkA11y(page, t)
    const mails = await h.app.db.selectFrom('mail_messages').select('id').where('to_address', '=', 'mallory@agency.gov.evil.com').execute()
    t.equal(mails.length, 0, 'no mail to a refused address')
    h.assertEveryPageChecked(t)
  })

  t.test('with approval: the request waits, the organizer approves, the newcomer accepts the norms', async (t) => {
    const page = await h.newPage()
    await page.goto('/c/prints/join')
    await h.checkA11y(page, t)
    await page.getByLabel('Work email address').fill('ed@nist.gov')
    await page.getByLabel('Full name').fill('Edmond Locard')
    await page.getByLabel(/^Agency/).fill('National Institute of Standards and Technology')
    await page.getByLabel('Note to the organizers (optional)').fill('Every contact leaves a trace.')
    await page.getByRole('button', { name: 'Email me a link to confirm' }).click()
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor()
    await h.checkA11y(page, t)
    await page.goto(await h.linkFromMail('ed@nist.gov', '/join/verify?token='))
    await h.checkA11y(page, t)
    await page.getByRole('button', { name: 'Confirm my email address' }).click()
    await page.getByRole('heading', { level: 1, name: 'Your request is waiting for an organizer' }).waitFor()
    await h.checkA11y(page, t)

    const orga = await h.newPage({ as: organizer })
    await orga.goto('/c/prints')
    await h.checkA11y(orga, t)
    await orga.getByRole('link', { name: 'Requests to join' }).click()
    await orga.waitForURL('**/c/prints/orga/requests')
    t.match(await mainText(orga), 'Edmond Locard')
    t.match(await mainText(orga), 'Every contact leaves a trace.')
    await h.checkA11y(orga, t)
    await orga.getByRole('button', { name: 'Approve Edmond Locard' }).click()
    await orga.getByText('Approved Edmond Locard.').waitFor()
    t.match(await mainText(orga), 'No requests are waiting for a decision.')
    await h.checkA11y(orga, t)

    await page.goto(await h.linkFromMail('ed@nist.gov', '/join/verify?token='))
    t.match(await mainText(page), 'An organizer approved your request.')
    await h.checkA11y(page, t)
    await page.getByRole('button', { name: 'Sign in and continue' }).click()
    await page.waitForURL('**/c/prints/join/norms')
    await h.checkA11y(page, t)
    await acceptNorms(page, t)
    await page.getByRole('button', { name: 'Join Latent Prints' }).click()
    await page.waitForURL('**/c/prints')
    t.match(await mainText(page), 'Welcome to Latent Prints! You are now a member.')
    t.ok(await page.getByRole('button', { name: 'Sign out (Edmond Locard)' }).isVisible())
    await h.checkA11y(page, t)
    h.assertEveryPageChecked(t)
  })
})
