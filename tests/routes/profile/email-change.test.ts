import t from 'tap'
import { Client, createTestApp, text } from '../../fixtures/build-app.js'
import { buildWorld } from '../../fixtures/world.js'
import { createMember, signInAs } from '../../fixtures/factories.js'
import { requestSignIn } from '../../../src/domain/auth/auth.service.js'
import { paths } from '../../../src/lib/paths.js'

t.test('changing my email address: a link to the new address confirms it, the old one is told', async (t) => {
  const { app } = await createTestApp(t)
  const db = app.db
  const { members: [ada, ben] } = await buildWorld(db, { event: false })
  const mails = (to: string) => db.selectFrom('mail_messages').select(['kind', 'subject', 'text_body']).where('to_address', '=', to).orderBy('id').execute()
  const tokenIn = (body: string) => /\/email-change\/confirm\?token=([\w-]+)/.exec(body)![1]
  const emailOf = async (id: number) => (await db.selectFrom('members').select('email').where('id', '=', id).executeTakeFirstOrThrow()).email
  const c = new Client(app)
  await signInAs(c, ada)
  t.match(text((await c.get(paths.profile())).body), `Change your email address Your address is ${ada.email}`)

  const bad = await c.post(paths.profileEmailAddress(), { new_email: 'not-an-address' })
  t.equal(bad.statusCode, 400)
  t.match(text(bad.body), 'Enter an email address in the format name@agency.gov.')
  t.match(bad.body, 'value="not-an-address"', 'the input is kept')
  const same = await c.post(paths.profileEmailAddress(), { new_email: ada.email.toUpperCase() })
  t.equal(same.statusCode, 400)
  t.match(text(same.body), 'That is already your address.')
  t.equal((await c.post(paths.profileEmailAddress(), { new_email: 'x@lab.gov' }, { csrf: false })).statusCode, 403, 'CSRF-checked')

  // An address another account has: the same answer, and no mail to it.
  const taken = await c.post(paths.profileEmailAddress(), { new_email: ben.email }, { csrfFrom: paths.profile() })
  t.equal(taken.statusCode, 303)
  t.same((await mails(ben.email)).map((m) => m.kind), [])

  const asked = await c.post(paths.profileEmailAddress(), { new_email: 'Ada.New@Lab.gov' }, { csrfFrom: paths.profile() })
  t.equal(asked.statusCode, 303)
  t.match(text((await c.get(paths.profile())).body), `We sent a link to ada.new@lab.gov. Open it within a day to confirm the new address; until then Convene keeps using ${ada.email}.`)
  const [link] = await mails('ada.new@lab.gov')
  t.equal(link.subject, 'Confirm your new Convene email address')
  t.equal(await emailOf(ada.id), ada.email, 'nothing changes before confirming')
  const token = tokenIn(link.text_body)
  // A second request, then a sign-in link to the old address: both stop working once the first is confirmed.
  await c.post(paths.profileEmailAddress(), { new_email: 'ada.other@lab.gov' }, { csrfFrom: paths.profile() })
  const otherToken = tokenIn((await mails('ada.other@lab.gov'))[0].text_body)
  const signInLink = (await requestSignIn(db, app.mailer, ada.email))!
  const signInToken = new URL(signInLink).searchParams.get('token')!

  // Opened in another browser, not signed in: the page changes nothing, the button does.
  const other = new Client(app)
  const page = await other.get(paths.emailChangeConfirm(token))
  t.equal(page.statusCode, 200)
  t.equal(page.headers['cache-control'], 'no-store')
  t.match(text(page.body), `Press the button to use ada.new@lab.gov for Convene instead of ${ada.email}`)
  t.equal(await emailOf(ada.id), ada.email)
  const done = await other.post(paths.emailChangeConfirm(), { token })
  t.equal(done.statusCode, 303)
  t.equal(done.headers.location, paths.signIn())
  t.match(text((await other.get(paths.signIn())).body), 'Your email address is now ada.new@lab.gov.')
  t.equal(await emailOf(ada.id), 'ada.new@lab.gov')
  const told = (await mails(ada.email)).filter((m) => m.kind === 'email-changed')
  t.equal(told.length, 1, 'the old address is told')
  t.match(told[0].text_body, 'Your Convene account now uses ada.new@lab.gov instead of this address')

  const again = await other.post(paths.emailChangeConfirm(), { token }, { csrfFrom: paths.emailChangeConfirm(token) })
  t.equal(again.statusCode, 400)
  t.match(text(again.body), 'This link has already been used')
  t.match(text((await other.get(paths.emailChangeConfirm(otherToken))).body), 'This link has already been used', 'the other pending change is void')
  t.match(text((await other.get(paths.signInToken(signInToken))).body), /already been used|doesn’t work|not valid/, 'the old address’s sign-in link is void')
  t.equal(await emailOf(ada.id), 'ada.new@lab.gov')

  // Expired links, and an address another account took meanwhile.
  await c.post(paths.profileEmailAddress(), { new_email: 'ada.late@lab.gov' }, { csrfFrom: paths.profile() })
  await db.updateTable('email_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('email', '=', 'ada.late@lab.gov').execute()
  const late = await other.get(paths.emailChangeConfirm(tokenIn((await mails('ada.late@lab.gov'))[0].text_body)))
  t.equal(late.statusCode, 400)
  t.match(text(late.body), 'This link has expired')
  await c.post(paths.profileEmailAddress(), { new_email: 'ada.race@lab.gov' }, { csrfFrom: paths.profile() })
  const raceToken = tokenIn((await mails('ada.race@lab.gov'))[0].text_body)
  await createMember(db, { email: 'ada.race@lab.gov' })
  const race = await other.post(paths.emailChangeConfirm(), { token: raceToken }, { csrfFrom: paths.emailChangeConfirm(raceToken) })
  t.equal(race.statusCode, 400)
  t.match(text(race.body), 'Another account uses this address now')
  t.equal(await emailOf(ada.id), 'ada.new@lab.gov')
})
