import { sql } from 'kysely'
import type { Community, Db } from '../../db/database.js'

export async function findCommunityBySlug (db: Db, slug: string): Promise<Community | undefined> {
  return db.selectFrom('communities').selectAll().where('slug', '=', slug).executeTakeFirst()
}

/** Whether the member belongs to the community, and whether they hold an organizer term today. */
export async function viewerStanding (db: Db, communityId: number, memberId: number): Promise<{ isMember: boolean, isOrganizer: boolean }> {
  const row = await db.selectNoFrom((eb) => [
    eb.exists(eb.selectFrom('memberships').select('id')
      .where('community_id', '=', communityId).where('member_id', '=', memberId)).as('is_member'),
    eb.exists(eb.selectFrom('coordinator_terms').select('id')
      .where('community_id', '=', communityId).where('member_id', '=', memberId)
      .where('starts_on', '<=', sql<string>`current_date`)
      .where((w) => w.or([w('ends_on', 'is', null), w('ends_on', '>=', sql<string>`current_date`)]))).as('is_organizer')
  ]).executeTakeFirstOrThrow()
  return { isMember: Boolean(row.is_member), isOrganizer: Boolean(row.is_organizer) }
}
