import t from 'tap'
import { createTestApp, text } from '../../fixtures/build-app.js'

// The banner above every page (SITE_BANNER): the USWDS government banner by default, none, or an install's
// own words for a state or non-federal site.

t.test('the federal banner by default, with its “Here’s how you know”', async (t) => {
  const { app } = await createTestApp(t)
  const page = await app.inject({ url: '/sign-in' })
  t.equal(page.statusCode, 200)
  t.match(page.body, '<section class="usa-banner" aria-label="Official website of the United States government">')
  t.match(text(page.body), 'An official website of the United States government')
  t.match(page.body, /<button type="button" class="usa-accordion__button usa-banner__button" aria-expanded="false" aria-controls="gov-banner">/)
  t.match(text(page.body), 'Official websites use .gov')
  t.ok(page.body.indexOf('usa-banner') < page.body.indexOf('usa-header'), 'above the header')
  const missing = await app.inject({ url: '/no-such-page' })
  t.equal(missing.statusCode, 404)
  t.match(missing.body, 'usa-banner', 'error pages too')
})

t.test('SITE_BANNER=none shows no banner', async (t) => {
  const { app } = await createTestApp(t, { config: { SITE_BANNER: 'none' } })
  const page = await app.inject({ url: '/sign-in' })
  t.equal(page.statusCode, 200)
  t.notMatch(page.body, 'usa-banner')
  t.notMatch(text(page.body), 'official website')
})

t.test('other text is shown as it is, escaped, without the .gov explanation', async (t) => {
  const { app } = await createTestApp(t, { config: { SITE_BANNER: 'A service of the State of Ohio <Beta>' } })
  const page = await app.inject({ url: '/sign-in' })
  t.match(page.body, 'A service of the State of Ohio &lt;Beta&gt;')
  t.notMatch(text(page.body), 'United States government')
  t.notMatch(page.body, 'Here’s how you know')
})
