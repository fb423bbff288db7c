import t from 'tap'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { signInAs } from '../../../fixtures/factories.js'
import { buildWorld } from '../../../fixtures/world.js'

type App = Client['app']

async function tokensIn (app: App, to: string): Promise<string[]> {
  const mails = await app.db.selectFrom('mail_messages').select('text_body').where('to_address', '=', to).where('kind', '=', 'invitation').orderBy('id').execute()
  return mails.map((m) => /\/invitations\/accept\?token=([\w%-]+)/.exec(m.text_body)![1])
}

t.test('organizers revoke and resend invitations', async (t) => {
  const { app } = await createTestApp(t)
  const w = await buildWorld(app.db, { community: { slug: 'records', name: 'Records Managers' } })
  const orga = new Client(app)
  await signInAs(orga, w.organizer)
  t.equal((await orga.post('/c/records/orga/invitations', { emails: 'ivy@usda.gov\njo@usda.gov' }, { csrfFrom: '/c/records/orga/invitations' })).statusCode, 303)
  const rows = await app.db.selectFrom('invitations').select(['id', 'email']).orderBy('id').execute()
  const [ivy, jo] = rows
  const [ivyToken] = await tokensIn(app, 'ivy@usda.gov')
  const [joOld] = await tokensIn(app, 'jo@usda.gov')
  const invitee = new Client(app)
  t.match(text((await invitee.get(`/invitations/accept?token=${ivyToken}`)).body), 'You are invited to join Records Managers')

  const page = await orga.get('/c/records/orga/invitations')
  t.match(text(page.body), 'Resend the invitation to ivy@usda.gov')
  t.match(text(page.body), 'Revoke the invitation to ivy@usda.gov')

  await t.test('a member cannot', async (t) => {
    const member = new Client(app)
    await signInAs(member, w.members[0])
    t.equal((await member.post(`/c/records/orga/invitations/${ivy.id}/revoke`, {}, { csrfFrom: '/c/records' })).statusCode, 403)
  })

  await t.test('revoke: the link stops working, the list says so, the log has it', async (t) => {
    const res = await orga.post(`/c/records/orga/invitations/${ivy.id}/revoke`, {})
    t.equal(res.statusCode, 303)
    const list = text((await orga.get('/c/records/orga/invitations')).body)
    t.match(list, 'The invitation to ivy@usda.gov is revoked: its link no longer works.')
    t.match(list, /ivy@usda\.gov Olive Organizer .* Revoked/)
    t.notMatch(text((await invitee.get(`/invitations/accept?token=${ivyToken}`)).body), 'You are invited to join Records Managers')
    const accept = await invitee.post('/invitations/accept', { token: ivyToken, profile: '1', full_name: 'Ivy', agency: 'USDA' }, { csrfFrom: `/invitations/accept?token=${ivyToken}` })
    t.not(accept.statusCode, 303, 'cannot be accepted')
    t.equal((await orga.post(`/c/records/orga/invitations/${ivy.id}/revoke`, {})).statusCode, 409, 'not twice')
    t.equal((await orga.post(`/c/records/orga/invitations/${ivy.id}/resend`, {})).statusCode, 409, 'a revoked one is not resent')
    t.match(text((await orga.get('/c/records/orga/audit')).body), 'Revoked an invitation ivy@usda.gov')
  })

  await t.test('resend: a new mail with a new link; the old link stops working', async (t) => {
    const res = await orga.post(`/c/records/orga/invitations/${jo.id}/resend`, {})
    t.equal(res.statusCode, 303)
    t.match(text((await orga.get('/c/records/orga/invitations')).body), 'The invitation to jo@usda.gov is sent again')
    const tokens = await tokensIn(app, 'jo@usda.gov')
    t.equal(tokens.length, 2)
    t.not(tokens[1], joOld)
    const c = new Client(app)
    t.notMatch(text((await c.get(`/invitations/accept?token=${joOld}`)).body), 'You are invited to join Records Managers')
    t.match(text((await c.get(`/invitations/accept?token=${tokens[1]}`)).body), 'You are invited to join Records Managers as jo@usda.gov')
    t.match(text((await orga.get('/c/records/orga/audit')).body), 'Resent an invitation jo@usda.gov')
  })
})
