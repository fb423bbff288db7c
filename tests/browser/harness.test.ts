import t, { type Test } from 'tap'
import { skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'

// The checks every browser test relies on must themselves catch problems: a page with an accessibility
// violation, an inline script the CSP blocks, a missing image, and a page nobody checked.

/** Stands in for a tap Test and records what the harness asserted. */
function recorder () {
  const failures: string[] = []
  const passes: string[] = []
  const fake = {
    fail (message: string) { failures.push(message); return false },
    pass (message: string) { passes.push(message); return true },
    same (found: unknown, wanted: unknown, message: string) {
      const ok = JSON.stringify(found) === JSON.stringify(wanted)
      if (ok) passes.push(message)
      else failures.push(`${message}: ${JSON.stringify(found)}`)
      return ok
    }
  }
  return { failures, passes, t: fake as unknown as Test }
}

t.test('the browser harness catches what it should', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)

  t.test('a clean page passes', async (t) => {
    const page = await h.newPage()
    await page.goto('/sign-in')
    const r = recorder()
    await h.checkA11y(page, r.t)
    t.same(r.failures, [])
    t.match(r.passes.join('\n'), 'axe: no WCAG A/AA violations on /sign-in')
    h.assertEveryPageChecked(r.t)
    t.same(r.failures, [], 'the one page visited was checked')
  })

  t.test('violations, CSP refusals, broken images and unchecked pages fail the test', async (t) => {
    const page = await h.newPage()
    await page.goto('/')
    await page.evaluate(() => {
      const main = document.querySelector('main')!
      main.insertAdjacentHTML('beforeend', '<img src="/public/no-such-image.png"><input id="unlabelled">' +
        '<img alt="x" src="/public/convene.css" onerror="document.title = \'ran\'">')
    })
    await page.waitForLoadState('networkidle')
    const r = recorder()
    await h.checkA11y(page, r.t)
    const report = r.failures.join('\n')
    t.match(report, /image-alt \(critical\)/, 'an image without alt text')
    t.match(report, /label \(critical\)/, 'an input without a label')
    t.match(report, /at #unlabelled/, 'names the element')
    t.match(report, /Content Security Policy/, 'the inline event handler refused by the CSP')
    t.match(report, /no-such-image\.png answered 404/, 'the missing image')
    t.not(await page.title(), 'ran', 'the CSP really blocked the inline handler')

    await page.goto('/sign-in')
    const r2 = recorder()
    h.assertEveryPageChecked(r2.t)
    t.match(r2.failures.join('\n'), /axe checked every page the test visited: \[".*\/sign-in"\]/, 'the page not checked is named')
  })
})
