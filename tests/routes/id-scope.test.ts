import t from 'tap'
import type { LightMyRequestResponse, RouteOptions } from 'fastify'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { signInAs } from '../fixtures/factories.js'
import { buildTwoCommunities, type TwoCommunities } from '../fixtures/two-communities.js'

// Every id a form or an address takes is checked against the viewer's communities: an organizer of "alpha"
// who posts ids of "beta" (its members as hosts, its events, series, requests, terms) learns nothing of beta —
// no name, address or title of it on the page — and changes nothing of it.
//
// The table below is driven by the routes themselves: every path parameter, query parameter and form field that
// takes an id (named like id, *_id, *Id, hosts, from_event, event, or with the row-id format) must have a row,
// so that a new id field cannot be added without saying how it is scoped.

const ID_NAME = /(^|_)id$|Id$|^hosts$|^from_event$|^event$/

interface Schema { format?: string, items?: Schema, properties?: Record<string, Schema> }

/** "METHOD /url part.name" for each id-taking input of a route. */
function idInputs (route: RouteOptions): string[] {
  const schema = (route.schema ?? {}) as Record<string, Schema | undefined>
  const method = [route.method].flat()[0]
  const found: string[] = []
  for (const part of ['params', 'querystring', 'body'] as const) {
    for (const [name, s] of Object.entries(schema[part]?.properties ?? {})) {
      if (ID_NAME.test(name) || s.format === 'row-id' || s.items?.format === 'row-id') found.push(`${method} ${route.url} ${part}.${name}`)
    }
  }
  return found
}

type Send = (c: { w: TwoCommunities, organizer: Client }) => Promise<LightMyRequestResponse>
/** A request, the status it must get, and what of beta it may show because the organizer typed it (kept in the form). */
interface Case { send: Send, status: number | number[], typed?: string }

t.test('ids of another community reach nothing of it', async (t) => {
  const routes: RouteOptions[] = []
  const { app } = await createTestApp(t, { onRoute: (r) => { if (r.method !== 'HEAD') routes.push(r) } })
  const db = app.db
  const w = await buildTwoCommunities(db)
  const { a, b } = w
  const organizer = new Client(app)
  await signInAs(organizer, a.organizer)
  await organizer.get('/')
  const bMembers = b.ids.members.map(String)
  const bEvent = String(b.event!.id)
  const bEvents = b.ids.events.map(String)

  const jan = `${new Date().getFullYear() + 1}-01-14`
  const eventFields = {
    title: 'Alpha new clinic', kind: 'meetup', why_it_matters: 'Bring a question.', summary: '', time_zone: 'America/New_York',
    start_date: jan, start_time: '12:00', end_time: '13:00', venue_name: 'State Lab', capacity: ''
  }
  const seriesFields = { title: 'Alpha weekly brown-bag', kind: 'brown-bag', why_it_matters: 'Learn from each other.', summary: '', duration_minutes: '60', online_url: 'https://meet.example.gov/bb', live_transcript_url: 'https://captions.example.gov/bb' }
  const hostsOf = (ids: string[]) => ({ hosts: ids, hosts_shown: 'yes' })
  const A = `/c/${a.community.slug}`
  const aEvent = a.event!.id
  const aSeries = a.series.id

  // How each id input is sent with beta's ids, as alpha's organizer, and the status expected (every request
  // besides: no text of beta in the answer, nothing of beta changed).
  const table: Record<string, Case[]> = {
    'POST /c/:slug/orga/events/new body.hosts': [
      // Issue 10 item 2: the form re-shown for another mistake must not name beta's members.
      { send: () => organizer.post(`${A}/orga/events/new`, { ...eventFields, title: '', ...hostsOf(bMembers) }), status: 400 },
      { send: () => organizer.post(`${A}/orga/events/new`, { ...eventFields, ...hostsOf(bMembers) }), status: 400 },
      { send: () => organizer.post(`${A}/orga/events/new`, { ...eventFields, ...hostsOf([String(a.organizer.id), ...bMembers]) }), status: 400 },
      // An address typed in is kept in the form; the answer is the same as for an address no one has.
      { send: () => organizer.post(`${A}/orga/events/new`, { ...eventFields, ...hostsOf([]), host_email: b.members[0].email }), status: 400, typed: b.members[0].email }
    ],
    'POST /c/:slug/orga/events/:id/edit body.hosts': [
      { send: () => organizer.post(`${A}/orga/events/${aEvent}/edit`, { ...eventFields, title: '', ...hostsOf(bMembers) }), status: 400 },
      { send: () => organizer.post(`${A}/orga/events/${aEvent}/edit`, { ...eventFields, ...hostsOf(bMembers) }), status: 400 }
    ],
    'POST /c/:slug/orga/series/:id/edit body.hosts': [
      { send: () => organizer.post(`${A}/orga/series/${aSeries}/edit`, { ...seriesFields, title: '', ...hostsOf(bMembers) }), status: 400 },
      { send: () => organizer.post(`${A}/orga/series/${aSeries}/edit`, { ...seriesFields, ...hostsOf(bMembers) }), status: 400 },
      { send: () => organizer.post(`${A}/orga/series/${aSeries}/edit`, { ...seriesFields, ...hostsOf([]), host_email: b.organizer.email }), status: 400, typed: b.organizer.email }
    ],
    'POST /c/:slug/orga/events/:id/check-in body.member_id': [
      ...bMembers.map((id) => ({ send: () => organizer.post(`${A}/orga/events/${aEvent}/check-in`, { member_id: id }), status: 303 })),
      ...bMembers.map((id) => ({ send: () => organizer.post(`${A}/orga/events/${aEvent}/check-in`, { member_id: id, walk_in: 'yes' }), status: 303 })),
      { send: () => organizer.post(`${A}/orga/events/${aEvent}/check-in`, { member_id: bMembers[0], undo: 'yes' }), status: 303 }
    ],
    'POST /c/:slug/orga/series/:id/cancel-occurrence body.event_id': bEvents.map((id) => ({
      send: () => organizer.post(`${A}/orga/series/${aSeries}/cancel-occurrence`, { event_id: id }), status: 400
    })),
    'POST /c/:slug/orga/series/:id/move-occurrence body.event_id': bEvents.map((id) => ({
      send: () => organizer.post(`${A}/orga/series/${aSeries}/move-occurrence`, { event_id: id, new_date: jan, new_time: '15:00' }), status: 400
    })),
    'POST /c/:slug/orga/series/:id/schedule body.from_event': bEvents.map((id) => ({
      send: () => organizer.post(`${A}/orga/series/${aSeries}/schedule`, { from_event: id, pattern: 'weekly', interval: '1', start_time: '15:00', time_zone: 'America/Chicago', first_date: jan }),
      status: 400
    })),
    'GET /rsvp/done querystring.event': [{ send: () => organizer.get(`/rsvp/done?status=going&event=${bEvent}`), status: 200 }],
    'GET /members/:id params.id': bMembers.map((id) => ({ send: () => organizer.get(`/members/${id}`), status: 404 })),
    'POST /admin/admins/:id/remove params.id': [{ send: () => organizer.post(`/admin/admins/${w.otherAdmin.id}/remove`), status: 404 }],
    'GET /dev/mailbox/:id params.id': [{ send: () => organizer.get('/dev/mailbox/1'), status: 404 }],
    'GET /dev/mailbox/:id/invite.ics params.id': [{ send: () => organizer.get('/dev/mailbox/1/invite.ics'), status: 404 }],
    // Another community's request gets the answer of a request already handled — as does an id no request has.
    'POST /c/:slug/orga/requests/:id/approve params.id': [b.requestId, 999_999].map((id) => ({ send: () => organizer.post(`${A}/orga/requests/${id}/approve`), status: 409 })),
    'POST /c/:slug/orga/requests/:id/decline params.id': [b.requestId, 999_999].map((id) => ({ send: () => organizer.post(`${A}/orga/requests/${id}/decline`, { decision_note: 'no' }), status: 409 })),
    'POST /c/:slug/orga/organizers/:termId/end params.termId': b.termIds.map((id) => ({ send: () => organizer.post(`${A}/orga/organizers/${id}/end`), status: 404 })),
    'GET /c/:slug/orga/series/:id params.id': [{ send: () => organizer.get(`${A}/orga/series/${b.series.id}`), status: 404 }],
    'GET /c/:slug/orga/series/:id/edit params.id': [{ send: () => organizer.get(`${A}/orga/series/${b.series.id}/edit`), status: 404 }],
    'POST /c/:slug/orga/series/:id/edit params.id': [{ send: () => organizer.post(`${A}/orga/series/${b.series.id}/edit`, seriesFields), status: 404 }],
    'POST /c/:slug/orga/series/:id/cancel-occurrence params.id': [{ send: () => organizer.post(`${A}/orga/series/${b.series.id}/cancel-occurrence`, { event_id: bEvent }), status: 404 }],
    'POST /c/:slug/orga/series/:id/move-occurrence params.id': [{ send: () => organizer.post(`${A}/orga/series/${b.series.id}/move-occurrence`, { event_id: bEvent, new_date: jan, new_time: '15:00' }), status: 404 }],
    'POST /c/:slug/orga/series/:id/schedule params.id': [{
      send: () => organizer.post(`${A}/orga/series/${b.series.id}/schedule`, { from_event: bEvent, pattern: 'weekly', interval: '1', start_time: '15:00', time_zone: 'America/Chicago', first_date: jan }), status: 404
    }]
  }
  // An event of beta in any address of alpha: not found, whatever the page (published, draft, series meeting).
  const eventPages: Array<[string, string, Record<string, string>?]> = [
    ['GET', '/c/:slug/events/:id'], ['POST', '/c/:slug/events/:id/rsvp', { choice: 'going' }], ['POST', '/c/:slug/events/:id/rsvp-links/revoke'],
    ['GET', '/c/:slug/events/:id/event.ics'], ['GET', '/c/:slug/events/:id/add/google'], ['GET', '/c/:slug/events/:id/add/outlook'],
    ['GET', '/c/:slug/events/:id/add/outlook-com'], ['GET', '/c/:slug/orga/events/:id/edit'], ['POST', '/c/:slug/orga/events/:id/edit', eventFields],
    ['POST', '/c/:slug/orga/events/:id/publish', { confirm: 'yes' }], ['POST', '/c/:slug/orga/events/:id/copy'], ['POST', '/c/:slug/orga/events/:id/cancel'],
    ['GET', '/c/:slug/orga/events/:id/attendees'], ['GET', '/c/:slug/orga/events/:id/attendees.csv'], ['GET', '/c/:slug/orga/events/:id/check-in'],
    ['POST', '/c/:slug/orga/events/:id/check-in', { member_id: bMembers[0] }], ['GET', '/c/:slug/orga/events/:id/invite'],
    ['POST', '/c/:slug/orga/events/:id/invite', { who: 'going' }]
  ]
  for (const [method, url, fields] of eventPages) {
    table[`${method} ${url} params.id`] = bEvents.map((id) => ({
      send: () => {
        const path = url.replace(':slug', a.community.slug).replace(':id', id)
        return method === 'GET' ? organizer.get(path) : organizer.post(path, fields ?? {})
      },
      status: 404
    }))
  }

  await t.test('the table covers every id a route takes', async (t) => {
    const found = routes.flatMap(idInputs).sort()
    t.ok(found.length >= 35, `id inputs found: ${found.length}`)
    t.same(found.filter((k) => !(k in table)), [], 'id inputs without a row in the table (add one: how is it scoped?)')
    t.same(Object.keys(table).filter((k) => !found.includes(k)), [], 'rows for id inputs no route has (renamed or removed?)')
  })

  /** Everything of beta, read back from the database: must be the same after every request. */
  async function betaState () {
    const c = b.community.id
    const eventIds = (await db.selectFrom('events').select('id').where('community_id', '=', c).execute()).map((e) => e.id)
    return {
      community: await db.selectFrom('communities').selectAll().where('id', '=', c).execute(),
      memberships: await db.selectFrom('memberships').selectAll().where('community_id', '=', c).orderBy('member_id').execute(),
      terms: await db.selectFrom('coordinator_terms').selectAll().where('community_id', '=', c).orderBy('id').execute(),
      requests: await db.selectFrom('join_requests').selectAll().where('community_id', '=', c).orderBy('id').execute(),
      invitations: await db.selectFrom('invitations').selectAll().where('community_id', '=', c).orderBy('id').execute(),
      events: await db.selectFrom('events').selectAll().where('community_id', '=', c).orderBy('id').execute(),
      series: await db.selectFrom('series').selectAll().where('community_id', '=', c).orderBy('id').execute(),
      eventHosts: await db.selectFrom('event_hosts').selectAll().where('event_id', 'in', eventIds).orderBy('event_id').orderBy('member_id').execute(),
      seriesHosts: await db.selectFrom('series_hosts').selectAll().where('series_id', '=', b.series.id).orderBy('member_id').execute(),
      rsvps: await db.selectFrom('rsvps').selectAll().where('event_id', 'in', eventIds).orderBy('id').execute(),
      checkIns: await db.selectFrom('check_ins').selectAll().where('event_id', 'in', eventIds).execute(),
      members: await db.selectFrom('members').selectAll().where('id', 'in', [...b.ids.members, w.otherAdmin.id]).orderBy('id').execute()
    }
  }
  const before = await betaState()
  const aEventsBefore = (await db.selectFrom('events').select('id').where('community_id', '=', a.community.id).execute()).length

  for (const [key, cases] of Object.entries(table)) {
    await t.test(key, async (t) => {
      for (const [i, c] of cases.entries()) {
        await db.deleteFrom('rate_limits').execute()
        const res = await c.send({ w, organizer })
        t.ok([c.status].flat().includes(res.statusCode), `case ${i + 1}: ${res.statusCode}, expected ${c.status}`)
        // After a redirect, the page it leads to (with its flash message) is part of the answer.
        const next = res.statusCode === 303 && res.headers.location ? await organizer.get(String(res.headers.location)) : null
        const bodies = [res.body, text(res.body), ...(next ? [next.body, text(next.body)] : [])]
        const leaked = b.secrets.filter((s) => s !== c.typed && bodies.some((body) => body.includes(s)))
        t.same(leaked, [], `case ${i + 1}: nothing of beta in the answer`)
      }
      t.same(await betaState(), before, 'nothing of beta changed')
    })
  }

  await t.test('alpha holds nothing of beta afterwards', async (t) => {
    const bOnly = b.ids.members
    const aEvents = db.selectFrom('events').select('id').where('community_id', '=', a.community.id)
    t.same(await db.selectFrom('event_hosts').select('member_id').where('member_id', 'in', bOnly).where('event_id', 'in', aEvents).execute(), [], 'no event of alpha hosted by a member of beta')
    t.same(await db.selectFrom('series_hosts').select('member_id').where('member_id', 'in', bOnly).where('series_id', '=', aSeries).execute(), [], 'alpha\'s series: no host of beta')
    t.same(await db.selectFrom('check_ins').select('member_id').where('member_id', 'in', bOnly).execute(), [], 'no member of beta checked in at alpha')
    t.equal((await db.selectFrom('events').select('id').where('community_id', '=', a.community.id).execute()).length, aEventsBefore, 'no event made with beta\'s hosts')
    // What alpha's organizer sees of alpha's pages: still no beta.
    for (const url of [`${A}/orga/events/${aEvent}/edit`, `${A}/orga/series/${aSeries}/edit`, `${A}/orga/events/new`, `${A}/orga/events/${aEvent}/check-in?q=Beta`]) {
      const res = await organizer.get(url)
      t.equal(res.statusCode, 200, url)
      t.same(b.secrets.filter((s) => res.body.includes(s)), [], `${url}: nothing of beta`)
    }
  })
})
