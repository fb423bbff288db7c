import { sql } from 'kysely'
import type { Db } from '../../db/database.js'

export async function getSetting (db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('site_settings').select('value').where('key', '=', key).executeTakeFirst()
  return row?.value
}

/** Stores the value unless the key exists; returns the value that is stored now (so concurrent starts agree). */
export async function putSettingOnce (db: Db, key: string, value: string): Promise<string> {
  await db.insertInto('site_settings').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute()
  return (await getSetting(db, key))!
}

export async function deleteSetting (db: Db, key: string): Promise<void> {
  await db.deleteFrom('site_settings').where('key', '=', key).execute()
}

export async function adminExists (db: Db): Promise<boolean> {
  const row = await db.selectFrom('members').select('id').where('is_admin', '=', true).limit(1).executeTakeFirst()
  return row !== undefined
}

/** Claims the setup code: deletes it if it is this code. Only one of several concurrent setups gets true. */
export async function claimSetting (db: Db, key: string, value: string): Promise<boolean> {
  const r = await db.deleteFrom('site_settings').where('key', '=', key).where('value', '=', value).executeTakeFirst()
  return Number(r.numDeletedRows) === 1
}

export async function listAdmins (db: Db) {
  return db.selectFrom('members').select(['id', 'full_name', 'agency', 'email'])
    .where('is_admin', '=', true).orderBy('full_name').orderBy('id').execute()
}

/** Locks the site admins' rows (so that two removals cannot leave none) and returns their ids. */
export async function lockAdminIds (db: Db): Promise<number[]> {
  const rows = await db.selectFrom('members').select('id').where('is_admin', '=', true).orderBy('id').forUpdate().execute()
  return rows.map((r) => r.id)
}

export async function setAdmin (db: Db, memberId: number, isAdmin: boolean): Promise<void> {
  await db.updateTable('members').set({ is_admin: isAdmin, updated_at: new Date() }).where('id', '=', memberId).execute()
}

/** Every community with its member count and current organizers' count, by name. */
export async function listCommunitiesWithCounts (db: Db) {
  return db.selectFrom('communities as c')
    .select(['c.id', 'c.slug', 'c.name', 'c.created_at', 'c.archived_at'])
    .select((eb) => [
      eb.selectFrom('memberships as m').whereRef('m.community_id', '=', 'c.id')
        .select((e) => e.fn.countAll<number>().as('n')).as('member_count'),
      eb.selectFrom('join_requests as j').whereRef('j.community_id', '=', 'c.id').where('j.status', '=', 'pending')
        .select((e) => e.fn.countAll<number>().as('n')).as('pending_count')
    ])
    .orderBy('c.name')
    .execute()
}

/**
 * Deletes what has expired: sessions, link tokens a week after they expired (so "this link was already used"
 * and "expired" can still be told apart for a while), and rate-limit counters. Returns the rows deleted.
 */
export async function deleteExpired (db: Db, now = new Date()): Promise<number> {
  const weekAgo = new Date(now.getTime() - 7 * 86_400_000)
  const counts = await Promise.all([
    db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst(),
    db.deleteFrom('email_tokens').where('expires_at', '<', weekAgo).executeTakeFirst(),
    db.deleteFrom('rate_limits').where('reset_at', '<', now).executeTakeFirst()
  ])
  return counts.reduce((n, r) => n + Number(r.numDeletedRows), 0)
}

/** Members whose name, agency or address matches every word of `q`, with the communities they belong to (at most 50). */
export async function searchAllMembers (db: Db, q: string) {
  let query = db.selectFrom('members')
    .select(['members.id', 'members.full_name', 'members.agency', 'members.email', 'members.is_admin', 'members.deactivated_at'])
    .select((eb) => sql<string | null>`(select string_agg(c.name, ', ' order by c.name) from memberships m join communities c on c.id = m.community_id where m.member_id = ${eb.ref('members.id')})`.as('communities'))
  for (const word of q.split(/\s+/).filter(Boolean).slice(0, 5)) {
    const pattern = `%${word.replace(/[\\%_]/g, (c) => '\\' + c)}%`
    query = query.where((eb) => eb.or([eb('members.full_name', 'ilike', pattern), eb('members.agency', 'ilike', pattern), eb('members.email', 'ilike', pattern)]))
  }
  return query.orderBy(sql`lower(members.full_name)`).orderBy('members.id').limit(50).execute()
}

/** One member with the communities they belong to (and their standing in each). */
export async function memberWithCommunities (db: Db, memberId: number) {
  const member = await db.selectFrom('members').select(['id', 'full_name', 'agency', 'email', 'is_admin', 'deactivated_at', 'created_at'])
    .where('id', '=', memberId).executeTakeFirst()
  if (!member) return undefined
  const communities = await db.selectFrom('memberships').innerJoin('communities', 'communities.id', 'memberships.community_id')
    .select(['communities.name', 'communities.slug', 'memberships.joined_at', 'memberships.suspended_at'])
    .where('memberships.member_id', '=', memberId).orderBy('communities.name').execute()
  return { member, communities }
}

/** Deactivates (or with null reactivates) an account; deactivating ends its sessions and unused links. */
export async function setDeactivated (db: Db, memberId: number, at: Date | null): Promise<void> {
  await db.updateTable('members').set({ deactivated_at: at }).where('id', '=', memberId).execute()
  if (at) {
    await db.deleteFrom('sessions').where('member_id', '=', memberId).execute()
    await db.updateTable('email_tokens').set({ used_at: at }).where('member_id', '=', memberId).where('used_at', 'is', null).execute()
  }
}

/** Archives a community (it stays readable); true when it was not archived before. */
export async function restoreCommunityRow (db: Db, communityId: number): Promise<{ name: string } | undefined> {
  return db.updateTable('communities').set({ archived_at: null }).where('id', '=', communityId).where('archived_at', 'is not', null)
    .returning('name').executeTakeFirst()
}

export async function archiveCommunityRow (db: Db, communityId: number, at: Date): Promise<{ name: string } | undefined> {
  return db.updateTable('communities').set({ archived_at: at }).where('id', '=', communityId).where('archived_at', 'is', null)
    .returning('name').executeTakeFirst()
}
