import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

/**
 * The read-cache notices (migration cache_notify) become one notice per STATEMENT instead of one per row.
 *
 * Why: a row-level trigger calling pg_notify once per row made a statement inserting 200,000 RSVPs overflow the
 * JavaScript stack inside the embedded database (PGlite delivers each notice synchronously, one call deep per
 * notice), and on a server it queued 200,000 notices for every listening process. Now each statement's
 * triggers read the rows it changed from transition tables (REFERENCING OLD/NEW TABLE) and send the distinct
 * tags in ONE notice on `convene_cache`, separated by spaces (`event:12 rsvp:12:7`).
 *
 * Past COARSE_AFTER distinct tags, or when the payload would not fit the 8000-byte limit of a notice, the
 * statement sends one coarse tag per kind instead (`event:* rsvp:*`): the listeners drop every entry carrying a
 * tag of that kind. TRUNCATE sends the coarse tags of the table.
 *
 * PostgreSQL allows transition tables only on triggers for a single event without a column list, so each
 * table gets one trigger per event (INSERT, UPDATE, DELETE), each with its own function.
 */
const COARSE_AFTER = 100
/** pg_notify refuses payloads of 8000 bytes or more; stay clear of it. */
const MAX_PAYLOAD = 7900

interface Spec {
  table: string
  /** The tags of one changed row `r` (an array expression). */
  tags: string
  /** The kinds of tag this table sends (for TRUNCATE). */
  kinds: string[]
  /** Extra tags of an UPDATE, given transition tables `o` (old rows) and `n` (new rows); extra tags of a DELETE. */
  onUpdate?: string
  onDelete?: string
}

const SPECS: Spec[] = [
  // A signed-out or expired session; the member it belongs to.
  { table: 'sessions', tags: `array['session:' || r.id_hash]`, kinds: ['session'] },
  // Their name and agency appear in "who's going" and "hosts" of any event page: `names` when either changes.
  {
    table: 'members',
    tags: `array['member:' || r.id]`,
    kinds: ['member', 'names'],
    onUpdate: `case when exists (select o.id, o.full_name, o.agency from old_rows o
                                 except select n.id, n.full_name, n.agency from new_rows n)
               then array['names'] else array[]::text[] end`,
    onDelete: `array['names']`
  },
  { table: 'memberships', tags: `array['standing:' || r.community_id || ':' || r.member_id]`, kinds: ['standing'] },
  { table: 'coordinator_terms', tags: `array['standing:' || r.community_id || ':' || r.member_id]`, kinds: ['standing'] },
  { table: 'communities', tags: `array['community:' || r.id]`, kinds: ['community'] },
  { table: 'events', tags: `array['event:' || r.id]`, kinds: ['event'] },
  { table: 'event_hosts', tags: `array['event:' || r.event_id]`, kinds: ['event'] },
  { table: 'rsvps', tags: `array['event:' || r.event_id, 'rsvp:' || r.event_id || ':' || r.member_id]`, kinds: ['event', 'rsvp'] }
]

const OPS = ['insert', 'update', 'delete'] as const

export async function up (db: Kysely<any>): Promise<void> {
  // One notice of the distinct tags, or the coarse tags of their kinds when there are too many.
  await sql.raw(`
    create function convene_cache_send(tags text[]) returns void language plpgsql as $$
    declare
      payload text;
    begin
      if tags is null or cardinality(tags) = 0 then
        return;
      end if;
      if cardinality(tags) <= ${COARSE_AFTER} then
        payload := array_to_string(tags, ' ');
        if octet_length(payload) <= ${MAX_PAYLOAD} then
          perform pg_notify('convene_cache', payload);
          return;
        end if;
      end if;
      perform pg_notify('convene_cache', array_to_string(array(
        select distinct split_part(t, ':', 1) || ':*' from unnest(tags) t order by 1), ' '));
    end $$`).execute(db)

  for (const spec of SPECS) {
    await sql.raw(`drop trigger convene_cache on ${spec.table}`).execute(db)
    await sql.raw(`drop function convene_cache_${spec.table}()`).execute(db)
    for (const op of OPS) {
      const rows = op === 'insert' ? 'new_rows' : op === 'delete' ? 'old_rows' : '(select * from old_rows union all select * from new_rows)'
      const extra = op === 'update' ? spec.onUpdate : op === 'delete' ? spec.onDelete : undefined
      // Sorted and distinct: the same change sends the same payload (PostgreSQL folds identical notices of a transaction).
      await sql.raw(`
        create function convene_cache_${spec.table}_${op}() returns trigger language plpgsql as $$
        begin
          perform convene_cache_send(array(
            select distinct t from (
              select unnest(${spec.tags}) as t from ${rows} r
              ${extra ? `union all select unnest(${extra}) where exists (select from ${rows} x)` : ''}
            ) s order by 1));
          return null;
        end $$`).execute(db)
      const referencing = op === 'insert' ? 'new table as new_rows' : op === 'delete' ? 'old table as old_rows' : 'old table as old_rows new table as new_rows'
      await sql.raw(`create trigger convene_cache_${op} after ${op} on ${spec.table}
        referencing ${referencing} for each statement execute function convene_cache_${spec.table}_${op}()`).execute(db)
    }
    await sql.raw(`
      create function convene_cache_${spec.table}_truncate() returns trigger language plpgsql as $$
      begin
        perform pg_notify('convene_cache', '${spec.kinds.map((k) => k + ':*').join(' ')}');
        return null;
      end $$`).execute(db)
    await sql.raw(`create trigger convene_cache_truncate after truncate on ${spec.table}
      for each statement execute function convene_cache_${spec.table}_truncate()`).execute(db)
  }
}

/** Back to one notice per row, as migration cache_notify left it. */
export async function down (db: Kysely<any>): Promise<void> {
  for (const spec of SPECS) {
    for (const op of [...OPS, 'truncate']) {
      await sql.raw(`drop trigger convene_cache_${op} on ${spec.table}`).execute(db)
      await sql.raw(`drop function convene_cache_${spec.table}_${op}()`).execute(db)
    }
    const tagsOf = (row: 'old' | 'new') => spec.tags.replace(/\br\./g, row + '.') +
      (spec.table === 'members'
        ? ` || case when tg_op = 'DELETE' or (tg_op = 'UPDATE' and (old.full_name, old.agency)
            is distinct from (new.full_name, new.agency)) then array['names'] else array[]::text[] end`
        : '')
    await sql.raw(`
      create function convene_cache_${spec.table}() returns trigger language plpgsql as $$
      declare
        tag text;
      begin
        if tg_op <> 'INSERT' then
          foreach tag in array ${tagsOf('old')} loop perform pg_notify('convene_cache', tag); end loop;
        end if;
        if tg_op <> 'DELETE' then
          foreach tag in array ${tagsOf('new')} loop perform pg_notify('convene_cache', tag); end loop;
        end if;
        return null;
      end $$`).execute(db)
    await sql.raw(`create trigger convene_cache after insert or update or delete on ${spec.table}
      for each row execute function convene_cache_${spec.table}()`).execute(db)
  }
  await sql.raw('drop function convene_cache_send(text[])').execute(db)
}
