import t from 'tap'
import type { Page } from 'playwright-core'
import { skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'
import { createCommunity, createMember } from '../fixtures/factories.js'

/** The visible text of <main>, white space folded. */
async function mainText (page: Page): Promise<string> {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ').trim()
}

/** What has keyboard focus: its tag, id and visible text. */
async function focused (page: Page): Promise<{ tag: string, id: string, text: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    return { tag: el?.tagName.toLowerCase() ?? '', id: el?.id ?? '', text: (el?.innerText ?? '').trim() }
  })
}

t.test('sign-in in a real browser', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  const member = await createMember(h.app.db, { email: 'ada@nist.gov', full_name: 'Ada Analyst' })
  await createCommunity(h.app.db, { name: 'DNA Databasing', slug: 'dna', about: 'CODIS administrators.' })

  t.test('with the mouse: email, link from the mail, "Sign in" button, signed in', async (t) => {
    const page = await h.newPage()
    await page.goto('/')
    t.equal(await page.title(), 'Communities · Convene')
    t.match(await mainText(page), 'DNA Databasing')
    await h.checkA11y(page, t)

    await page.getByRole('link', { name: 'Sign in', exact: true }).click()
    await page.waitForURL('**/sign-in')
    t.equal(await page.locator('h1').innerText(), 'Sign in')
    await h.checkA11y(page, t)

    // A mistake first: the error summary and the field both say what to do, and the input is kept.
    await page.getByLabel('Email address').fill('ada at nist')
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click()
    await page.waitForLoadState('load')
    t.match(await page.getByRole('alert').first().innerText(), 'Enter an email address in the format name@agency.gov.')
    t.equal(await page.getByLabel('Email address').inputValue(), 'ada at nist')
    t.equal(await page.getByLabel('Email address').getAttribute('aria-invalid'), 'true')
    await h.checkA11y(page, t)
    // The summary's link takes you to the field.
    await page.locator('#error-summary a').first().click()
    t.equal((await focused(page)).id, 'email', 'the error link moves focus to the field')

    await page.getByLabel('Email address').fill('ada@nist.gov')
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click()
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor()
    t.match(await mainText(page), 'If ada@nist.gov belongs to a Convene member, a sign-in link is on its way.')
    await h.checkA11y(page, t)

    const link = await h.linkFromMail(member.email, '/auth/sign-in?token=')
    t.ok(link.startsWith(h.baseUrl), 'the mailed link points at the running app')
    await page.goto(link)
    t.equal(await page.locator('h1').innerText(), 'Sign in to Convene')
    t.match(await mainText(page), 'You are signing in as ada@nist.gov.')
    t.match(await page.locator('header.usa-header').innerText(), 'Sign in', 'opening the link alone does not sign in')
    await h.checkA11y(page, t)

    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.getByRole('button', { name: 'Sign out (Ada Analyst)' }).waitFor()
    t.equal(new URL(page.url()).pathname, '/')
    t.match(await mainText(page), 'You are signed in.')
    await h.checkA11y(page, t)

    // The same link a second time: refused, with a way forward.
    await page.goto(link)
    t.match(await mainText(page), 'This sign-in link has already been used')
    await h.checkA11y(page, t)

    await page.getByRole('button', { name: 'Sign out (Ada Analyst)' }).click()
    await page.getByRole('link', { name: 'Sign in', exact: true }).waitFor()
    t.match(await mainText(page), 'You are signed out.')
    await h.checkA11y(page, t)

    await page.goto('/no-such-page')
    t.equal(await page.locator('h1').innerText(), 'Page not found')
    await h.checkA11y(page, t)
    h.assertEveryPageChecked(t)
  })

  t.test('with the keyboard only: the skip link comes first and every step works without a mouse', async (t) => {
    const page = await h.newPage()
    await page.goto('/sign-in')
    await h.checkA11y(page, t)

    await page.keyboard.press('Tab')
    t.same(await focused(page), { tag: 'a', id: '', text: 'Skip to main content' }, 'the skip link is the first Tab stop')
    t.ok(await page.locator('.usa-skipnav').isVisible(), 'the skip link is visible when focused')
    await page.keyboard.press('Enter')
    t.same((await focused(page)).id, 'main-content', 'the skip link moves focus to main')
    await page.keyboard.press('Tab')
    t.same((await focused(page)).id, 'email', 'the next Tab stop is the first field of the form')

    await page.keyboard.type('ada@nist.gov')
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor()
    await h.checkA11y(page, t)

    await page.goto(await h.linkFromMail(member.email, '/auth/sign-in?token='))
    await h.checkA11y(page, t)
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Tab')
    t.same(await focused(page), { tag: 'button', id: '', text: 'Sign in' }, 'from main, one Tab reaches the Sign in button')
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Sign out (Ada Analyst)' }).waitFor()
    await h.checkA11y(page, t)
    h.assertEveryPageChecked(t)
  })

  t.test('on a phone-sized screen the pages pass axe too, and the menu opens', async (t) => {
    const page = await h.newPage()
    await page.setViewportSize({ width: 375, height: 740 })
    await page.goto('/sign-in')
    await h.checkA11y(page, t)
    const menu = page.getByRole('button', { name: 'Menu' })
    t.ok(await menu.isVisible(), 'the Menu button shows on a small screen')
    await menu.click()
    const signIn = page.locator('nav').getByRole('link', { name: 'Sign in', exact: true })
    await signIn.waitFor({ state: 'visible' })
    t.ok(await page.locator('main').evaluate((el) => (el as HTMLElement).inert), 'the page behind the open menu is inert')
    await h.checkA11y(page, t)
    await page.getByRole('button', { name: 'Close' }).click()
    await signIn.waitFor({ state: 'hidden' })
    t.notOk(await page.locator('main').evaluate((el) => (el as HTMLElement).inert), 'and usable again once it closes')
    h.assertEveryPageChecked(t)
  })
})
