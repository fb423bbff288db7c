import t from 'tap'
import { checkDesktopAndPhone as check, skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'
import { createCommunity, createEvent, createMember } from '../fixtures/factories.js'
import { createCall, ensureTemplates } from '../../src/domain/proposals/calls.service.js'
import { DEFAULT_FORMATS } from '../../src/domain/proposals/templates.js'

t.test('co-speakers, an invitation to propose and coaching notes in a real browser', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  const db = h.app.db
  const organizer = await createMember(db, { full_name: 'Olga Organizer' })
  const speaker = await createMember(db, { full_name: 'Marta Member' })
  const co = await createMember(db, { full_name: 'Cole Cospeaker' })
  const invited = await createMember(db, { full_name: 'Ines Invited' })
  const community = await createCommunity(db, { name: 'DNA Databasing', slug: 'dna', organizer, members: [speaker, co, invited] })
  const event = await createEvent(db, community, { title: 'Regional conference' })
  const [experience] = await ensureTemplates(db, community.id)
  const call = await createCall(db, community.id, {
    target: { kind: 'event', id: event.id, timeZone: 'America/New_York' }, title: 'Talks for the conference', lookingFor: 'Your own work.',
    opensAt: new Date(Date.now() - 86_400_000), closesAt: new Date(Date.now() + 30 * 86_400_000), formats: DEFAULT_FORMATS, topics: [],
    templateIds: [experience.id], maxPerPerson: 2, blindReview: true
  }, organizer.id)

  // The speaker saves a draft asking for coaching, then invites a co-speaker (a typo first).
  const page = await h.newPage({ as: speaker })
  await page.goto(`/c/dna/calls/${call.id}/propose`)
  await h.checkA11y(page, t)
  await page.getByLabel('Title of your talk').fill('Clearing a backlog')
  await page.locator('label[for="wants_coaching"]').click()
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save draft' }).click()])
  await check(h, page, t)
  const proposalUrl = page.url()
  await page.getByRole('link', { name: 'Invite or withdraw co-speakers' }).click()
  await page.waitForURL('**/co-speakers')
  await check(h, page, t)
  await page.getByLabel('Co-speaker’s email address').fill('cole at lab')
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send the invitation' }).click()])
  t.match(await page.locator('main').innerText(), 'Enter an email address in the format name@agency.gov.')
  await check(h, page, t)
  await page.getByLabel('Co-speaker’s email address').fill(co.email)
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send the invitation' }).click()])
  t.match(await page.locator('main').innerText(), 'Invitation sent')
  await check(h, page, t)

  // The co-speaker opens the mailed link and accepts.
  const coPage = await h.newPage({ as: co })
  await coPage.goto(await h.linkFromMail(co.email, '/c/dna/calls/'))
  await check(h, coPage, t)
  await Promise.all([coPage.waitForNavigation(), coPage.getByRole('button', { name: 'Accept: list me as a co-speaker' }).click()])
  t.match((await coPage.locator('main').innerText()).replace(/\s+/g, ' '), 'Cole Cospeaker')
  await check(h, coPage, t)

  // The organizer invites a member to propose, sees the coaching list and adds a note.
  const orgaPage = await h.newPage({ as: organizer })
  await orgaPage.goto(`/c/dna/orga/calls/${call.id}`)
  await check(h, orgaPage, t)
  await orgaPage.getByRole('link', { name: 'Invite members to propose' }).click()
  await orgaPage.waitForURL('**/invitations')
  await check(h, orgaPage, t)
  await orgaPage.getByLabel('Member’s email address').fill(invited.email)
  await orgaPage.getByLabel('Your note').fill('We heard your lab cut its backlog in half — would you tell that story?')
  await Promise.all([orgaPage.waitForNavigation(), orgaPage.getByRole('button', { name: 'Send the invitation' }).click()])
  t.match(await orgaPage.locator('main').innerText(), 'Invitation sent to Ines Invited')
  await check(h, orgaPage, t)
  await orgaPage.goto(`/c/dna/orga/calls/${call.id}/coaching`)
  await check(h, orgaPage, t)
  await orgaPage.getByRole('link', { name: 'Clearing a backlog' }).click()
  await orgaPage.waitForURL(proposalUrl)
  await check(h, orgaPage, t)
  await orgaPage.getByRole('link', { name: 'Add a coaching note' }).click()
  await orgaPage.waitForURL('**/coaching')
  await check(h, orgaPage, t)
  await orgaPage.getByLabel('Coaching note').fill('Open with the number.')
  await Promise.all([orgaPage.waitForNavigation(), orgaPage.getByRole('button', { name: 'Add the note' }).click()])
  t.match(await orgaPage.locator('main').innerText(), 'Open with the number.')
  await check(h, orgaPage, t)

  // The invited member's link starts a draft holding the note.
  const invitedPage = await h.newPage({ as: invited })
  await invitedPage.goto(await h.linkFromMail(invited.email, '/c/dna/calls/'))
  await check(h, invitedPage, t)
  await Promise.all([invitedPage.waitForNavigation(), invitedPage.getByRole('button', { name: 'Start my draft' }).click()])
  t.equal(await invitedPage.locator('#answer_problem').inputValue(), 'We heard your lab cut its backlog in half — would you tell that story?')
  await check(h, invitedPage, t)
  h.assertEveryPageChecked(t)
})
