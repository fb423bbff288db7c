import t from 'tap'
import { Client, createTestApp, text } from '../../../fixtures/build-app.js'
import { createEvent, createSeries, signInAs } from '../../../fixtures/factories.js'
import { buildWorld } from '../../../fixtures/world.js'

t.test('delete a draft event', async (t) => {
  const { app } = await createTestApp(t)
  const w = await buildWorld(app.db)
  const draft = await createEvent(app.db, w.community, { title: 'Half-planned workshop', status: 'draft' })
  const orga = new Client(app)
  await signInAs(orga, w.organizer)

  const page = await orga.get(`/c/${w.community.slug}/events/${draft.id}`)
  t.match(text(page.body), 'Delete this draft')
  t.notMatch(text((await orga.get(`/c/${w.community.slug}/events/${w.event!.id}`)).body), 'Delete this draft', 'no delete button on a published event')

  const member = new Client(app)
  await signInAs(member, w.members[0])
  t.equal((await member.post(`/c/${w.community.slug}/orga/events/${draft.id}/delete`, {}, { csrfFrom: `/c/${w.community.slug}` })).statusCode, 403)

  const published = await orga.post(`/c/${w.community.slug}/orga/events/${w.event!.id}/delete`, {})
  t.equal(published.statusCode, 303)
  t.match(text((await orga.get(published.headers.location as string)).body), 'Only a draft can be deleted')
  t.ok(await app.db.selectFrom('events').select('id').where('id', '=', w.event!.id).executeTakeFirst(), 'a published event stays')

  const { series } = await createSeries(app.db, w.community, { by: w.organizer })
  const occurrence = await app.db.updateTable('events').set({ status: 'draft' }).where('series_id', '=', series.id).returning('id').executeTakeFirstOrThrow()
  await orga.post(`/c/${w.community.slug}/orga/events/${occurrence.id}/delete`, {})
  t.ok(await app.db.selectFrom('events').select('id').where('id', '=', occurrence.id).executeTakeFirst(), 'an occurrence of a series is not deleted')

  const res = await orga.post(`/c/${w.community.slug}/orga/events/${draft.id}/delete`, {})
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/c/${w.community.slug}/events`)
  t.match(text((await orga.get(res.headers.location as string)).body), 'The draft “Half-planned workshop” is deleted.')
  t.equal((await orga.get(`/c/${w.community.slug}/events/${draft.id}`)).statusCode, 404)
  t.match(text((await orga.get(`/c/${w.community.slug}/orga/audit`)).body), 'Deleted a draft event Half-planned workshop')
})
