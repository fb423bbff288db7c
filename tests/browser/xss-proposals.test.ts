import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import { NAME_HELPER, skipWithoutChromium, startBrowserApp, type BrowserHarness } from '../fixtures/browser.js'
import { createCommunity, createMember, createOpenCall } from '../fixtures/factories.js'
import { startSession } from '../../src/domain/auth/auth.service.js'
import { SESSION_COOKIE } from '../../src/plugins/app/auth.js'
import { paths } from '../../src/lib/paths.js'
import type { Member, TemplateField } from '../../src/db/database.js'

// XSS payloads in every field of the call and proposal flow stay inert, on every page that shows them, for
// every role, at a desktop and a phone width. The browser contexts here bypass the app's Content Security
// Policy on purpose: the CSP would stop an injected inline script by itself, and this test proves that the
// escaping and the Markdown sanitiser do, without it.

const SCRIPT = '<script>window.__xss=1</script>'
const IMG = '<img src=x onerror="window.__xss=1">'
const SVG = '"><svg onload=window.__xss=1>'
const JS_LINK = 'javascript:window.__xss=1'
const TEMPLATE_SYNTAX = ['{{7*7}}', '<%= 7*7 %>']
/** One line with every payload; the Markdown fields also get a javascript: link and an image. */
const XSS = `${SCRIPT} ${IMG} ${SVG} ${JS_LINK} ${TEMPLATE_SYNTAX.join(' ')}`
const XSS_MD = `${XSS}\n\n[click me](${JS_LINK}) <${JS_LINK}> ![pixel](http://evil.example/p.png)\n\n# heading ${SCRIPT}`

const PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1280, height: 900 }

/** The pages the crawl never follows (state changes, downloads, feeds). */
const SKIP = [/\/sign-out\b/, /\.(ics|csv)(\?|$)/, /^\/feeds\//, /\/add\/(google|outlook|outlook-com)$/, /^\/(uswds|public)\//]

interface Person { page: Page, dialogs: string[], role: string }

/** A page signed in as `member` whose context ignores the CSP; every dialog it opens is recorded. */
async function open (h: BrowserHarness, member: Member, role: string): Promise<Person> {
  const context = await h.browser.newContext({ baseURL: h.baseUrl, viewport: DESKTOP, bypassCSP: true })
  await context.addInitScript(NAME_HELPER)
  const session = await startSession(h.app.db, member.id, 1)
  await context.addCookies([{ name: SESSION_COOKIE, value: session.id, url: h.baseUrl, httpOnly: true, sameSite: 'Lax' }])
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  const dialogs: string[] = []
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss() })
  return { page, dialogs, role }
}

/** What the page shows and whether any payload came alive in it. */
async function inspect (page: Page) {
  return await page.evaluate(() => ({
    xss: (window as unknown as { __xss?: unknown }).__xss,
    live: [
      ...[...document.scripts].filter((s) => (s.textContent ?? '').includes('__xss')).map(() => 'an inline <script> with __xss'),
      ...[...document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload]')].map((e) => `<${e.tagName.toLowerCase()}> with a handler`),
      ...[...document.querySelectorAll('a[href^="javascript:" i], [src^="javascript:" i], [action^="javascript:" i]')].map((e) => `<${e.tagName.toLowerCase()}> to javascript:`),
      ...[...document.querySelectorAll('img[src*="evil.example"]')].map(() => 'an image from another site')
    ],
    text: document.body.innerText,
    values: [...document.querySelectorAll('input, textarea')].map((e) => (e as HTMLInputElement).value),
    scrollWidth: document.documentElement.scrollWidth,
    width: document.documentElement.clientWidth
  }))
}

/** At 1280 and at 390 px: nothing ran, no payload became markup, no dialog, the page fits. */
async function assertInert (t: Test, who: Person, label: string): Promise<Awaited<ReturnType<typeof inspect>>> {
  const name = `${who.role} ${label}`
  let seen: Awaited<ReturnType<typeof inspect>> | undefined
  for (const size of [DESKTOP, PHONE]) {
    await who.page.setViewportSize(size)
    const facts = await inspect(who.page)
    t.equal(facts.xss, undefined, `${name} at ${size.width} px: window.__xss is undefined`)
    t.same(facts.live, [], `${name} at ${size.width} px: no payload became live markup`)
    t.same(who.dialogs, [], `${name} at ${size.width} px: no dialog`)
    t.ok(facts.scrollWidth <= facts.width, `${name} at ${size.width} px: fits (document ${facts.scrollWidth} px wide)`)
    seen ??= facts
  }
  await who.page.setViewportSize(DESKTOP)
  return seen!
}

/** The page shows the payload as the literal text it is (in its text, or in a form field's value). */
function assertShownLiterally (t: Test, facts: { text: string, values: string[] }, name: string, what = [SCRIPT, IMG, SVG, ...TEMPLATE_SYNTAX]) {
  const all = [facts.text, ...facts.values].join('\n')
  for (const p of what) t.ok(all.includes(p), `${name}: shows “${p}” as text`)
}

async function visit (t: Test, who: Person, path: string, literal = true): Promise<void> {
  const res = await who.page.goto(path)
  t.ok(res && res.status() < 500, `${who.role} ${path}: answered ${res?.status()}`)
  const facts = await assertInert(t, who, path)
  if (literal) assertShownLiterally(t, facts, `${who.role} ${path}`)
}

/** Submits the form whose submit button is `button` and waits for the next page. */
async function submit (who: Person, button: string | RegExp): Promise<void> {
  await Promise.all([who.page.waitForNavigation(), who.page.getByRole('button', { name: button }).click()])
}

/** Breadth-first over the same-origin links under `prefixes`: every page is inert at both widths. */
async function crawl (t: Test, h: BrowserHarness, who: Person, starts: string[], prefixes: RegExp): Promise<number> {
  const seen = new Set<string>()
  const perPattern = new Map<string, number>()
  const queue: string[] = []
  const enqueue = (href: string) => {
    let u: URL
    try { u = new URL(href, h.baseUrl) } catch { return }
    if (u.origin !== new URL(h.baseUrl).origin) return
    const key = u.pathname + u.search
    if (seen.has(key) || !prefixes.test(u.pathname) || SKIP.some((re) => re.test(key))) return
    const pattern = u.pathname.replace(/\/\d+/g, '/:n')
    const n = perPattern.get(pattern) ?? 0
    if (n >= 3) return
    perPattern.set(pattern, n + 1)
    seen.add(key)
    queue.push(key)
  }
  starts.forEach(enqueue)
  let visited = 0
  while (queue.length && visited < 80) {
    const url = queue.shift()!
    visited++
    await visit(t, who, url, false)
    const hrefs = await who.page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''))
    hrefs.forEach(enqueue)
  }
  return visited
}

t.test('XSS payloads in every field of the call and proposal flow stay inert', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  const db = h.app.db
  const olga = await createMember(db, { full_name: 'Olga Organizer', is_admin: true })
  const marta = await createMember(db, { full_name: 'Marta Member', agency: 'Falcon Lab', email: 'marta@falcon.gov' })
  const rita = await createMember(db, { full_name: 'Rita Reviewer', agency: 'Records Office', email: 'rita@records.gov' })
  const community = await createCommunity(db, { name: 'DNA Databasing', slug: 'dna', organizer: olga, members: [marta, rita] })
  const { call, template } = await createOpenCall(db, community, olga, { title: `Talks ${XSS}`, lookingFor: XSS_MD })
  // The organizers' template edit: name, description and each field's label, guidance and example.
  const fields = (template.fields as unknown as TemplateField[]).map((f) => ({ ...f, label: `${f.label} ${SCRIPT}`, guidance: XSS, example: XSS }))
  await db.updateTable('talk_templates').set({ name: `Experience ${SCRIPT}`, description: XSS, fields: JSON.stringify(fields) }).where('id', '=', template.id).execute()
  await db.insertInto('call_reviewers').values({ call_id: call.id, member_id: rita.id, added_by: olga.id }).execute()
  const answers = Object.fromEntries(fields.map((f) => [f.key, f.key === 'pitch' ? XSS : XSS_MD]))
  const propose = async (title: string) => await db.insertInto('proposals').values({
    call_id: call.id, submitter_id: marta.id, template_id: template.id, title, format: 'talk', topic: null,
    answers: JSON.stringify(answers), identifying: [SCRIPT], bio: XSS_MD, affiliation: 'government', affiliation_note: XSS,
    pledged_at: new Date(), first_time: true, wants_coaching: true, state: 'submitted', submitted_at: new Date()
  }).returningAll().executeTakeFirstOrThrow()
  const proposal = await propose(XSS)
  const other = await propose(`Withdrawn ${XSS}`)

  const speaker = await open(h, marta, 'speaker')
  const reviewer = await open(h, rita, 'reviewer')
  const organizer = await open(h, olga, 'organizer')

  await t.test('while the call is open: the call page, the propose form (template guidance) and the edit form', async (t) => {
    for (const p of [paths.call('dna', call.id), `${paths.call('dna', call.id)}/propose`, paths.proposalAction('dna', call.id, proposal.id, 'edit')]) {
      await visit(t, speaker, p)
    }
    await h.checkA11y(speaker.page, t)
  })

  await t.test('the speaker withdraws with a payload as the reason and invites a payload as co-speaker', async (t) => {
    await speaker.page.goto(paths.proposal('dna', call.id, other.id))
    await speaker.page.getByLabel('Why you withdraw it').fill(XSS)
    await submit(speaker, 'Withdraw the proposal')
    const facts = await assertInert(t, speaker, 'after withdrawing')
    assertShownLiterally(t, facts, 'the withdrawn proposal')

    await speaker.page.goto(paths.coSpeakers('dna', call.id, proposal.id))
    await speaker.page.getByLabel('Co-speaker’s email address').fill(SVG)
    await submit(speaker, 'Send the invitation')
    t.match(await speaker.page.locator('main').innerText(), /email/i, 'the address is refused')
    t.equal(await speaker.page.getByLabel('Co-speaker’s email address').inputValue(), SVG, 'and re-shown as typed')
    await assertInert(t, speaker, 'co-speaker form re-shown')
    await h.checkA11y(speaker.page, t)
  })

  await t.test('an organizer adds a coaching note with payloads', async (t) => {
    await organizer.page.goto(paths.orgaCoachingNote('dna', call.id, proposal.id))
    await organizer.page.getByLabel('Coaching note').fill(XSS)
    await submit(organizer, 'Add the note')
    await assertInert(t, organizer, 'after the coaching note')
  })

  await t.test('the reviewer writes a comment and a note to the speaker with payloads', async (t) => {
    await reviewer.page.goto(`${paths.call('dna', call.id)}/review/${proposal.id}`)
    const before = await assertInert(t, reviewer, 'the review page')
    assertShownLiterally(t, before, 'the review page (blind)', [IMG, SVG, ...TEMPLATE_SYNTAX])
    for (const id of await reviewer.page.$$eval('input[type=radio][value="4"]', (rs) => rs.map((r) => r.id))) {
      await reviewer.page.locator(`label[for="${id}"]`).click()
    }
    await reviewer.page.getByLabel('Comment to the organizers').fill(XSS)
    await reviewer.page.getByLabel('Note to the speaker (optional)').fill(XSS)
    await submit(reviewer, 'Submit your review')
    await assertInert(t, reviewer, 'after the review')
  })

  await t.test('the organizer decides with a payload as the note and releases the decision', async (t) => {
    await db.updateTable('calls').set({ closes_at: new Date(Date.now() - 60_000) }).where('id', '=', call.id).execute()
    await organizer.page.goto(paths.orgaDecisions('dna', call.id))
    await organizer.page.locator(`#decision-${proposal.id}`).selectOption('accepted')
    await organizer.page.locator(`#note-${proposal.id}`).fill(XSS)
    await submit(organizer, /Save the decision.*Talks|Save the decision/)
    const facts = await assertInert(t, organizer, 'after the decision')
    assertShownLiterally(t, facts, 'the decisions page')
    await organizer.page.goto(paths.orgaReleaseDecisions('dna', call.id))
    await submit(organizer, /Send 1 decision mail/)
    t.match(await organizer.page.locator('main').innerText(), 'Decisions released')
    await assertInert(t, organizer, 'after the release')
  })

  await t.test('every page that shows them, for every role, at 1280 and 390 px', async (t) => {
    const call_ = paths.call('dna', call.id)
    // The pages that show the payloads by name: the literal text must be on them.
    for (const p of [call_, paths.proposal('dna', call.id, proposal.id), paths.proposal('dna', call.id, other.id), paths.myProposals('dna'),
      paths.coSpeakers('dna', call.id, proposal.id)]) {
      await visit(t, speaker, p)
    }
    for (const p of [paths.review('dna', call.id), `${call_}/review/${proposal.id}`]) await visit(t, reviewer, p)
    for (const p of [paths.orgaCall('dna', call.id), paths.orgaDecisions('dna', call.id), `${paths.orgaCall('dna', call.id)}/reviews`,
      paths.orgaCallCoaching('dna', call.id), paths.orgaCoachingNote('dna', call.id, proposal.id), paths.proposal('dna', call.id, proposal.id),
      `/c/dna/orga/calls/templates/${template.id}`, '/c/dna/orga/calls/templates']) {
      await visit(t, organizer, p)
    }
    // And everything reachable from the community, the calls and the mailbox.
    const under = /^\/(c\/dna(\/|$)|dev\/mailbox)/
    t.ok(await crawl(t, h, speaker, ['/c/dna', paths.myProposals('dna'), call_], under) > 5, 'the speaker’s crawl saw pages')
    t.ok(await crawl(t, h, reviewer, [paths.review('dna', call.id)], under) > 2, 'the reviewer’s crawl saw pages')
    t.ok(await crawl(t, h, organizer, ['/c/dna', '/c/dna/orga/calls', paths.orgaCall('dna', call.id), '/dev/mailbox'], under) > 10, 'the organizer’s crawl saw pages')
  })

  await t.test('the decision mail in the dev mailbox shows the note as text', async (t) => {
    await organizer.page.goto('/dev/mailbox')
    const link = organizer.page.getByRole('link', { name: /Action required/ }).first()
    await Promise.all([organizer.page.waitForNavigation(), link.click()])
    const facts = await assertInert(t, organizer, 'the decision mail')
    assertShownLiterally(t, facts, 'the decision mail', [SCRIPT, IMG, SVG])
  })
})
