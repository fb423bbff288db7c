import type { Db } from '../../db/database.js'

/** Communities for the home page: the viewer's own first, then the others (their public landing pages). */
export async function listCommunitiesFor (db: Db, memberId: number | null) {
  const rows = await db.selectFrom('communities')
    .select(['communities.id', 'slug', 'name', 'about'])
    .select((eb) => [
      memberId === null
        ? eb.val(false).as('is_member')
        : eb.exists(eb.selectFrom('memberships').select('memberships.id')
          .whereRef('memberships.community_id', '=', 'communities.id').where('memberships.member_id', '=', memberId)).as('is_member')
    ])
    .orderBy('name')
    .execute()
  return {
    mine: rows.filter((r) => r.is_member),
    others: rows.filter((r) => !r.is_member)
  }
}
