import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

/**
 * Every app process keeps the hot reads (who a session is, a viewer's standing in a community, the event page)
 * in memory. These triggers tell every process, on channel `convene_cache`, which of those reads a committed
 * change made stale, whoever made the change (a page, a job, a script, another process): the payload is a tag
 * such as `event:12`. PostgreSQL delivers a transaction's notifications when it commits, and drops duplicates
 * within a transaction, so a statement touching thousands of RSVPs of one event sends one `event:N`.
 */
const TRIGGERS: { table: string, tags: string }[] = [
  // A signed-out or expired session; the member it belongs to.
  { table: 'sessions', tags: `array['session:' || r.id_hash]` },
  // Their name and agency appear in "who's going" and "hosts" of any event page: `names` when either changes.
  {
    table: 'members',
    tags: `array['member:' || r.id] || case when tg_op = 'DELETE' or (tg_op = 'UPDATE' and (old.full_name, old.agency)
      is distinct from (new.full_name, new.agency)) then array['names'] else array[]::text[] end`
  },
  { table: 'memberships', tags: `array['standing:' || r.community_id || ':' || r.member_id]` },
  { table: 'coordinator_terms', tags: `array['standing:' || r.community_id || ':' || r.member_id]` },
  { table: 'communities', tags: `array['community:' || r.id]` },
  { table: 'events', tags: `array['event:' || r.id]` },
  { table: 'event_hosts', tags: `array['event:' || r.event_id]` },
  { table: 'rsvps', tags: `array['event:' || r.event_id, 'rsvp:' || r.event_id || ':' || r.member_id]` }
]

export async function up (db: Kysely<any>): Promise<void> {
  for (const { table, tags } of TRIGGERS) {
    // Old and new row both: an update may move a row (a session to another member, an RSVP to another event).
    const notify = (row: 'old' | 'new') => `foreach tag in array ${tags.replace(/\br\./g, row + '.')} loop
            perform pg_notify('convene_cache', tag);
          end loop;`
    await sql.raw(`
      create function convene_cache_${table}() returns trigger language plpgsql as $$
      declare
        tag text;
      begin
        if tg_op <> 'INSERT' then
          ${notify('old')}
        end if;
        if tg_op <> 'DELETE' then
          ${notify('new')}
        end if;
        return null;
      end $$`).execute(db)
    await sql.raw(`create trigger convene_cache after insert or update or delete on ${table}
      for each row execute function convene_cache_${table}()`).execute(db)
  }
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const { table } of TRIGGERS) {
    await sql.raw(`drop trigger convene_cache on ${table}`).execute(db)
    await sql.raw(`drop function convene_cache_${table}()`).execute(db)
  }
}
