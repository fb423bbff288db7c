import t from 'tap'
import { DateTime } from 'luxon'
import { skipWithoutChromium, startBrowserApp } from '../fixtures/browser.js'
import { createCommunity, createEvent, createMember } from '../fixtures/factories.js'
import { createCall, ensureTemplates } from '../../src/domain/proposals/calls.service.js'
import { DEFAULT_FORMATS } from '../../src/domain/proposals/templates.js'

/*
 * One talk's whole way, in a real browser, every page checked with axe at 1280 and 390 px: an organizer invites
 * a member to propose; the member writes and submits the proposal from the mailed link; a reviewer reviews it
 * blind; the organizer accepts and releases; the speaker confirms from the mail; the organizer places the talk on
 * the event's agenda and publishes it; a member finds it there with its speaker and adds it to their agenda.
 */
t.test('invited member → proposal → blind review → accepted → confirmed → on the agenda', { skip: skipWithoutChromium() }, async (t) => {
  const h = await startBrowserApp(t)
  const db = h.app.db
  const organizer = await createMember(db, { full_name: 'Olga Organizer', agency: 'State Lab Board', email: 'olga@board.gov' })
  const speaker = await createMember(db, { full_name: 'Ines Ingram', agency: 'Falcon County Crime Lab', email: 'ines@falconlab.gov' })
  const reviewer = await createMember(db, { full_name: 'Rita Reviewer', agency: 'Records Office', email: 'rita@records.gov' })
  const community = await createCommunity(db, { name: 'DNA Databasing', slug: 'dna', organizer, members: [speaker, reviewer] })
  const opens = DateTime.now().setZone('America/New_York').plus({ days: 10 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 })
  const event = await createEvent(db, community, {
    title: 'Regional conference', kind: 'conference', startsAt: opens.toJSDate(), endsAt: opens.plus({ hours: 8 }).toJSDate()
  })
  const [experience] = await ensureTemplates(db, community.id)
  const call = await createCall(db, community.id, {
    target: { kind: 'event', id: event.id, timeZone: 'America/New_York' }, title: 'Talks for the conference', lookingFor: 'Your own work.',
    opensAt: new Date(Date.now() - 86_400_000), closesAt: new Date(Date.now() + 30 * 86_400_000), formats: DEFAULT_FORMATS, topics: [],
    templateIds: [experience.id], maxPerPerson: 2, blindReview: true
  }, organizer.id)
  const main = async (page: import('playwright-core').Page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ')

  // The organizer asks Ines to tell her lab's story.
  const orga = await h.newPage({ as: organizer })
  await orga.goto(`/c/dna/orga/calls/${call.id}/invitations`)
  await h.checkBothWidths(orga, t)
  await orga.getByLabel('Member’s email address').fill(speaker.email)
  await orga.getByLabel('Your note').fill('We heard your lab cut its backlog in half. Would you tell that story?')
  await Promise.all([orga.waitForNavigation(), orga.getByRole('button', { name: 'Send the invitation' }).click()])
  t.match(await main(orga), 'Invitation sent to Ines Ingram')
  await h.checkBothWidths(orga, t)

  // Ines starts the draft from the mail, writes every field, and submits.
  const own = await h.newPage({ as: speaker })
  await own.goto(await h.linkFromMail(speaker.email, '/c/dna/calls/'))
  await h.checkBothWidths(own, t)
  await Promise.all([own.waitForNavigation(), own.getByRole('button', { name: 'Start my draft' }).click()])
  await h.checkBothWidths(own, t)
  const story = 'At Falcon County Crime Lab our kit backlog passed 1,400 cases and the turnaround was 210 days, so victims waited months. '
  await own.getByLabel('Title of your talk').fill('Halving a DNA backlog without new staff')
  await own.locator('#answer_problem').fill(story)
  await own.locator('#answer_tried').fill('We screened in two tiers, tried overtime (it failed within a month), then batched kits by type and froze low-value requests. ')
  await own.locator('#answer_happened').fill('Turnaround fell to 95 days in nine months according to the monthly LIMS reports; the QA audit found no new nonconformities. ')
  await own.locator('#answer_reuse').fill('Our screening decision table and the batching schedule, both ready to share.')
  await own.locator('#answer_why').fill('Every lab under the 2025 QAS revision faces the same backlog pressure this year.')
  await own.locator('#answer_pitch').fill('How one county lab halved its DNA backlog in nine months without new staff, and the three changes any lab can copy.')
  await own.getByLabel('Your bio').fill('Ines leads the DNA unit at Falcon County Crime Lab.')
  await own.locator('label[for="pledge"]').click()
  await Promise.all([own.waitForNavigation(), own.getByRole('button', { name: 'Submit proposal' }).click()])
  t.match(await main(own), 'Halving a DNA backlog without new staff')
  await h.checkBothWidths(own, t)
  const proposal = await db.selectFrom('proposals').selectAll().where('submitter_id', '=', speaker.id).executeTakeFirstOrThrow()
  t.equal(proposal.state, 'submitted')
  t.ok(proposal.invitation_id, 'the proposal records that it was invited')

  // The organizer makes Rita a reviewer; Rita reviews without learning who wrote it.
  await orga.goto(`/c/dna/orga/calls/${call.id}/reviews`)
  await h.checkBothWidths(orga, t)
  await orga.getByLabel('Add a member as reviewer (email address)').fill(reviewer.email)
  await Promise.all([orga.waitForNavigation(), orga.getByRole('button', { name: 'Add reviewer' }).click()])
  t.match(await main(orga), 'Rita Reviewer now reviews this call.')
  await h.checkA11y(orga, t)
  await Promise.all([orga.waitForNavigation(), orga.getByRole('button', { name: /Assign evenly/ }).click()])
  await h.checkBothWidths(orga, t)

  const rev = await h.newPage({ as: reviewer })
  await rev.goto(`/c/dna/calls/${call.id}/review`)
  await h.checkBothWidths(rev, t)
  await Promise.all([rev.waitForNavigation(), rev.getByRole('link', { name: 'Review next' }).click()])
  await h.checkBothWidths(rev, t)
  const blindPage = await main(rev)
  for (const identity of ['Ines', 'Ingram', 'Falcon County Crime Lab', 'falconlab.gov']) t.notMatch(blindPage, identity, `blind review hides “${identity}”`)
  t.match(blindPage, 'kit backlog passed 1,400 cases', 'the substance stays')
  for (const key of ['relevant', 'experience', 'practical', 'clear']) await rev.locator(`label[for="score_${key}_5"]`).click()
  await rev.getByLabel('Comment to the organizers').fill('Real figures, reusable tools.')
  await Promise.all([rev.waitForNavigation(), rev.getByRole('button', { name: 'Submit your review' }).click()])
  t.match(await main(rev), 'Review saved.')
  await h.checkBothWidths(rev, t)

  // The organizer accepts and releases; Ines confirms from the mail.
  await orga.goto(`/c/dna/orga/calls/${call.id}/decisions`)
  await h.checkBothWidths(orga, t)
  await orga.locator(`#decision-${proposal.id}`).selectOption('accepted')
  await Promise.all([orga.waitForNavigation(), orga.getByRole('button', { name: /Save the decision/ }).click()])
  t.match(await main(orga), 'Decision saved: Accepted.')
  await h.checkA11y(orga, t)
  await orga.goto(`/c/dna/orga/calls/${call.id}/decisions/release`)
  await h.checkBothWidths(orga, t)
  await Promise.all([orga.waitForNavigation(), orga.getByRole('button', { name: 'Send 1 decision mail' }).click()])
  t.match(await main(orga), 'Decisions released: 1 mail queued.')
  await h.checkBothWidths(orga, t)

  const mailLink = await h.newPage()
  await mailLink.goto(await h.linkFromMail(speaker.email, '/talk-confirm/'))
  await h.checkBothWidths(mailLink, t)
  await Promise.all([mailLink.waitForNavigation(), mailLink.getByRole('button', { name: 'Confirm: I will give this talk' }).click()])
  t.match(await main(mailLink), 'your talk is confirmed')
  await h.checkBothWidths(mailLink, t)
  await own.goto(`/c/dna/calls/${call.id}/proposals/${proposal.id}`)
  t.match(await main(own), 'Decision: Accepted')
  await h.checkBothWidths(own, t)

  // The organizer places the confirmed talk on the agenda (with the keyboard-usable form) and publishes it.
  await orga.goto(`/c/dna/orga/events/${event.id}/agenda`)
  await h.checkBothWidths(orga, t)
  await orga.getByRole('link', { name: 'Place “Halving a DNA backlog without new staff”' }).click()
  await orga.waitForURL('**/agenda?place=*')
  await h.checkBothWidths(orga, t)
  await orga.locator('#start_time').fill('10:00')
  await orga.locator('#end_time').fill('10:45')
  await orga.locator('#room').fill('Ballroom A')
  await orga.locator('#track').fill('Casework')
  await Promise.all([orga.waitForNavigation(), orga.getByRole('button', { name: 'Add the session' }).click()])
  await h.checkBothWidths(orga, t)
  await Promise.all([orga.waitForNavigation(), orga.getByRole('button', { name: 'Publish the agenda (every session)' }).click()])
  await h.checkBothWidths(orga, t)

  // A member finds it from the event page, with the speaker's name and why it matters, and picks it.
  await rev.goto(`/c/dna/events/${event.id}`)
  await h.checkBothWidths(rev, t)
  await Promise.all([rev.waitForNavigation(), rev.getByRole('link', { name: 'See the agenda' }).click()])
  await h.checkBothWidths(rev, t)
  const agenda = await main(rev)
  t.match(agenda, 'Halving a DNA backlog without new staff')
  t.match(agenda, 'Ines Ingram', 'the speaker is named once the decision is out')
  t.match(agenda, 'Every lab under the 2025 QAS revision faces the same backlog pressure this year.', 'why this matters, from the proposal')
  t.match(agenda, 'Ballroom A')
  await Promise.all([rev.waitForNavigation(), rev.getByRole('button', { name: /^Add to my agenda/ }).click()])
  t.match(await main(rev), 'is in your agenda')
  await h.checkBothWidths(rev, t)

  h.assertEveryPageChecked(t)
})
