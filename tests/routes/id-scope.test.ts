import t from 'tap'
import type { LightMyRequestResponse, RouteOptions } from 'fastify'
import { Client, createTestApp, text } from '../fixtures/build-app.js'
import { signInAs } from '../fixtures/factories.js'
import { buildTwoCommunities, type TwoCommunities } from '../fixtures/two-communities.js'
import { createSession } from '../fixtures/agenda.js'
import { createCall } from '../../src/domain/proposals/calls.service.js'
import { DEFAULT_FORMATS } from '../../src/domain/proposals/templates.js'

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
/**
 * A request, the status it must get, what of beta it may show because the organizer typed it (kept in the form),
 * and texts of alpha it must not show either (another alpha member's proposal).
 */
interface Case { send: Send, status: number | number[], typed?: string, hidden?: string[] }

t.test('ids of another community reach nothing of it', async (t) => {
  const routes: RouteOptions[] = []
  const { app } = await createTestApp(t, { onRoute: (r) => { if (r.method !== 'HEAD') routes.push(r) } })
  const db = app.db
  const w = await buildTwoCommunities(db)
  const { a, b } = w
  const organizer = new Client(app)
  await signInAs(organizer, a.organizer)
  await organizer.get('/')
  // Alpha's members: Ada wrote a proposal to alpha's call; Ben did not, and may not read hers.
  const ada = new Client(app)
  await signInAs(ada, a.members[0])
  await ada.get('/')
  const ben = new Client(app)
  await signInAs(ben, a.members[1])
  await ben.get('/')
  // A published agenda session on each community's event (the agenda's member pages take session ids).
  const aSession = (await createSession(db, a.event!.id, { title: 'Alpha opening session' })).id
  const bSession = (await createSession(db, b.event!.id, { title: 'Beta opening session', why_this_matters: 'Beta session reasons' })).id
  // Alpha's organizer was checked in at alpha's meetup ("Who did you meet?" is theirs to use there).
  await db.insertInto('check_ins').values({ event_id: a.event!.id, member_id: a.organizer.id }).execute()
  b.secrets.push('Beta opening session', 'Beta session reasons')
  const bMembers = b.ids.members.map(String)
  // Beta's organizer introduced two of beta's members (issue 13).
  const bIntroduction = (await db.insertInto('introductions').values({
    introduced_by: b.organizer.id, member_a: Math.min(b.members[0].id, b.members[1].id), member_b: Math.max(b.members[0].id, b.members[1].id),
    community_id: b.community.id, note: 'Beta introduction note'
  }).returning('id').executeTakeFirstOrThrow()).id
  b.secrets.push('Beta introduction note')
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
  const NONE = 999_999
  const aCall = a.call.id
  const bCall = b.call.id
  // Alpha's call on its series, with an accepted talk (released) to place on a meeting.
  const aSeriesCall = (await createCall(db, a.community.id, {
    target: { kind: 'series', id: aSeries, timeZone: 'America/Chicago' }, title: 'Alpha brown-bag talks', lookingFor: '',
    opensAt: new Date(Date.now() - 30 * 86_400_000), closesAt: new Date(Date.now() - 86_400_000), formats: DEFAULT_FORMATS, topics: [],
    templateIds: [a.templateId], maxPerPerson: 2, blindReview: true
  }, a.organizer.id)).id
  const aTalk = (await db.insertInto('proposals').values({
    call_id: aSeriesCall, submitter_id: a.members[1].id, template_id: a.templateId, title: 'Alpha accepted talk', format: 'talk', state: 'submitted',
    decision: 'accepted', decided_at: new Date(), decision_mailed_at: new Date(), submitted_at: new Date()
  }).returning('id').executeTakeFirstOrThrow()).id
  const placement = `${A}/orga/calls/${aSeriesCall}/placement`
  const bTemplates = b.templateIds.map(String)
  const x = (n: number, c = 'x') => c.repeat(n)
  const proposalFields = (templateId: string) => ({
    template_id: templateId, title: 'Alpha talk on intake', format: 'talk', topic: '',
    answer_problem: x(150, 'p'), answer_tried: x(150, 't'), answer_happened: x(150, 'h'), answer_reuse: x(80, 'r'), answer_why: x(60, 'w'), answer_pitch: x(80, 'e'),
    answer_goal: x(60, 'g'), answer_steps: x(150, 's'),
    bio: 'Lab director.', affiliation: 'government', affiliation_note: '', pledge: 'yes', intent: 'submit'
  })
  const callFields = (templateIds: string[]) => ({
    title: 'Alpha call for intake talks', looking_for: '', opens_date: `${new Date().getFullYear() + 1}-01-02`, opens_time: '09:00',
    closes_date: jan, closes_time: '17:00', format_key: ['talk'], format_label: ['Talk'], format_minutes: ['20'], template_ids: templateIds, max_per_person: '3'
  })
  const messageFields = { audience: 'both', subject: 'Alpha note', body: 'Alpha says hello.' }
  const sessionFields = { proposal_id: '', title: 'Alpha break', why_this_matters: '', date: jan, start_time: '10:00', end_time: '10:30', room: 'Room B', track: '' }
  /** The same request with beta's id and with an id nothing has: the same answer for both. */
  const betaOrNone = (ids: Array<number | string>, send: (id: string) => Promise<LightMyRequestResponse>, status: number | number[]): Case[] =>
    [...ids, NONE].map((id) => ({ send: () => send(String(id)), status }))
  const aProposal = (pid: number | string, suffix = '') => `${A}/calls/${aCall}/proposals/${pid}${suffix}`
  const bProposal = (callId: number | string, suffix = '') => `${A}/calls/${callId}/proposals/${b.proposalId}${suffix}`
  /** Ada's proposal, which Ben (a member of alpha, not its speaker) may not read or change. */
  const adaHidden = [`Alpha proposal on triage`, `Alpha speaker bio`]

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
    // Issue 13: introducing a member of beta, or to one, and answering beta's introductions.
    'GET /members/:id/introduce params.id': betaOrNone(bMembers, (id) => organizer.get(`/members/${id}/introduce?q=Beta`), 404),
    'POST /members/:id/introduce params.id': betaOrNone(bMembers, (id) => organizer.post(`/members/${id}/introduce`, { other_id: String(a.members[0].id), note: 'Alpha note', q: '' }), 404),
    'POST /members/:id/introduce body.other_id': betaOrNone(bMembers, (id) => organizer.post(`/members/${a.members[0].id}/introduce`, { other_id: id, note: 'Alpha note', q: 'Beta' }), 400),
    'POST /profile/introductions/:id/accept params.id': betaOrNone([bIntroduction], (id) => organizer.post(`/profile/introductions/${id}/accept`), 404),
    'POST /profile/introductions/:id/decline params.id': betaOrNone([bIntroduction], (id) => organizer.post(`/profile/introductions/${id}/decline`), 404),
    // "Who did you meet?" at alpha's meetup, where alpha's organizer was checked in: beta's members were not (400, unnamed).
    'POST /c/:slug/events/:id/met body.member_id': betaOrNone(bMembers, (id) => organizer.post(`${A}/events/${aEvent}/met`, { member_id: id }), 400),
    // Connections: nobody of beta is connected with alpha's organizer (404), nor says they met them (400, the profile re-shown).
    'GET /members/:id/connection/remove params.id': bMembers.map((id) => ({ send: () => organizer.get(`/members/${id}/connection/remove`), status: 404 })),
    'POST /members/:id/connection/remove params.id': bMembers.map((id) => ({ send: () => organizer.post(`/members/${id}/connection/remove`), status: 404 })),
    'POST /profile/met/:id/confirm params.id': bMembers.map((id) => ({ send: () => organizer.post(`/profile/met/${id}/confirm`), status: 400 })),
    'POST /profile/met/:id/decline params.id': bMembers.map((id) => ({ send: () => organizer.post(`/profile/met/${id}/decline`), status: 400 })),
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
    }],
    'GET /c/:slug/orga/series/:id/speakers params.id': betaOrNone([b.series.id], (id) => organizer.get(`${A}/orga/series/${id}/speakers`), 404),
    'POST /c/:slug/orga/series/:id/speakers params.id': [
      ...betaOrNone([b.series.id], (id) => organizer.post(`${A}/orga/series/${id}/speakers`, Object.fromEntries(bEvents.map((e) => [`speaker_${e}`, 'Mallory']))), 404),
      // A meeting of beta named in alpha's series' form is not one of its meetings: left out, as any unknown meeting.
      ...betaOrNone(bEvents, (id) => organizer.post(`${A}/orga/series/${aSeries}/speakers`, { [`speaker_${id}`]: 'Mallory' }), 303)
    ],

    // Members and their standing: a member of beta is no member of alpha.
    'GET /c/:slug/orga/members/:id params.id': betaOrNone(bMembers, (id) => organizer.get(`${A}/orga/members/${id}`), 404),
    'POST /c/:slug/orga/members/:id/suspend params.id': betaOrNone(bMembers, (id) => organizer.post(`${A}/orga/members/${id}/suspend`, { reason: 'Alpha reason' }), 404),
    'POST /c/:slug/orga/members/:id/remove params.id': betaOrNone(bMembers, (id) => organizer.post(`${A}/orga/members/${id}/remove`, { reason: 'Alpha reason' }), 404),
    'POST /c/:slug/orga/members/:id/reinstate params.id': betaOrNone(bMembers, (id) => organizer.post(`${A}/orga/members/${id}/reinstate`), 404),
    // Another community's invitation gets the answer of an invitation already accepted or revoked.
    'POST /c/:slug/orga/invitations/:id/resend params.id': betaOrNone([b.invitationId], (id) => organizer.post(`${A}/orga/invitations/${id}/resend`), 409),
    'POST /c/:slug/orga/invitations/:id/revoke params.id': betaOrNone([b.invitationId], (id) => organizer.post(`${A}/orga/invitations/${id}/revoke`), 409),

    // Site-wide by design, and only a site admin's: alpha's organizer (no site admin) gets 404 and changes nothing.
    'GET /admin/members/:id params.id': betaOrNone(bMembers, (id) => organizer.get(`/admin/members/${id}`), 404),
    'POST /admin/members/:id/deactivate params.id': betaOrNone(bMembers, (id) => organizer.post(`/admin/members/${id}/deactivate`, { reason: 'Alpha reason' }), 404),
    'POST /admin/members/:id/reactivate params.id': betaOrNone(bMembers, (id) => organizer.post(`/admin/members/${id}/reactivate`), 404),
    'POST /admin/communities/:id/archive params.id': betaOrNone([b.community.id], (id) => organizer.post(`/admin/communities/${id}/archive`), 404),
    'POST /admin/communities/:id/restore params.id': betaOrNone([b.community.id], (id) => organizer.post(`/admin/communities/${id}/restore`), 404),

    // Calls for proposals, as alpha's organizers manage them; beta's talk templates are not alpha's to offer.
    'GET /c/:slug/orga/calls/:id params.id': betaOrNone([bCall], (id) => organizer.get(`${A}/orga/calls/${id}`), 404),
    'GET /c/:slug/orga/calls/:id/edit params.id': betaOrNone([bCall], (id) => organizer.get(`${A}/orga/calls/${id}/edit`), 404),
    'POST /c/:slug/orga/calls/:id/edit params.id': betaOrNone([bCall], (id) => organizer.post(`${A}/orga/calls/${id}/edit`, callFields([String(a.templateId)])), 404),
    'POST /c/:slug/orga/calls/:id/edit body.template_ids': [
      ...betaOrNone(bTemplates, (id) => organizer.post(`${A}/orga/calls/${aCall}/edit`, callFields([id])), 400),
      { send: () => organizer.post(`${A}/orga/calls/${aCall}/edit`, callFields([String(a.templateId), ...bTemplates])), status: 400 }
    ],
    'POST /c/:slug/orga/calls/new body.template_ids': [
      ...betaOrNone(bTemplates, (id) => organizer.post(`${A}/orga/calls/new`, { target: `event-${aEvent}`, ...callFields([id]) }), 400),
      { send: () => organizer.post(`${A}/orga/calls/new`, { target: `event-${aEvent}`, ...callFields([String(a.templateId), ...bTemplates]) }), status: 400 }
    ],
    'GET /c/:slug/orga/calls/templates/:id params.id': betaOrNone(bTemplates, (id) => organizer.get(`${A}/orga/calls/templates/${id}`), 404),
    'POST /c/:slug/orga/calls/templates/:id params.id': betaOrNone(bTemplates, (id) => organizer.post(`${A}/orga/calls/templates/${id}`, { name: 'Alpha template', description: '' }), 404),

    // Calls and proposals as members see them: beta's call is no call of alpha, beta's proposal no proposal of
    // alpha's call, and a member of alpha reads and changes only their own proposals.
    'GET /c/:slug/calls/:id params.id': betaOrNone([bCall], (id) => ben.get(`${A}/calls/${id}`), 404),
    'GET /c/:slug/calls/:id/propose params.id': betaOrNone([bCall], (id) => ben.get(`${A}/calls/${id}/propose`), 404),
    'POST /c/:slug/calls/:id/propose params.id': betaOrNone([bCall], (id) => ben.post(`${A}/calls/${id}/propose`, proposalFields(String(b.templateId))), 404),
    'POST /c/:slug/calls/:id/propose body.template_id': betaOrNone(bTemplates, (id) => ben.post(`${A}/calls/${aCall}/propose`, proposalFields(id)), 400),
    'GET /c/:slug/calls/:id/proposals/:pid params.id': betaOrNone([bCall], (id) => ben.get(bProposal(id)), 404),
    'GET /c/:slug/calls/:id/proposals/:pid params.pid': [
      ...betaOrNone([b.proposalId], (pid) => ben.get(aProposal(pid)), 404),
      ...betaOrNone([b.proposalId], (pid) => organizer.get(aProposal(pid)), 404),
      { send: () => ben.get(aProposal(a.proposalId)), status: 404, hidden: adaHidden }
    ],
    'GET /c/:slug/calls/:id/proposals/:pid/edit params.id': betaOrNone([bCall], (id) => ben.get(bProposal(id, '/edit')), 404),
    'GET /c/:slug/calls/:id/proposals/:pid/edit params.pid': [
      ...betaOrNone([b.proposalId], (pid) => ben.get(aProposal(pid, '/edit')), 404),
      { send: () => ben.get(aProposal(a.proposalId, '/edit')), status: 404, hidden: adaHidden }
    ],
    'POST /c/:slug/calls/:id/proposals/:pid/edit params.id': betaOrNone([bCall], (id) => ben.post(bProposal(id, '/edit'), proposalFields(String(b.templateId))), 404),
    'POST /c/:slug/calls/:id/proposals/:pid/edit params.pid': [
      ...betaOrNone([b.proposalId], (pid) => ben.post(aProposal(pid, '/edit'), proposalFields(String(a.templateId))), 404),
      { send: () => ben.post(aProposal(a.proposalId, '/edit'), proposalFields(String(a.templateId))), status: 404, hidden: adaHidden }
    ],
    'POST /c/:slug/calls/:id/proposals/:pid/edit body.template_id': betaOrNone(bTemplates, (id) => ada.post(aProposal(a.proposalId, '/edit'), proposalFields(id)), 400),
    'POST /c/:slug/calls/:id/proposals/:pid/withdraw params.id': betaOrNone([bCall], (id) => ben.post(bProposal(id, '/withdraw'), { reason: 'Alpha reason' }), 404),
    'POST /c/:slug/calls/:id/proposals/:pid/withdraw params.pid': [
      ...betaOrNone([b.proposalId], (pid) => ben.post(aProposal(pid, '/withdraw'), { reason: 'Alpha reason' }), 404),
      { send: () => ben.post(aProposal(a.proposalId, '/withdraw'), { reason: 'Alpha reason' }), status: 404, hidden: adaHidden }
    ],

    // Review, as alpha's organizers (who review every call of alpha) reach it: beta's call is none of alpha's, beta's
    // proposal is in no call of alpha's, and beta's members are no reviewers of alpha's call.
    'GET /c/:slug/calls/:id/review params.id': betaOrNone([bCall], (id) => organizer.get(`${A}/calls/${id}/review`), 404),
    'GET /c/:slug/calls/:id/review.csv params.id': betaOrNone([bCall], (id) => organizer.get(`${A}/calls/${id}/review.csv`), 404),
    'GET /c/:slug/calls/:id/review/next params.id': betaOrNone([bCall], (id) => organizer.get(`${A}/calls/${id}/review/next`), 404),
    'GET /c/:slug/calls/:id/review/:pid params.id': betaOrNone([bCall], (id) => organizer.get(`${A}/calls/${id}/review/${b.proposalId}`), 404),
    'GET /c/:slug/calls/:id/review/:pid params.pid': betaOrNone([b.proposalId], (pid) => organizer.get(`${A}/calls/${aCall}/review/${pid}`), 404),
    'POST /c/:slug/calls/:id/review/:pid params.id': betaOrNone([bCall], (id) => organizer.post(`${A}/calls/${id}/review/${b.proposalId}`, { score_relevant: '5', comment: 'Alpha comment' }), 404),
    'POST /c/:slug/calls/:id/review/:pid params.pid': betaOrNone([b.proposalId], (pid) => organizer.post(`${A}/calls/${aCall}/review/${pid}`, { score_relevant: '5', comment: 'Alpha comment' }), 404),
    'GET /c/:slug/orga/calls/:id/reviews params.id': betaOrNone([bCall], (id) => organizer.get(`${A}/orga/calls/${id}/reviews`), 404),
    'GET /c/:slug/orga/calls/:id/reviews.csv params.id': betaOrNone([bCall], (id) => organizer.get(`${A}/orga/calls/${id}/reviews.csv`), 404),
    'POST /c/:slug/orga/calls/:id/reviews/reviewers params.id': betaOrNone([bCall], (id) => organizer.post(`${A}/orga/calls/${id}/reviews/reviewers`, { email: a.members[0].email }), 404),
    'POST /c/:slug/orga/calls/:id/reviews/reviewers/:mid/remove params.id': betaOrNone([bCall], (id) => organizer.post(`${A}/orga/calls/${id}/reviews/reviewers/${a.members[0].id}/remove`), 404),
    // Removing someone who is no reviewer of the call changes nothing: the dashboard again, as for an id nobody has.
    'POST /c/:slug/orga/calls/:id/reviews/reviewers/:mid/remove params.mid': betaOrNone(bMembers, (mid) => organizer.post(`${A}/orga/calls/${aCall}/reviews/reviewers/${mid}/remove`), 303),
    'POST /c/:slug/orga/calls/:id/reviews/settings params.id': betaOrNone([bCall], (id) => organizer.post(`${A}/orga/calls/${id}/reviews/settings`, { crit_key: ['relevant'], crit_label: ['Relevant'], crit_weight: ['1'], reviewers_per_proposal: '2' }), 404),
    'POST /c/:slug/orga/calls/:id/reviews/assign params.id': betaOrNone([bCall], (id) => organizer.post(`${A}/orga/calls/${id}/reviews/assign`), 404),

    // Decisions, as alpha's organizers make them: on alpha's calls and their proposals only.
    'GET /c/:slug/orga/calls/:id/placement params.id': betaOrNone([bCall], (id) => organizer.get(`${A}/orga/calls/${id}/placement`), 404),
    'POST /c/:slug/orga/calls/:id/placement params.id': betaOrNone([bCall], (id) => organizer.post(`${A}/orga/calls/${id}/placement`, { proposal_id: String(b.proposalId), event_id: '' }), 404),
    'POST /c/:slug/orga/calls/:id/placement body.proposal_id': betaOrNone([b.proposalId], (pid) => organizer.post(placement, { proposal_id: pid, event_id: '' }, { csrfFrom: placement }), 404),
    'POST /c/:slug/orga/calls/:id/placement body.event_id': betaOrNone(bEvents, (id) => organizer.post(placement, { proposal_id: String(aTalk), event_id: id }, { csrfFrom: placement }), 404),
    'GET /c/:slug/orga/calls/:id/decisions params.id': betaOrNone([bCall], (id) => organizer.get(`${A}/orga/calls/${id}/decisions`), 404),
    'GET /c/:slug/orga/calls/:id/decisions/mails params.id': betaOrNone([bCall], (id) => organizer.get(`${A}/orga/calls/${id}/decisions/mails`), 404),
    'POST /c/:slug/orga/calls/:id/decisions/mails params.id': betaOrNone([bCall], (id) => organizer.post(`${A}/orga/calls/${id}/decisions/mails`, {
      accepted_subject: 'Alpha yes', accepted_body: 'Alpha {confirm_link}', backup_subject: 'Alpha maybe', backup_body: 'Alpha', rejected_subject: 'Alpha no', rejected_body: 'Alpha'
    }), 404),
    'GET /c/:slug/orga/calls/:id/decisions/release params.id': betaOrNone([bCall], (id) => organizer.get(`${A}/orga/calls/${id}/decisions/release`), 404),
    'POST /c/:slug/orga/calls/:id/decisions/release params.id': betaOrNone([bCall], (id) => organizer.post(`${A}/orga/calls/${id}/decisions/release`), 404),
    'POST /c/:slug/orga/calls/:id/decisions/:pid params.id': betaOrNone([bCall], (id) => organizer.post(`${A}/orga/calls/${id}/decisions/${b.proposalId}`, { decision: 'rejected', note: 'Alpha note' }), 404),
    'POST /c/:slug/orga/calls/:id/decisions/:pid params.pid': betaOrNone([b.proposalId], (pid) => organizer.post(`${A}/orga/calls/${aCall}/decisions/${pid}`, { decision: 'rejected', note: 'Alpha note' }), 404),

    // A proposal's people as speakers see them (co-speakers, the answer to a co-speaker invitation, an invitation to
    // propose): beta's call, proposal, co-speaker and invitation are none of alpha's, and each page is only for the
    // one it concerns (the submitter, the invited person).
    'GET /c/:slug/calls/:id/proposals/:pid/co-speakers params.id': [
      ...betaOrNone([bCall], (id) => ben.get(bProposal(id, '/co-speakers')), 404),
      ...betaOrNone([bCall], (id) => ada.get(`${A}/calls/${id}/proposals/${a.proposalId}/co-speakers`), 404)
    ],
    'GET /c/:slug/calls/:id/proposals/:pid/co-speakers params.pid': [
      ...betaOrNone([b.proposalId], (pid) => ada.get(aProposal(pid, '/co-speakers')), 404),
      { send: () => ben.get(aProposal(a.proposalId, '/co-speakers')), status: 404, hidden: adaHidden }
    ],
    'POST /c/:slug/calls/:id/proposals/:pid/co-speakers params.id': [
      ...betaOrNone([bCall], (id) => ben.post(bProposal(id, '/co-speakers'), { email: 'ben.alpha@lab.gov' }), 404),
      ...betaOrNone([bCall], (id) => ada.post(`${A}/calls/${id}/proposals/${a.proposalId}/co-speakers`, { email: 'ben.alpha@lab.gov' }), 404)
    ],
    'POST /c/:slug/calls/:id/proposals/:pid/co-speakers params.pid': [
      ...betaOrNone([b.proposalId], (pid) => ada.post(aProposal(pid, '/co-speakers'), { email: 'ben.alpha@lab.gov' }), 404),
      { send: () => ben.post(aProposal(a.proposalId, '/co-speakers'), { email: 'ben.alpha@lab.gov' }), status: 404, hidden: adaHidden }
    ],
    'POST /c/:slug/calls/:id/proposals/:pid/co-speakers/:sid/withdraw params.id': [
      ...betaOrNone([bCall], (id) => ben.post(bProposal(id, `/co-speakers/${b.coSpeakerId}/withdraw`)), 404),
      ...betaOrNone([bCall], (id) => ada.post(`${A}/calls/${id}/proposals/${a.proposalId}/co-speakers/${b.coSpeakerId}/withdraw`), 404)
    ],
    'POST /c/:slug/calls/:id/proposals/:pid/co-speakers/:sid/withdraw params.pid': [
      ...betaOrNone([b.proposalId], (pid) => ada.post(aProposal(pid, `/co-speakers/${b.coSpeakerId}/withdraw`)), 404),
      { send: () => ben.post(aProposal(a.proposalId, `/co-speakers/${a.coSpeakerId}/withdraw`)), status: 404, hidden: adaHidden }
    ],
    // Beta's co-speaker on Ada's own proposal of alpha: no co-speaker of hers, as an id no co-speaker has.
    'POST /c/:slug/calls/:id/proposals/:pid/co-speakers/:sid/withdraw params.sid':
      betaOrNone([b.coSpeakerId], (sid) => ada.post(aProposal(a.proposalId, `/co-speakers/${sid}/withdraw`)), 404),
    'GET /c/:slug/calls/:id/proposals/:pid/co-speaker params.id': betaOrNone([bCall], (id) => ben.get(bProposal(id, '/co-speaker')), 404),
    'GET /c/:slug/calls/:id/proposals/:pid/co-speaker params.pid': [
      ...betaOrNone([b.proposalId], (pid) => ben.get(aProposal(pid, '/co-speaker')), 404),
      // Ben is not the one Ada invited: her proposal stays hidden from him.
      { send: () => ben.get(aProposal(a.proposalId, '/co-speaker')), status: 404, hidden: adaHidden }
    ],
    'POST /c/:slug/calls/:id/proposals/:pid/co-speaker params.id': betaOrNone([bCall], (id) => ben.post(bProposal(id, '/co-speaker'), { answer: 'accept' }), 404),
    'POST /c/:slug/calls/:id/proposals/:pid/co-speaker params.pid': [
      ...betaOrNone([b.proposalId], (pid) => ben.post(aProposal(pid, '/co-speaker'), { answer: 'accept' }), 404),
      { send: () => ben.post(aProposal(a.proposalId, '/co-speaker'), { answer: 'accept' }), status: 404, hidden: adaHidden }
    ],
    // Ben was invited to propose to alpha's call (and beta's Ben to beta's): beta's invitation is no invitation of alpha.
    'GET /c/:slug/calls/:id/invited/:iid params.id': [
      ...betaOrNone([bCall], (id) => ben.get(`${A}/calls/${id}/invited/${b.proposalInvitationId}`), 404),
      ...betaOrNone([bCall], (id) => ben.get(`${A}/calls/${id}/invited/${a.proposalInvitationId}`), 404)
    ],
    'GET /c/:slug/calls/:id/invited/:iid params.iid': [
      ...betaOrNone([b.proposalInvitationId], (iid) => ben.get(`${A}/calls/${aCall}/invited/${iid}`), 404),
      // Another member's invitation (Ben's) is not Ada's to read.
      { send: () => ada.get(`${A}/calls/${aCall}/invited/${a.proposalInvitationId}`), status: 404, hidden: ['Alpha invitation to propose note'] }
    ],
    'POST /c/:slug/calls/:id/invited/:iid params.id': [
      ...betaOrNone([bCall], (id) => ben.post(`${A}/calls/${id}/invited/${b.proposalInvitationId}`), 404),
      ...betaOrNone([bCall], (id) => ben.post(`${A}/calls/${id}/invited/${a.proposalInvitationId}`), 404)
    ],
    'POST /c/:slug/calls/:id/invited/:iid params.iid': [
      ...betaOrNone([b.proposalInvitationId], (iid) => ben.post(`${A}/calls/${aCall}/invited/${iid}`), 404),
      { send: () => ada.post(`${A}/calls/${aCall}/invited/${a.proposalInvitationId}`), status: 404, hidden: ['Alpha invitation to propose note'] }
    ],

    // Invitations to propose and coaching, as alpha's organizers manage them: beta's call and proposal are none of alpha's.
    'GET /c/:slug/orga/calls/:id/invitations params.id': betaOrNone([bCall], (id) => organizer.get(`${A}/orga/calls/${id}/invitations`), 404),
    'POST /c/:slug/orga/calls/:id/invitations params.id': [
      ...betaOrNone([bCall], (id) => organizer.post(`${A}/orga/calls/${id}/invitations`, { email: 'ada.alpha@lab.gov', note: 'Alpha note' }), 404),
      // A member of beta typed in alpha's form: no member of alpha, as an address no one has (kept in the form).
      { send: () => organizer.post(`${A}/orga/calls/${aCall}/invitations`, { email: b.members[0].email, note: 'Alpha note' }), status: 400, typed: b.members[0].email }
    ],
    'GET /c/:slug/orga/calls/:id/coaching params.id': betaOrNone([bCall], (id) => organizer.get(`${A}/orga/calls/${id}/coaching`), 404),
    'GET /c/:slug/orga/calls/:id/proposals/:pid/coaching params.id': betaOrNone([bCall], (id) => organizer.get(`${A}/orga/calls/${id}/proposals/${b.proposalId}/coaching`), 404),
    'GET /c/:slug/orga/calls/:id/proposals/:pid/coaching params.pid': betaOrNone([b.proposalId], (pid) => organizer.get(`${A}/orga/calls/${aCall}/proposals/${pid}/coaching`), 404),
    'POST /c/:slug/orga/calls/:id/proposals/:pid/coaching params.id': [
      ...betaOrNone([bCall], (id) => organizer.post(`${A}/orga/calls/${id}/proposals/${b.proposalId}/coaching`, { note: 'Alpha coaching' }), 404),
      ...betaOrNone([bCall], (id) => organizer.post(`${A}/orga/calls/${id}/proposals/${a.proposalId}/coaching`, { note: 'Alpha coaching' }), 404)
    ],
    'POST /c/:slug/orga/calls/:id/proposals/:pid/coaching params.pid': betaOrNone([b.proposalId], (pid) => organizer.post(`${A}/orga/calls/${aCall}/proposals/${pid}/coaching`, { note: 'Alpha coaching' }), 404),

    // The agenda: beta's talk is no talk of alpha's event (the answer of a talk no one has); the prefill shows nothing of it.
    'GET /c/:slug/orga/events/:id/agenda querystring.place': betaOrNone([b.proposalId], (pid) => organizer.get(`${A}/orga/events/${aEvent}/agenda?place=${pid}`), 200),
    'POST /c/:slug/orga/events/:id/agenda body.proposal_id': betaOrNone([b.proposalId], (pid) => organizer.post(`${A}/orga/events/${aEvent}/agenda`, { ...sessionFields, proposal_id: pid }), 400),
    'POST /c/:slug/orga/events/:id/agenda/:sid body.proposal_id': betaOrNone([b.proposalId], (pid) => organizer.post(`${A}/orga/events/${aEvent}/agenda/${aSession}`, { ...sessionFields, proposal_id: pid }), 400)
  }
  // A session of beta under alpha's event, and any session under beta's event: not found.
  const sessionPages: Array<[string, string, Record<string, string>?]> = [
    ['GET', ''], ['POST', '', sessionFields], ['POST', '/delete'], ['POST', '/publish'], ['POST', '/unpublish']
  ]
  for (const [method, suffix, fields] of sessionPages) {
    const send = (eventId: number | string, sid: number | string) => {
      const path = `${A}/orga/events/${eventId}/agenda/${sid}${suffix}`
      return method === 'GET' ? organizer.get(path) : organizer.post(path, fields ?? {})
    }
    const key = `${method} /c/:slug/orga/events/:id/agenda/:sid${suffix}`
    table[`${key} params.id`] = [...bEvents, String(NONE)].flatMap((id) => [bSession, aSession].map((sid) => ({ send: () => send(id, sid), status: 404 })))
    table[`${key} params.sid`] = betaOrNone([bSession], (sid) => send(aEvent, sid), 404)
  }
  // The agenda: beta's session is no session of alpha's event, and beta's event has no agenda in alpha.
  for (const action of ['pick', 'unpick', 'session.ics'] as const) {
    const key = `${action === 'session.ics' ? 'GET' : 'POST'} /c/:slug/events/:id/agenda/:sid/${action}`
    const send = (eventId: number | string, sid: number | string) => {
      const url = `${A}/events/${eventId}/agenda/${sid}/${action}`
      return action === 'session.ics' ? ada.get(url) : ada.post(url)
    }
    table[`${key} params.id`] = [
      ...betaOrNone(bEvents, (id) => send(id, bSession), 404),
      ...betaOrNone(bEvents, (id) => send(id, aSession), 404)
    ]
    table[`${key} params.sid`] = betaOrNone([bSession], (sid) => send(aEvent, sid), 404)
  }
  // An event of beta in any address of alpha: not found, whatever the page (published, draft, series meeting).
  const eventPages: Array<[string, string, Record<string, string>?]> = [
    ['GET', '/c/:slug/events/:id'], ['POST', '/c/:slug/events/:id/rsvp', { choice: 'going' }], ['POST', '/c/:slug/events/:id/rsvp-links/revoke'],
    ['GET', '/c/:slug/events/:id/event.ics'], ['GET', '/c/:slug/events/:id/add/google'], ['GET', '/c/:slug/events/:id/add/outlook'],
    ['GET', '/c/:slug/events/:id/add/outlook-com'], ['GET', '/c/:slug/orga/events/:id/edit'], ['POST', '/c/:slug/orga/events/:id/edit', eventFields],
    ['POST', '/c/:slug/orga/events/:id/publish', { confirm: 'yes' }], ['POST', '/c/:slug/orga/events/:id/copy'], ['POST', '/c/:slug/orga/events/:id/cancel'],
    ['GET', '/c/:slug/orga/events/:id/attendees'], ['GET', '/c/:slug/orga/events/:id/attendees.csv'], ['GET', '/c/:slug/orga/events/:id/check-in'],
    ['POST', '/c/:slug/orga/events/:id/check-in', { member_id: bMembers[0] }], ['GET', '/c/:slug/orga/events/:id/invite'],
    ['POST', '/c/:slug/orga/events/:id/invite', { who: 'going' }], ['GET', '/c/:slug/orga/events/:id/message'],
    ['POST', '/c/:slug/orga/events/:id/message', messageFields], ['POST', '/c/:slug/orga/events/:id/delete'],
    ['GET', '/c/:slug/events/:id/agenda'], ['GET', '/c/:slug/events/:id/agenda/mine.ics'],
    ['GET', '/c/:slug/orga/events/:id/agenda'], ['POST', '/c/:slug/orga/events/:id/agenda', sessionFields], ['POST', '/c/:slug/orga/events/:id/agenda/publish'],
    ['GET', '/c/:slug/events/:id/met'], ['POST', '/c/:slug/events/:id/met', { member_id: String(a.members[0].id) }]
  ]
  for (const [method, url, fields] of eventPages) {
    table[`${method} ${url} params.id`] = [...bEvents, String(NONE)].map((id) => ({
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
    const bProposals = db.selectFrom('proposals').select('id').where('call_id', '=', b.call.id)
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
      members: await db.selectFrom('members').selectAll().where('id', 'in', [...b.ids.members, w.otherAdmin.id]).orderBy('id').execute(),
      templates: await db.selectFrom('talk_templates').selectAll().where('community_id', '=', c).orderBy('id').execute(),
      calls: await db.selectFrom('calls').selectAll().where('community_id', '=', c).orderBy('id').execute(),
      proposals: await db.selectFrom('proposals').selectAll().where('call_id', '=', b.call.id).orderBy('id').execute(),
      coSpeakers: await db.selectFrom('proposal_speakers').selectAll().where('proposal_id', 'in', bProposals).orderBy('id').execute(),
      proposalInvitations: await db.selectFrom('proposal_invitations').selectAll().where('call_id', '=', b.call.id).orderBy('id').execute(),
      coachingNotes: await db.selectFrom('coaching_notes').selectAll().where('proposal_id', 'in', bProposals).orderBy('id').execute(),
      sessions: await db.selectFrom('agenda_sessions').selectAll().where('event_id', 'in', eventIds).orderBy('id').execute(),
      picks: await db.selectFrom('session_picks').selectAll().where('session_id', '=', bSession).orderBy('member_id').execute(),
      audit: await db.selectFrom('audit_entries').selectAll().where('community_id', '=', c).orderBy('id').execute(),
      introductions: await db.selectFrom('introductions').selectAll().where('id', '=', bIntroduction).execute(),
      mail: await db.selectFrom('mail_messages').select(['to_address', 'subject']).where('to_address', 'like', '%.beta@lab.gov').orderBy('id').execute()
    }
  }
  const before = await betaState()
  const adaState = () => db.selectFrom('proposals').selectAll().where('id', '=', a.proposalId).execute()
  const adaBefore = await adaState()
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
        if (c.hidden) t.same(c.hidden.filter((s) => bodies.some((body) => body.includes(s))), [], `case ${i + 1}: nothing of another member's proposal`)
      }
      t.same(await betaState(), before, 'nothing of beta changed')
      t.same(await adaState(), adaBefore, 'Ada\'s proposal (alpha) unchanged')
    })
  }

  await t.test('alpha holds nothing of beta afterwards', async (t) => {
    const bOnly = b.ids.members
    const aEvents = db.selectFrom('events').select('id').where('community_id', '=', a.community.id)
    t.same(await db.selectFrom('event_hosts').select('member_id').where('member_id', 'in', bOnly).where('event_id', 'in', aEvents).execute(), [], 'no event of alpha hosted by a member of beta')
    t.same(await db.selectFrom('series_hosts').select('member_id').where('member_id', 'in', bOnly).where('series_id', '=', aSeries).execute(), [], 'alpha\'s series: no host of beta')
    t.same(await db.selectFrom('check_ins').select('member_id').where('member_id', 'in', bOnly).execute(), [], 'no member of beta checked in at alpha')
    t.equal((await db.selectFrom('events').select('id').where('community_id', '=', a.community.id).execute()).length, aEventsBefore, 'no event made with beta\'s hosts')
    const aSessionRow = await db.selectFrom('agenda_sessions').select(['title', 'published', 'sequence']).where('id', '=', aSession).executeTakeFirst()
    t.same(aSessionRow, { title: 'Alpha opening session', published: true, sequence: 0 }, 'alpha\'s session untouched through beta\'s event')
    // What alpha's organizer sees of alpha's pages: still no beta.
    for (const url of [`${A}/orga/events/${aEvent}/edit`, `${A}/orga/series/${aSeries}/edit`, `${A}/orga/events/new`, `${A}/orga/events/${aEvent}/check-in?q=Beta`]) {
      const res = await organizer.get(url)
      t.equal(res.statusCode, 200, url)
      t.same(b.secrets.filter((s) => res.body.includes(s)), [], `${url}: nothing of beta`)
    }
  })
})
