import t, { type Test } from 'tap'
import { sql } from 'kysely'
import { DateTime } from 'luxon'
import { DEMO, seedDemo } from '../../src/cli/demo.js'
import { findCommunityWithStanding } from '../../src/domain/communities/communities.repository.js'
import { buildApp } from '../../src/build.js'
import { sendDueReminders } from '../../src/domain/reminders/reminders.service.js'
import { Client, createTestApp, PUBLIC_URL, testConfig, text } from '../fixtures/build-app.js'
import { signInAs } from '../fixtures/factories.js'

async function counts (app: Client['app']) {
  const n = async (table: 'members' | 'communities' | 'memberships' | 'coordinator_terms' | 'join_requests' | 'series' | 'events' | 'event_hosts' | 'rsvps' | 'check_ins' | 'calls' | 'proposals' | 'talk_templates' | 'connections' | 'introductions' | 'met_marks') =>
    Number((await app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  return {
    members: await n('members'),
    communities: await n('communities'),
    memberships: await n('memberships'),
    terms: await n('coordinator_terms'),
    requests: await n('join_requests'),
    series: await n('series'),
    events: await n('events'),
    hosts: await n('event_hosts'),
    rsvps: await n('rsvps'),
    checkIns: await n('check_ins'),
    calls: await n('calls'),
    proposals: await n('proposals'),
    templates: await n('talk_templates'),
    connections: await n('connections'),
    introductions: await n('introductions'),
    marks: await n('met_marks')
  }
}

/** Opens an emailed sign-in link the way a person does: the page, then its one button. */
async function follow (t: Test, app: Client['app'], link: string): Promise<Client> {
  t.ok(link.startsWith(`${PUBLIC_URL}/auth/sign-in?token=`), 'a sign-in link on PUBLIC_URL')
  const c = new Client(app)
  const page = await c.get(link.slice(PUBLIC_URL.length))
  t.equal(page.statusCode, 200)
  const token = new URL(link).searchParams.get('token')!
  const res = await c.post('/auth/sign-in', { token, next: '/' })
  t.equal(res.statusCode, 303)
  return c
}

t.test('demo data', async (t) => {
  const { app, database } = await createTestApp(t)
  const links = await seedDemo(app)
  const before = await counts(app)

  t.test('two communities, about forty members, organizers with current and past terms, pending requests', async (t) => {
    t.equal(before.communities, 2)
    t.ok(before.members >= 35 && before.members <= 60, `${before.members} members`)
    const communities = await app.db.selectFrom('communities').selectAll().orderBy('name').execute()
    t.same(communities.map((c) => c.name), ['Forensic DNA Analysts', 'Records Managers Network'])
    const reqs = await app.db.selectFrom('requirements').select(['community_id', 'name']).execute()
    t.ok(reqs.some((r) => r.name === 'FBI Quality Assurance Standards for DNA Databasing Laboratories'))
    t.ok(reqs.some((r) => r.name === 'NARA General Records Schedules'))
    const agencies = await app.db.selectFrom('members').select('agency').distinct().execute()
    t.ok(agencies.length >= 20, 'many agencies')
    for (const c of communities) {
      const current = await app.db.selectFrom('coordinator_terms').select('member_id').where('community_id', '=', c.id)
        .where('starts_on', '<=', sql<string>`current_date`).where('ends_on', '>=', sql<string>`current_date`).execute()
      t.equal(current.length, 2, `${c.name}: two organizers`)
      const past = await app.db.selectFrom('coordinator_terms').select('member_id').where('community_id', '=', c.id)
        .where('ends_on', '<', sql<string>`current_date`).execute()
      t.equal(past.length, 1, `${c.name}: a past coordinator term`)
      t.notOk((await findCommunityWithStanding(app.db, c.slug, past[0].member_id))!.isOrganizer, 'a past term is not an organizer today')
      const pending = await app.db.selectFrom('join_requests').select(['note', 'email', 'member_id']).where('community_id', '=', c.id).where('status', '=', 'pending').execute()
      t.ok(pending.length >= 2, `${c.name}: pending join requests`)
      t.ok(pending.every((p) => p.note.length > 10), 'with notes')
      t.ok(pending.every((p) => p.member_id !== null), 'verified requesters with accounts, as the join flow leaves them')
      const inside = await app.db.selectFrom('memberships').select('id').where('community_id', '=', c.id)
        .where('member_id', 'in', pending.map((p) => p.member_id!)).execute()
      t.equal(inside.length, 0, 'requesters are not members yet')
    }
  })

  t.test('each community has series, meetups and a conference, past and upcoming, with RSVPs, a waitlist and check-ins', async (t) => {
    const now = new Date()
    for (const c of await app.db.selectFrom('communities').select(['id', 'name', 'slug']).execute()) {
      const series = await app.db.selectFrom('series').selectAll().where('community_id', '=', c.id).orderBy('id').execute()
      t.equal(series.length, 2, `${c.name}: two series`)
      const [brownBag, ideaLab] = series
      t.equal(brownBag.kind, 'brown-bag')
      t.equal(brownBag.rrule, 'FREQ=MONTHLY;INTERVAL=1;BYDAY=+2TU', 'monthly on the 2nd Tuesday')
      t.ok(brownBag.online_url && brownBag.live_transcript_url, 'online, with a join link and a live-transcript link')
      t.match(ideaLab.rrule, 'INTERVAL=2', 'the IdeaLab meets every other month')

      const occ = await app.db.selectFrom('events').selectAll().where('series_id', '=', brownBag.id).orderBy('starts_at').execute()
      const upcoming = occ.filter((e) => e.starts_at > now)
      const past = occ.filter((e) => e.ends_at < now)
      t.ok(upcoming.length >= 11, `${c.name}: ${upcoming.length} upcoming brown-bags (12-month horizon)`)
      t.ok(past.length >= 4, `${c.name}: ${past.length} past brown-bags`)
      for (const e of upcoming) {
        const local = DateTime.fromJSDate(e.starts_at, { zone: 'America/New_York' })
        t.equal(local.toFormat('ccc HH:mm'), 'Tue 12:00', `brown-bag ${local.toISODate()} at 12:00 New York time`)
        t.ok(local.day >= 8 && local.day <= 14, 'on the 2nd Tuesday')
        t.equal(e.status, 'published')
      }
      const ideaDates = (await app.db.selectFrom('events').select('starts_at').where('series_id', '=', ideaLab.id).orderBy('starts_at').execute())
        .map((e) => DateTime.fromJSDate(e.starts_at, { zone: ideaLab.time_zone }))
      t.ok(ideaDates.length >= 8, 'IdeaLab sessions past and upcoming')
      t.ok(ideaDates.slice(1).every((d, i) => Math.round(d.startOf('month').diff(ideaDates[i].startOf('month'), 'months').months) === 2), 'two months apart')

      const events = await app.db.selectFrom('events').selectAll().where('community_id', '=', c.id).where('series_id', 'is', null).orderBy('starts_at').execute()
      const meetups = events.filter((e) => e.kind === 'meetup')
      t.ok(meetups.some((e) => e.ends_at < now) && meetups.some((e) => e.starts_at > now), 'a past and an upcoming meetup')
      t.ok(meetups.every((e) => e.venue_name && e.region), 'meetups are in person, in a region')
      const conference = events.find((e) => e.kind === 'conference')!
      t.ok(conference, 'a conference')
      const confDays = DateTime.fromJSDate(conference.ends_at, { zone: conference.time_zone }).startOf('day')
        .diff(DateTime.fromJSDate(conference.starts_at, { zone: conference.time_zone }).startOf('day'), 'days').days
      t.equal(confDays, 1, 'the conference runs over two days')
      t.equal((await app.db.selectFrom('event_hosts').select('member_id').where('event_id', '=', conference.id).execute()).length, 2, 'with two hosts')
      t.same(events.filter((e) => e.status !== 'published').map((e) => [e.status, e.kind, Boolean(e.online_url), e.live_transcript_url]),
        [['draft', 'brown-bag', true, null]], 'all published but one online draft that still lacks captions')

      const status = async (eventId: number, s: string) => Number((await app.db.selectFrom('rsvps').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('event_id', '=', eventId).where('status', '=', s as 'going').executeTakeFirstOrThrow()).n)
      const full = meetups.find((e) => e.starts_at > now && e.capacity !== null)!
      t.equal(await status(full.id, 'going'), full.capacity, `${c.name}: an upcoming event is full`)
      t.ok(await status(full.id, 'waitlisted') > 0, 'with a waitlist')
      t.ok(await status(conference.id, 'going') >= 10, 'members are going to the conference')
      t.ok(await status(upcoming[0].id, 'going') > 0, 'and to the next brown-bag')

      const pastMeetup = meetups.find((e) => e.ends_at < now)!
      const checkIns = await app.db.selectFrom('check_ins').select(['member_id', 'walk_in']).where('event_id', '=', pastMeetup.id).execute()
      t.ok(checkIns.length >= 5, `${c.name}: ${checkIns.length} check-ins at the past meetup`)
      t.ok(checkIns.some((x) => x.walk_in), 'including a walk-in')
      const pastBrownBagCheckIns = await app.db.selectFrom('check_ins').select('id').where('event_id', '=', past[past.length - 1].id).execute()
      t.ok(pastBrownBagCheckIns.length > 0, 'the last brown-bag has check-ins')
      t.equal((await app.db.selectFrom('check_ins').select('id').where('event_id', 'in', upcoming.map((e) => e.id)).execute()).length, 0, 'no check-ins on events to come')
    }

    const dna = await app.db.selectFrom('communities').select('id').where('slug', '=', DEMO.communities.dna).executeTakeFirstOrThrow()
    const jordan = await app.db.selectFrom('members').select('id').where('email', '=', DEMO.member.email).executeTakeFirstOrThrow()
    const waitlisted = await app.db.selectFrom('rsvps').innerJoin('events', 'events.id', 'rsvps.event_id').select('events.title')
      .where('events.community_id', '=', dna.id).where('rsvps.member_id', '=', jordan.id).where('rsvps.status', '=', 'waitlisted').execute()
    t.equal(waitlisted.length, 1, 'the demo member is on a waitlist')
  })

  t.test('members see the events; the organizer sees attendees and the check-in page', async (t) => {
    const person = (email: string) => app.db.selectFrom('members').selectAll().where('email', '=', email).executeTakeFirstOrThrow()
    const m = new Client(app)
    await signInAs(m, await person(DEMO.member.email))
    const home = await m.get(`/c/${DEMO.communities.dna}`)
    t.match(home.body, `href="/c/${DEMO.communities.dna}/events"`, 'the community home links to the events')
    const list = await m.get(`/c/${DEMO.communities.dna}/events`)
    t.equal(list.statusCode, 200)
    t.match(text(list.body), 'DNA brown-bag')
    t.match(text(list.body), 'Forensic DNA Analysts annual conference')
    t.match(text(list.body), 'Rapid DNA roundtable (Twin Cities)')
    const mine = text((await m.get('/profile/events')).body)
    t.match(mine, 'Your answer: On the waitlist (1st)', 'My events shows the demo member’s waitlist place')

    const o = new Client(app)
    await signInAs(o, await person(DEMO.organizer.email))
    const dna = await app.db.selectFrom('communities').select('id').where('slug', '=', DEMO.communities.dna).executeTakeFirstOrThrow()
    const past = await app.db.selectFrom('events').select('id').where('community_id', '=', dna.id).where('kind', '=', 'meetup')
      .where('ends_at', '<', new Date()).executeTakeFirstOrThrow()
    const door = await o.get(`/c/${DEMO.communities.dna}/orga/events/${past.id}/check-in`)
    t.equal(door.statusCode, 200)
    t.match(text(door.body), 'Mid-Atlantic DNA meetup')
    const attendees = await o.get(`/c/${DEMO.communities.dna}/orga/events/${past.id}/attendees`)
    t.equal(attendees.statusCode, 200)
    t.match(text(attendees.body), DEMO.member.name)
  })

  t.test('the organizer sees decided requests and the community\'s audit log; the admin the site\'s', async (t) => {
    const person = (email: string) => app.db.selectFrom('members').selectAll().where('email', '=', email).executeTakeFirstOrThrow()
    const o = new Client(app)
    await signInAs(o, await person(DEMO.organizer.email))
    const requests = text((await o.get(`/c/${DEMO.communities.dna}/orga/requests`)).body)
    t.match(requests, 'Decided requests')
    t.match(requests, /Tom Becker, Example Genomics LLC Declined .* This community is for analysts in public crime laboratories/)
    t.match(requests, /Priya Raman, Arizona Department of Public Safety Approved/)
    const log = text((await o.get(`/c/${DEMO.communities.dna}/orga/audit`)).body)
    t.match(log, 'Declined a request to join Tom Becker')
    t.match(log, 'Approved a request to join Priya Raman')
    t.match(log, 'Added an organizer term')
    t.notMatch(log, 'Grace Okafor', 'nothing of the other community')
    const a = new Client(app)
    await signInAs(a, await person(DEMO.admin.email))
    const site = text((await a.get('/admin/audit')).body)
    t.match(site, `${DEMO.admin.name} Created a community Forensic DNA Analysts`)
    t.match(site, 'Approved a request to join Records Managers Network Grace Okafor')
  })

  t.test('the seed only writes: the worker of an app started later sends its calendar mail', async (t) => {
    const calendarMail = () => app.db.selectFrom('mail_messages').select('id').where('ical_method', 'is not', null).execute()
    const queued = async () => (await app.db.selectFrom('calendar_changes').select('id').execute()).length
    t.same(await calendarMail(), [], 'no calendar mail from the seed itself')
    t.ok(await queued() > 20, 'its calendar changes wait on the queue')
    // The later start (`npm run demo` after `npm run db:seed`): a worker process on the same database.
    // On a server it has its own pool, as a separate process would; the embedded database has one connection.
    const later = await buildApp(database.url
      ? { config: testConfig({ WORKER: 'true', DATABASE_URL: database.url }), logger: false }
      : { config: testConfig({ WORKER: 'true' }), connection: database.connection, logger: false })
    const started = Date.now()
    try {
      while (Date.now() - started < 60_000 && await queued() > 0) await new Promise((resolve) => setTimeout(resolve, 250))
    } finally {
      await later.close()
    }
    t.equal(await queued(), 0, `the worker emptied the queue in ${Date.now() - started} ms`)
    t.ok((await calendarMail()).length > 20, 'and wrote the calendar mail')
    // The reminders now due (the drop-in clinics tomorrow), as its minutely job queues them.
    t.ok(await sendDueReminders(app.db, app.mailer) >= 5, 'the clinics’ reminders are due')
  })

  t.test('the dev mailbox holds the invites, updates, cancellations and reminders the demo caused', async (t) => {
    const kinds = await app.db.selectFrom('mail_messages').select(['kind', 'ical_method']).select((eb) => eb.fn.countAll<number>().as('n'))
      .groupBy(['kind', 'ical_method']).execute()
    const n = (kind: string, method: string | null) => Number(kinds.find((k) => k.kind === kind && k.ical_method === method)?.n ?? 0)
    t.ok(n('calendar-invite', 'REQUEST') >= 20, `invites from RSVPs and from the organizers’ list (${n('calendar-invite', 'REQUEST')})`)
    t.ok(n('event-updated', 'REQUEST') >= 10, `the conference’s new room reaches those holding its invite (${n('event-updated', 'REQUEST')})`)
    t.ok(n('event-cancelled', 'CANCEL') >= 2, `the cancelled IdeaLab leaves calendars (${n('event-cancelled', 'CANCEL')})`)
    t.ok(n('event-reminder', null) >= 5, `reminders for tomorrow’s clinics (${n('event-reminder', null)})`)

    const admin = new Client(app)
    await signInAs(admin, await app.db.selectFrom('members').selectAll().where('email', '=', DEMO.admin.email).executeTakeFirstOrThrow())
    const box = await admin.get('/dev/mailbox')
    t.equal(box.statusCode, 200)
    t.match(text(box.body), 'Reminder: ')
    for (const kind of ['event-updated', 'event-cancelled', 'calendar-invite'] as const) {
      const m = await app.db.selectFrom('mail_messages').select(['id', 'ical_method']).where('kind', '=', kind).orderBy('id').executeTakeFirstOrThrow()
      const page = await admin.get(`/dev/mailbox/${m.id}`)
      t.equal(page.statusCode, 200)
      t.match(text(page.body), `Calendar invitation (${m.ical_method})`, `${kind}: the calendar part is shown`)
      const file = await admin.get(`/dev/mailbox/${m.id}/invite.ics`)
      t.equal(file.statusCode, 200)
      t.match(file.headers['content-type'], 'text/calendar')
      t.match(file.body, `METHOD:${m.ical_method}`, `${kind}: and downloadable`)
    }
  })

  t.test('the organizer sees the draft that lacks captions', async (t) => {
    const o = new Client(app)
    await signInAs(o, await app.db.selectFrom('members').selectAll().where('email', '=', DEMO.organizer.email).executeTakeFirstOrThrow())
    const list = text((await o.get(`/c/${DEMO.communities.dna}/events`)).body)
    t.match(list, '1 upcoming online event has no live captions')
    t.match(list, 'Mixture interpretation brown-bag (draft)')
    const series = text((await o.get(`/c/${DEMO.communities.dna}/orga/series`)).body)
    t.match(series, 'DNA brown-bag Every month on the 2nd Tuesday at 12:00 PM Eastern Time', 'the series list shows the demo series')
    t.match(series, 'DNA IdeaLab Every other month on the 3rd Thursday at 2:00 PM Central Time')
  })

  t.test('the organizer sees the invitations the demo sent, and the dev mailbox holds their links', async (t) => {
    const o = new Client(app)
    await signInAs(o, await app.db.selectFrom('members').selectAll().where('email', '=', DEMO.organizer.email).executeTakeFirstOrThrow())
    const page = text((await o.get(`/c/${DEMO.communities.dna}/orga/invitations`)).body)
    t.match(page, 'priya.natarajan@dfs.state.example.gov')
    t.match(page, 'luis.ortega@crimelab.county.example.gov')
    t.match(page, 'Not accepted yet')
    const mails = await app.db.selectFrom('mail_messages').select(['to_address', 'text_body']).where('kind', '=', 'invitation').execute()
    t.equal(mails.length, 3, 'one invitation mail per invited address')
    t.ok(mails.every((m) => m.text_body.includes('/invitations/accept?token=')), 'each with its link')
  })

  t.test('the organizer link signs in as the demo organizer, who organizes a community', async (t) => {
    const c = await follow(t, app, links.organizer)
    const home = text((await c.get('/')).body)
    t.match(home, `Sign out (${DEMO.organizer.name})`)
    t.match(home, 'Forensic DNA Analysts')
    const organizer = await app.db.selectFrom('members').selectAll().where('email', '=', DEMO.organizer.email).executeTakeFirstOrThrow()
    t.ok((await findCommunityWithStanding(app.db, DEMO.communities.dna, organizer.id))!.isOrganizer)
    const directory = await c.get(`/c/${DEMO.communities.dna}/members?q=ohio`)
    t.equal(directory.statusCode, 200)
    t.match(text(directory.body), DEMO.member.name)
  })

  t.test('the member and admin links work too', async (t) => {
    const m = await follow(t, app, links.member)
    t.match(text((await m.get('/')).body), `Sign out (${DEMO.member.name})`)
    t.equal((await m.get(`/c/${DEMO.communities.records}/members`)).statusCode, 404, 'the demo member is not in the other community')
    const a = await follow(t, app, links.admin)
    const admin = await a.get('/admin')
    t.equal(admin.statusCode, 200)
    t.match(text(admin.body), DEMO.admin.name)
    t.match(text(admin.body), 'Records Managers Network')
  })

  t.test('the conference has an open call with proposals submitted and in draft', async (t) => {
    // The links were used above (each signs in once): sign in as the demo people directly.
    const as = async (email: string) => {
      const c = new Client(app)
      await signInAs(c, await app.db.selectFrom('members').selectAll().where('email', '=', email).executeTakeFirstOrThrow())
      return c
    }
    const m = await as(DEMO.member.email)
    const home = text((await m.get(`/c/${DEMO.communities.dna}`)).body)
    t.match(home, 'Calls for proposals Talks for the regional conference')
    const mine = text((await m.get(`/c/${DEMO.communities.dna}/calls/mine`)).body)
    t.match(mine, 'From manual to automated extraction in nine months Talks for the regional conference Submitted')
    const o = await as(DEMO.organizer.email)
    const calls = text((await o.get(`/c/${DEMO.communities.dna}/orga/calls`)).body)
    // Drafts: Grace Kim's and the one started from an organizer's invitation to propose (seedDemoSpeakers).
    t.match(calls, /Talks for the regional conference .+ Open .+ 2 5/)
  })

  t.test('the demo member’s proposal has an accepted and a pending co-speaker; an invited draft; a coaching note', async (t) => {
    const as = async (email: string) => {
      const c = new Client(app)
      await signInAs(c, await app.db.selectFrom('members').selectAll().where('email', '=', email).executeTakeFirstOrThrow())
      return c
    }
    const own = await app.db.selectFrom('proposals').innerJoin('members', 'members.id', 'proposals.submitter_id')
      .select(['proposals.id', 'proposals.call_id']).where('members.email', '=', DEMO.member.email).executeTakeFirstOrThrow()
    const m = await as(DEMO.member.email)
    const page = text((await m.get(`/c/${DEMO.communities.dna}/calls/${own.call_id}/proposals/${own.id}`)).body)
    t.match(page, / Accepted /)
    t.match(page, / Invitation sent /)
    const o = await as(DEMO.organizer.email)
    const call = text((await o.get(`/c/${DEMO.communities.dna}/orga/calls/${own.call_id}`)).body)
    t.match(call, 'Invitations to propose: 1 sent · 1 became proposals (0 submitted) · 0 became accepted talks.')
    const coaching = text((await o.get(`/c/${DEMO.communities.dna}/orga/calls/${own.call_id}/coaching`)).body)
    t.match(coaching, 'Clearing 1,400 sexual assault kits')
    t.match(coaching, 'Draft 1')
    const coSpeakers = () => app.db.selectFrom('proposal_speakers').innerJoin('proposals', 'proposals.id', 'proposal_speakers.proposal_id')
      .where('proposals.call_id', '=', own.call_id).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const before = await coSpeakers()
    await seedDemo(app)
    const after = await coSpeakers()
    t.equal(Number(after.n), Number(before.n), 'seeding again adds no co-speakers')
    t.equal(Number(after.n), 2)
  })

  t.test('the conference call has released decisions: accepted and confirmed, backup, rejected with a note', async (t) => {
    const as = async (email: string) => {
      const c = new Client(app)
      await signInAs(c, await app.db.selectFrom('members').selectAll().where('email', '=', email).executeTakeFirstOrThrow())
      return c
    }
    const mineOf = async (email: string) => text((await (await as(email)).get(`/c/${DEMO.communities.dna}/calls/mine`)).body)
    t.match(await mineOf('rachel.thompson@ocme.nyc.example.gov'), 'Accepted, confirmed')
    t.match(await mineOf('carlos.mendoza@azdps.example.gov'), 'On the backup list')
    t.match(await mineOf('kevin.obrien@msp.example.gov'), 'Not accepted')
    const rejected = await app.db.selectFrom('proposals').select(['id', 'call_id', 'note_to_speaker']).where('decision', '=', 'rejected').executeTakeFirstOrThrow()
    t.match(rejected.note_to_speaker, 'product presentation')
    const sent = await app.db.selectFrom('mail_messages').select('kind').where('kind', 'in', ['proposal-accepted', 'proposal-backup', 'proposal-rejected']).execute()
    const released = await app.db.selectFrom('proposals').select('id').where('decision_mailed_at', 'is not', null).execute()
    t.ok(released.length >= 3, `${released.length} released decisions (the conference's three and the brown-bag call's)`)
    t.equal(sent.length, released.length, 'one mail per released decision')
  })

  t.test('who met whom: connections from past meetups and last year’s conference, introductions, suggestions, QR codes', async (t) => {
    const byEvent = await app.db.selectFrom('connections').innerJoin('events', 'events.id', 'connections.event_id')
      .select(['events.kind', 'events.title']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy(['events.kind', 'events.title']).execute()
    t.ok(byEvent.some((r) => r.kind === 'meetup' && Number(r.n) >= 5), 'connections made at a past meetup')
    t.ok(byEvent.some((r) => r.kind === 'conference' && Number(r.n) >= 10), 'connections made at last year’s conference')
    for (const r of byEvent) t.not(r.kind, 'brown-bag', 'none from an online brown-bag')
    const member = await app.db.selectFrom('members').selectAll().where('email', '=', DEMO.member.email).executeTakeFirstOrThrow()
    const organizer = await app.db.selectFrom('members').selectAll().where('email', '=', DEMO.organizer.email).executeTakeFirstOrThrow()
    const m = new Client(app)
    await signInAs(m, member)
    // A pending introduction for the demo member, from the organizer, the other side has accepted.
    const intros = text((await m.get('/profile/introductions')).body)
    t.match(intros, 'Priya Patel')
    t.match(intros, DEMO.organizer.name)
    t.match(intros, /Accept/)
    // Suggestions that explain themselves.
    const directory = text((await m.get('/members')).body)
    t.match(directory, /People you haven.t met yet/)
    t.match(directory, /also going to Forensic DNA Analysts annual conference|can help with what you.re looking for/i)
    t.match(directory, /looking for what you can help with \(mixture and interpretation\)/i, 'and the other way round: Jordan can help with mixture interpretation')
    // The demo member's own page lists connections made at the meetup.
    const own = text((await m.get(`/members/${member.id}`)).body)
    t.match(own, /Connections/)
    // The organizer's QR code works for the demo member: a confirm page, and the POST connects nobody yet.
    const code = (await app.db.selectFrom('members').select('met_code').where('id', '=', organizer.id).executeTakeFirstOrThrow()).met_code
    t.ok(code, 'the organizer has a QR code')
    const confirm = await m.get(`/met/${code}`)
    t.equal(confirm.statusCode, 200)
    t.match(text(confirm.body), `I met ${DEMO.organizer.name}`)
  })

  t.test('running it again adds nothing and gives fresh links that work', async (t) => {
    const again = await seedDemo(app)
    t.same(await counts(app), before)
    t.not(again.organizer, links.organizer)
    const c = await follow(t, app, again.organizer)
    t.match(text((await c.get('/')).body), `Sign out (${DEMO.organizer.name})`)
    const token = await app.db.selectFrom('email_tokens').select('expires_at').orderBy('id', 'desc').executeTakeFirstOrThrow()
    t.ok(token.expires_at.getTime() > Date.now() + 23 * 3_600_000, 'demo links work for a day')
  })
})
