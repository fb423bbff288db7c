import type { Db } from '../../db/database.js'

export interface NewAuditEntry {
  actorId: number
  action: string
  communityId: number | null
  target?: string
  reason?: string | null
}

/** Writes one entry; the actor's name is copied from their row, so the entry still reads if they are gone. */
export async function insertAuditEntry (db: Db, entry: NewAuditEntry): Promise<void> {
  await db.insertInto('audit_entries')
    .columns(['actor_id', 'actor_name', 'action', 'community_id', 'target', 'reason'])
    .expression((eb) => eb.selectFrom('members')
      .select([
        'members.id',
        'members.full_name',
        eb.val(entry.action).as('action'),
        eb.val(entry.communityId).as('community_id'),
        eb.val(entry.target ?? '').as('target'),
        eb.val(entry.reason ?? null).as('reason')
      ])
      .where('members.id', '=', entry.actorId))
    .execute()
}

/** Entries newest first, of one community or (null) of the whole site, with the community's name. */
export async function listAuditEntries (db: Db, communityId: number | null, limit: number, offset: number) {
  let q = db.selectFrom('audit_entries')
    .leftJoin('communities', 'communities.id', 'audit_entries.community_id')
    .select(['audit_entries.id', 'audit_entries.at', 'audit_entries.actor_id', 'audit_entries.actor_name', 'audit_entries.action',
      'audit_entries.target', 'audit_entries.reason', 'communities.name as community_name', 'communities.slug as community_slug'])
  if (communityId !== null) q = q.where('audit_entries.community_id', '=', communityId)
  return q.orderBy('audit_entries.at', 'desc').orderBy('audit_entries.id', 'desc').limit(limit).offset(offset).execute()
}

export async function countAuditEntries (db: Db, communityId: number | null): Promise<number> {
  let q = db.selectFrom('audit_entries').select((eb) => eb.fn.countAll<string>().as('n'))
  if (communityId !== null) q = q.where('community_id', '=', communityId)
  const row = await q.executeTakeFirstOrThrow()
  return Number(row.n)
}
