import t from 'tap'
import type { Page, Response } from 'playwright-core'
import type { Test } from 'tap'
import type { Member } from '../../src/db/database.js'
import { DEMO, seedDemo } from '../../src/cli/demo.js'
import { sendDueReminders } from '../../src/domain/reminders/reminders.service.js'
import { sendCalendarMail } from '../fixtures/calendar-mail.js'
import { rsvpLinkUrls } from '../../src/domain/rsvps/rsvp-links.js'
import { skipWithoutChromium, startBrowserApp, type BrowserHarness } from '../fixtures/browser.js'
import { addMembership, createEvent, createMember } from '../fixtures/factories.js'

// Every page a person can reach, in every role, on the demo data: crawled from the entry points by following
// same-origin links, plus the pages no link leads to (token links, error pages, forms shown with errors).
// Each page must pass axe (WCAG 2.x A/AA) with no script error, CSP refusal or broken resource, have exactly
// one <h1>, headings that never skip a level, a title of its own, and no "undefined"/"null" leaking into it.
// Each page is checked at two widths, a desktop and a phone, without loading it twice: the window is narrowed
// after the desktop checks, axe runs again, and the page must fit (no horizontal scroll) at both.

const DNA = DEMO.communities.dna
const RECORDS = DEMO.communities.records

/** Links the crawl never follows: state changes, downloads, feeds, hand-offs to other sites. */
const SKIP = [
  /\/sign-out\b/, /\.(ics|csv|json)(\?|$)/, /^\/feeds\//, /\/add\/(google|outlook|outlook-com)$/,
  /^\/(uswds|public)\//, /\/favicon\.ico$/
]

/** Pages of one pattern (`/members/:n`) checked: one each, so the crawl stays bounded as pages are added. */
const PER_PATTERN = 1
const MAX_PAGES = 140

/** `/c/dna/events/123?past=1` → `/c/dna/events/:n?past`: numbers and tokens become placeholders. */
function patternOf (url: URL): string {
  const path = url.pathname.split('/').map((s) => /^\d+$/.test(s) ? ':n' : s.length > 30 ? ':token' : s).join('/')
  const keys = [...new Set(url.searchParams.keys())].sort()
  return keys.length ? `${path}?${keys.join('&')}` : path
}

/** The URL patterns checked by the crawls so far (the site admin's crawl skips those: see below). */
const checkedPatterns = new Set<string>()

/** Text that means a value went missing on its way to the page. */
const LEAKS = /\bundefined\b|\bnull\b|\[object Object\]|\bNaN\b|Invalid DateTime/

/** The widths every page is checked at: the harness's desktop window, then a phone (iPhone 12–15). */
const DESKTOP = { width: 1280, height: 900 }
const PHONE = { width: 390, height: 844 }

/**
 * Whether the document scrolls sideways at the window's width, and if so which elements stick out (the deepest
 * ones, so the message names the culprit rather than its containers).
 */
async function overflow (page: Page): Promise<{ scrollWidth: number, width: number, culprits: string[] }> {
  return await page.evaluate(() => {
    const width = document.documentElement.clientWidth
    const culprits: string[] = []
    // Too wide: a box past the window's edge, or text spilling out of its box (a long word in a heading).
    const sticksOut = (e: Element): boolean => {
      const r = e.getBoundingClientRect()
      return r.width > 0 && (r.right > width + 0.5 || r.left + e.scrollWidth > width + 0.5)
    }
    for (const e of document.body.querySelectorAll('*')) {
      if (!sticksOut(e) || [...e.children].some(sticksOut)) continue
      const r = e.getBoundingClientRect()
      const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
        (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : '')
      culprits.push(`${name} (right edge ${Math.round(Math.max(r.right, r.left + e.scrollWidth))} px) “${(e.textContent ?? '').trim().slice(0, 40)}”`)
      if (culprits.length >= 5) break
    }
    return { scrollWidth: document.documentElement.scrollWidth, width, culprits }
  })
}

interface Visit { url: string, status: number, title: string }

class Visitor {
  visits: Visit[] = []
  /** The widest document seen at each window width, for the test log. */
  widest = new Map<number, number>()
  constructor (readonly h: BrowserHarness, readonly page: Page, readonly role: string) {}

  /** Opens `path`, expects `status`, and runs every per-page check. */
  async visit (t: Test, path: string, status = 200): Promise<Visit> {
    const res = await this.page.goto(path)
    return await this.check(t, res, status, path)
  }

  /** The checks on the page as it is now (after a goto, a click or a form submission). */
  async check (t: Test, res: Response | null, status: number, label: string): Promise<Visit> {
    const where = new URL(this.page.url())
    const name = `${this.role} ${where.pathname}${where.search}`
    t.equal(res?.status(), status, `${name}: answered ${status} (asked for ${label})`)
    await this.h.checkA11y(this.page, t)
    const facts = await this.page.evaluate(() => {
      const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((e) => ({
        level: Number(e.tagName[1]), text: (e.textContent ?? '').trim().replace(/\s+/g, ' ')
      }))
      const attrs = [...document.querySelectorAll('[href], [src], [action], [value], [aria-label], [alt], [title]')]
        .flatMap((e) => ['href', 'src', 'action', 'value', 'aria-label', 'alt', 'title'].map((a) => e.getAttribute(a) ?? ''))
      return { headings, title: document.title.trim(), text: document.body.innerText, attrs }
    })
    t.equal(facts.headings.filter((x) => x.level === 1).length, 1, `${name}: exactly one <h1>`)
    const skips: string[] = []
    facts.headings.forEach((x, i) => {
      const before = i === 0 ? 0 : facts.headings[i - 1].level
      if (x.level > before + 1) skips.push(`h${before} → h${x.level} “${x.text}”`)
    })
    t.same(skips, [], `${name}: headings never skip a level`)
    t.ok(facts.title && facts.title !== 'Convene', `${name}: the page has a title of its own (“${facts.title}”)`)
    const leak = LEAKS.exec(facts.text)
    t.notOk(leak, `${name}: no “undefined”, “null” or “[object Object]” in the text` +
      (leak ? `: …${facts.text.slice(Math.max(0, leak.index - 80), leak.index + 40)}…` : ''))
    const badAttrs = facts.attrs.filter((a) => LEAKS.test(a))
    t.same(badAttrs, [], `${name}: no “undefined” or “null” in links or attributes`)
    await this.assertFits(t, name, DESKTOP.width)
    // The same document on a phone: axe again (reflow changes what is visible: the menu button, search icons)
    // and no sideways scroll.
    await this.page.setViewportSize(PHONE)
    await this.h.checkA11y(this.page, t)
    await this.assertFits(t, name, PHONE.width)
    await this.page.setViewportSize(DESKTOP)
    const visit = { url: where.pathname + where.search, status, title: facts.title }
    this.visits.push(visit)
    return visit
  }

  /** The page at the window's current width scrolls no wider than the window. */
  async assertFits (t: Test, name: string, width: number): Promise<void> {
    const o = await overflow(this.page)
    t.ok(o.scrollWidth <= width, `${name}: fits ${width} px (document ${o.scrollWidth} px wide)` +
      (o.culprits.length ? `; too wide:\n  ${o.culprits.join('\n  ')}` : ''))
    this.widest.set(width, Math.max(this.widest.get(width) ?? 0, o.scrollWidth))
  }

  /**
   * Breadth-first over same-origin links from `starts`; every page answers 200 and passes the checks. `skip`:
   * URL patterns another role has checked already, which this one does not open (beyond its `starts`).
   */
  async crawl (t: Test, starts: string[], skip: ReadonlySet<string> = new Set()): Promise<void> {
    const base = new URL(this.h.baseUrl)
    const seen = new Set<string>()
    const perPattern = new Map<string, number>()
    const queue: string[] = []
    const enqueue = (href: string): void => {
      let u: URL
      try { u = new URL(href, base) } catch { return }
      if (u.origin !== base.origin || !/^https?:$/.test(u.protocol)) return
      u.hash = ''
      const key = u.pathname + u.search
      if (seen.has(key) || SKIP.some((re) => re.test(u.pathname + u.search))) return
      const pattern = patternOf(u)
      if (skip.has(pattern) && !starts.includes(key)) return
      const n = perPattern.get(pattern) ?? 0
      if (n >= PER_PATTERN) return
      perPattern.set(pattern, n + 1)
      seen.add(key)
      queue.push(key)
    }
    starts.forEach(enqueue)
    let visited = 0
    while (queue.length && visited < MAX_PAGES) {
      const url = queue.shift()!
      visited++
      const res = await this.page.goto(url)
      // Redirects (e.g. /sign-in for someone signed in) land on another page: check that one, once.
      const landed = new URL(this.page.url())
      const landedKey = landed.pathname + landed.search
      if (landedKey !== url) {
        if (seen.has(landedKey) && this.visits.some((v) => v.url === landedKey)) {
          // Already checked: only record that the browser loaded it.
          await this.h.checkA11y(this.page, t)
          continue
        }
        seen.add(landedKey)
      }
      await this.check(t, res, 200, url)
      checkedPatterns.add(patternOf(landed))
      const hrefs = await this.page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''))
      hrefs.forEach(enqueue)
    }
    t.ok(visited < MAX_PAGES, `${this.role}: the crawl ended by itself (${visited} pages)`)
  }

  /**
   * Distinct pages (by path: `/sign-in?next=…` is the sign-in page) must have distinct titles; error pages of one
   * kind may share theirs.
   */
  assertDistinctTitles (t: Test): void {
    const byTitle = new Map<string, Set<string>>()
    for (const v of this.visits) {
      if (v.status >= 400) continue
      const urls = byTitle.get(v.title) ?? new Set<string>()
      urls.add(v.url.split('?')[0])
      byTitle.set(v.title, urls)
    }
    const shared = [...byTitle].filter(([, urls]) => urls.size > 1).map(([title, urls]) => `“${title}”: ${[...urls].join(', ')}`)
    t.same(shared, [], `${this.role}: every page has its own <title>`)
  }

  /** The pages seen, for the test log. */
  summary (): string {
    return this.visits.map((v) => `${v.status} ${v.url} “${v.title}”`).join('\n') +
      `\nwidest document: ${[...this.widest].map(([w, s]) => `${s} px at ${w} px`).join(', ')}`
  }

  distinctPages (): number {
    return new Set(this.visits.map((v) => v.url)).size
  }
}

async function memberByEmail (h: BrowserHarness, email: string): Promise<Member> {
  return await h.app.db.selectFrom('members').selectAll().where('email', '=', email).executeTakeFirstOrThrow()
}

async function eventId (h: BrowserHarness, title: string): Promise<number> {
  return (await h.app.db.selectFrom('events').select('id').where('title', '=', title).orderBy('starts_at').executeTakeFirstOrThrow()).id
}

t.test('every page, in every role, on the demo data', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  await seedDemo(h.app)
  // The seed only writes: its calendar mail and the clinics' reminders, as the app's worker sends them.
  await sendCalendarMail(h.app)
  await sendDueReminders(h.app.db, h.app.mailer)
  // Words with no place to break (a pasted URL, a 200-character title) must wrap on a phone, not widen the page.
  const dna = await h.app.db.selectFrom('communities').selectAll().where('slug', '=', DNA).executeTakeFirstOrThrow()
  const longEvent = await createEvent(h.app.db, dna, { title: 'Validation'.repeat(20) })
  const longMember = await createMember(h.app.db, { full_name: 'Wolfeschlegelsteinhausenbergerdorff'.repeat(3), agency: 'Departmentofforensicsciencelaboratoryservices'.repeat(3) })
  await addMembership(h.app.db, dna.id, longMember.id)
  const member = await memberByEmail(h, DEMO.member.email)
  const organizer = await memberByEmail(h, DEMO.organizer.email)
  const admin = await memberByEmail(h, DEMO.admin.email)
  const fullEvent = await eventId(h, 'Rapid DNA roundtable (Twin Cities)')
  const conference = await eventId(h, 'Forensic DNA Analysts annual conference')
  const links = await rsvpLinkUrls(h.app.db, h.app.secret, h.baseUrl, conference, member.id)
  const path = (url: string): string => new URL(url).pathname

  /** What every role also opens directly: no link leads there. */
  async function everyone (t: Test, v: Visitor): Promise<void> {
    const signIn = await v.visit(t, '/sign-in', v.role === 'outsider' ? 200 : 200)
    t.ok(signIn.title, 'the sign-in page (or where it sends someone signed in)')
    await v.visit(t, '/setup', 404)
    await v.visit(t, '/no-such-page', 404)
    await v.visit(t, `/c/${DNA}/events/999999`, 404)
    await v.visit(t, '/rsvp/not-a-real-token', 400)
  }

  t.test('an outsider (not signed in)', async (t) => {
    const v = new Visitor(h, await h.newPage(), 'outsider')
    await v.crawl(t, ['/'])
    await everyone(t, v)
    // A member's RSVP link opened on a shared computer: it works without signing in, and only asks.
    await v.visit(t, path(links.going))
    await v.page.getByRole('heading', { level: 1 }).waitFor()
    t.match(await v.page.locator('h1').innerText(), 'Forensic DNA Analysts annual conference')
    await v.visit(t, path(links.declined))
    await v.visit(t, `/rsvp/done?status=going&event=${conference}`)
    // The sign-in pages no link leads to: "check your email", the emailed link's page, a link that doesn't work.
    await v.visit(t, '/sign-in')
    await v.page.getByLabel('Email address').fill(DEMO.member.email)
    const [sent] = await Promise.all([
      v.page.waitForNavigation(),
      v.page.getByRole('button', { name: 'Email me a sign-in link' }).click()
    ])
    await v.check(t, sent, 200, 'the sign-in form sent')
    const signIn = new URL(await h.linkFromMail(DEMO.member.email, '/auth/sign-in?token='))
    await v.visit(t, signIn.pathname + signIn.search)
    await v.visit(t, '/auth/sign-in?token=not-a-real-token', 400)
    v.assertDistinctTitles(t)
    t.comment(`${v.role} visited:\n${v.summary()}`)
    t.ok(v.distinctPages() >= 10, `the outsider saw ${v.distinctPages()} distinct pages`)
    h.assertEveryPageChecked(t)
  })

  t.test('a member of one community', async (t) => {
    const v = new Visitor(h, await h.newPage({ as: member }), 'member')
    await v.crawl(t, ['/', '/profile'])
    await everyone(t, v)
    await v.visit(t, `/c/${DNA}/events/${fullEvent}`)
    t.match(await v.page.locator('main').innerText(), /full|waitlist/i, 'the full event says so')
    await v.visit(t, path(links.going))
    await v.visit(t, `/c/${RECORDS}/join`)
    await v.visit(t, `/c/${RECORDS}`)
    await v.visit(t, '/profile')
    // Pages that are not theirs: the error pages pass too.
    await v.visit(t, `/c/${DNA}/orga/requests`, 403)
    await v.visit(t, `/c/${RECORDS}/events`, 404)
    await v.visit(t, '/admin', 404)
    // The profile form with a problem in it.
    await v.page.goto('/profile')
    await h.checkA11y(v.page, t)
    await v.page.getByLabel('Full name', { exact: false }).first().fill('')
    const [res] = await Promise.all([
      v.page.waitForNavigation(),
      v.page.getByRole('button', { name: 'Save profile' }).click()
    ])
    await v.check(t, res, 400, 'the profile form with an empty name')
    // A proposal submitted half-written: every template field's problem listed, the input kept.
    const call = await h.app.db.selectFrom('calls').innerJoin('communities', 'communities.id', 'calls.community_id').select('calls.id')
      .where('communities.slug', '=', DNA).executeTakeFirstOrThrow()
    await v.page.goto(`/c/${DNA}/calls/${call.id}/propose`)
    await h.checkA11y(v.page, t)
    await Promise.all([v.page.waitForNavigation(), v.page.locator('main .usa-card__footer a').first().click()])
    await h.checkA11y(v.page, t)
    await v.page.getByLabel('Title of your talk', { exact: false }).fill('Half-written')
    const [res3] = await Promise.all([
      v.page.waitForNavigation(),
      v.page.getByRole('button', { name: 'Submit proposal' }).click()
    ])
    await v.page.locator('#error-summary').waitFor()
    await v.check(t, res3, 400, 'a proposal submitted half-written')
    v.assertDistinctTitles(t)
    t.comment(`${v.role} visited:\n${v.summary()}`)
    t.ok(v.distinctPages() >= 15, `the member saw ${v.distinctPages()} distinct pages`)
    h.assertEveryPageChecked(t)
  })

  t.test('an organizer', async (t) => {
    const v = new Visitor(h, await h.newPage({ as: organizer }), 'organizer')
    await v.crawl(t, ['/', `/c/${DNA}/orga/requests`, `/c/${DNA}/orga/settings`, `/c/${DNA}/orga/organizers`, `/c/${DNA}/orga/invitations`])
    await everyone(t, v)
    await v.visit(t, `/c/${DNA}/events/${fullEvent}`)
    await v.visit(t, `/c/${DNA}/orga/events/${fullEvent}/attendees`)
    await v.visit(t, `/c/${DNA}/orga/events/${fullEvent}/check-in`)
    await v.visit(t, `/c/${DNA}/orga/events/${fullEvent}/invite`)
    await v.visit(t, `/c/${DNA}/orga/events/${fullEvent}/edit`)
    await v.visit(t, `/c/${DNA}/events/${longEvent.id}`)
    await v.visit(t, `/c/${DNA}/orga/events/${longEvent.id}/attendees`)
    await v.visit(t, `/members/${longMember.id}`)
    await v.visit(t, `/c/${DNA}/orga/series/new`)
    // The series list, a series page, its speakers form and its edit form.
    const brownBag = (await h.app.db.selectFrom('series').select('id').where('title', '=', 'DNA brown-bag').executeTakeFirstOrThrow()).id
    await v.visit(t, `/c/${DNA}/orga/series`)
    await v.visit(t, `/c/${DNA}/orga/series/${brownBag}`)
    await v.visit(t, `/c/${DNA}/orga/series/${brownBag}/speakers`)
    await v.visit(t, `/c/${DNA}/orga/series/${brownBag}/edit`)
    await v.visit(t, `/c/${RECORDS}/join`)
    // The new-event form, saved empty: the same form with its problems listed.
    await v.visit(t, `/c/${DNA}/orga/events/new`)
    const [res] = await Promise.all([
      v.page.waitForNavigation(),
      v.page.getByRole('button', { name: 'Save draft' }).click()
    ])
    await v.page.locator('#error-summary').waitFor()
    await v.check(t, res, res?.status() === 422 ? 422 : 400, 'the new-event form saved empty')
    // The new-series form, created empty.
    await v.visit(t, `/c/${DNA}/orga/series/new`)
    const [res2] = await Promise.all([
      v.page.waitForNavigation(),
      v.page.getByRole('button', { name: 'Create series' }).click()
    ])
    await v.page.locator('#error-summary').waitFor()
    await v.check(t, res2, res2?.status() === 422 ? 422 : 400, 'the new-series form created empty')
    // The new-call form, opened empty.
    await v.visit(t, `/c/${DNA}/orga/calls/new`)
    const [res3] = await Promise.all([
      v.page.waitForNavigation(),
      v.page.getByRole('button', { name: 'Open the call' }).click()
    ])
    await v.page.locator('#error-summary').waitFor()
    await v.check(t, res3, 400, 'the new-call form opened empty')
    v.assertDistinctTitles(t)
    t.comment(`${v.role} visited:\n${v.summary()}`)
    t.ok(v.distinctPages() >= 20, `the organizer saw ${v.distinctPages()} distinct pages`)
    h.assertEveryPageChecked(t)
  })

  t.test('the site admin', async (t) => {
    const v = new Visitor(h, await h.newPage({ as: admin }), 'admin')
    // The admin belongs to no demo community: on community pages they see what a signed-in non-member sees, which
    // the member's crawl checked (the other community's pages). Their own pages are the admin and the dev mailbox.
    await v.crawl(t, ['/', '/admin', '/dev/mailbox'], new Set(checkedPatterns))
    await everyone(t, v)
    // The new-community form, submitted empty.
    await v.visit(t, '/admin/communities/new')
    const [res] = await Promise.all([
      v.page.waitForNavigation(),
      v.page.locator('main form[method="post"] button[type="submit"]').last().click()
    ])
    await v.check(t, res, res?.status() === 422 ? 422 : 400, 'the new-community form submitted empty')
    v.assertDistinctTitles(t)
    t.comment(`${v.role} visited:\n${v.summary()}`)
    t.ok(v.distinctPages() >= 12, `the admin saw ${v.distinctPages()} distinct pages`)
    h.assertEveryPageChecked(t)
  })
})
