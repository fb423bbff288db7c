import t from 'tap'
import { sql } from 'kysely'
import { createTestDatabase } from '../../fixtures/database.js'
import { addMembership, createCommunity, createMember } from '../../fixtures/factories.js'
import { listenToCache } from '../../fixtures/notices.js'
import { TAG_KINDS, tags, type TagKind } from '../../../src/infra/cache/tags.js'
import { tagKind } from '../../../src/infra/cache/tagged-cache.js'

/*
 * Every kind of tag the app's cached reads carry (src/infra/cache/tags.ts) must be sent by a trigger when the
 * rows behind it change; otherwise a page would stay stale until its entry's time runs out. Checked twice: by
 * changing each table and hearing the tag, and by reading the trigger functions from the database.
 */

t.test('every tag kind is sent by a trigger', async (t) => {
  const database = await createTestDatabase()
  t.teardown(() => database.drop())
  const db = database.connection.db
  const notices = await listenToCache(database)
  t.teardown(notices.stop)
  const tagsSentBy = async (what: () => Promise<unknown>) => (await notices.sentBy(what)).flatMap((p) => p.split(' '))

  const ada = await createMember(db, { full_name: 'Ada Analyst', email: 'ada@lab.gov' })
  const ben = await createMember(db, { full_name: 'Ben Brown', email: 'ben@lab.gov' })
  const community = await createCommunity(db, { slug: 'dna', members: [ada] })
  const event = await db.insertInto('events').values({
    community_id: community.id, kind: 'meetup', title: 'Validation', summary: 'S', why_it_matters: 'W', starts_at: new Date(), ends_at: new Date(Date.now() + 3_600_000),
    time_zone: 'America/New_York', status: 'published', created_by: ada.id
  }).returning('id').executeTakeFirstOrThrow()

  // For each kind, changes of each table that should send it, and the tag they should send.
  const cases: Record<TagKind, Array<{ table: string, change: () => Promise<unknown>, tag: string }>> = {
    session: [{
      table: 'sessions',
      change: () => db.insertInto('sessions').values({ id_hash: 'h'.repeat(64), member_id: ada.id, expires_at: new Date(Date.now() + 3_600_000) }).execute(),
      tag: tags.session('h'.repeat(64))
    }],
    member: [{ table: 'members', change: () => db.updateTable('members').set({ region: 'West' }).where('id', '=', ada.id).execute(), tag: tags.member(ada.id) }],
    names: [
      { table: 'members', change: () => db.updateTable('members').set({ agency: 'City Lab' }).where('id', '=', ada.id).execute(), tag: tags.names() },
      { table: 'members', change: () => db.deleteFrom('members').where('id', '=', ben.id).execute(), tag: tags.names() }
    ],
    standing: [
      { table: 'memberships', change: () => db.deleteFrom('memberships').where('member_id', '=', ada.id).execute(), tag: tags.standing(community.id, ada.id) },
      {
        table: 'coordinator_terms',
        change: () => db.insertInto('coordinator_terms').values({ community_id: community.id, member_id: ada.id, starts_on: '2020-01-01' }).execute(),
        tag: tags.standing(community.id, ada.id)
      }
    ],
    community: [{ table: 'communities', change: () => db.updateTable('communities').set({ name: 'DNA' }).where('id', '=', community.id).execute(), tag: tags.community(community.id) }],
    event: [
      { table: 'events', change: () => db.updateTable('events').set({ title: 'Clinic' }).where('id', '=', event.id).execute(), tag: tags.event(event.id) },
      { table: 'event_hosts', change: () => db.insertInto('event_hosts').values({ event_id: event.id, member_id: ada.id }).execute(), tag: tags.event(event.id) },
      // Event pages link to the call on their event or series: any change of a call drops them all (coarse).
      {
        table: 'calls',
        change: () => db.insertInto('calls').values({
          community_id: community.id, event_id: event.id, series_id: null, title: 'Talks', opens_at: new Date(), closes_at: new Date(Date.now() + 86_400_000),
          time_zone: 'UTC', formats: '[]', template_ids: [], rubric: '[]', decision_mails: '{}', decisions_released_at: null, created_by: null
        }).execute(),
        tag: 'event:*'
      },
      // The event page links to the agenda once a session is published.
      {
        table: 'agenda_sessions',
        change: () => db.insertInto('agenda_sessions').values({
          event_id: event.id, title: 'Opening', starts_at: new Date(), ends_at: new Date(Date.now() + 1_800_000), published: true
        }).execute(),
        tag: tags.event(event.id)
      }
    ],
    rsvp: [{
      table: 'rsvps',
      change: async () => {
        await addMembership(db, community.id, ada.id)
        await db.insertInto('rsvps').values({ event_id: event.id, member_id: ada.id, status: 'going' }).execute()
      },
      tag: tags.rsvp(event.id, ada.id)
    }]
  }
  for (const kind of TAG_KINDS) {
    for (const c of cases[kind]) t.ok((await tagsSentBy(c.change)).includes(c.tag), `${kind}: a change of ${c.table} sends ${c.tag}`)
  }

  // The triggers themselves: one per statement and event on each table, none per row; and the kinds of tag their
  // functions build are exactly the app's.
  const triggers = await sql<{ table: string, name: string, row_level: boolean, source: string }>`
    select c.relname as table, tg.tgname as name, (tg.tgtype & 1) = 1 as row_level, p.prosrc as source
    from pg_trigger tg join pg_class c on c.oid = tg.tgrelid join pg_proc p on p.oid = tg.tgfoid
    where not tg.tgisinternal and p.prosrc like '%convene_cache%'`.execute(db)
  t.same(triggers.rows.filter((r) => r.row_level).map((r) => r.name), [], 'no row-level cache trigger is left')
  const tables = new Set(Object.values(cases).flat().map((c) => c.table))
  for (const table of tables) {
    t.same(triggers.rows.filter((r) => r.table === table).map((r) => r.name).sort(),
      ['convene_cache_delete', 'convene_cache_insert', 'convene_cache_truncate', 'convene_cache_update'], `${table}: a trigger per statement and event`)
  }
  t.same([...new Set(triggers.rows.map((r) => r.table))].sort(), [...tables].sort(), 'no table sends tags the tests do not know')
  const built = new Set(triggers.rows.flatMap((r) => [...r.source.matchAll(/'([a-z_]+)(?::|')/g)].map((m) => m[1])))
  built.delete('convene_cache')
  t.same([...built].sort(), [...TAG_KINDS].sort(), 'the trigger functions build the kinds of tag the app reads with')
  t.same(TAG_KINDS.map((k) => tagKind(cases[k][0].tag)), TAG_KINDS, 'each builder makes a tag of its own kind')
})
