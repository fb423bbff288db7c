import type { Db } from '../../db/database.js'

export type FeedScope =
  | { kind: 'mine' }
  | { kind: 'all' }
  | { kind: 'community', communityId: number }

/**
 * The rows of a member's feed in ONE query (no per-event queries, so a feed of hundreds of events stays fast):
 * non-draft events that ended after `since`, of communities the member still belongs to, with the community and
 * the member's own RSVP. 'mine': only events they are going to, may attend or are waitlisted for; 'all': every
 * event of their communities; 'community': one of them.
 */
export async function feedRows (db: Db, memberId: number, scope: FeedScope, since: Date, limit = 3000) {
  let q = db.selectFrom('events')
    .innerJoin('communities', 'communities.id', 'events.community_id')
    .innerJoin('memberships', (j) => j.onRef('memberships.community_id', '=', 'events.community_id').on('memberships.member_id', '=', memberId)
      .on('memberships.suspended_at', 'is', null))
    .leftJoin('rsvps', (j) => j.onRef('rsvps.event_id', '=', 'events.id').on('rsvps.member_id', '=', memberId))
    .select([
      'events.id', 'events.title', 'events.summary', 'events.why_it_matters', 'events.starts_at', 'events.ends_at', 'events.time_zone',
      'events.venue_name', 'events.venue_room', 'events.venue_address', 'events.online_url', 'events.live_transcript_url',
      'events.recording_url', 'events.status', 'events.sequence', 'events.updated_at',
      'communities.slug as community_slug', 'communities.name as community_name', 'rsvps.status as rsvp_status'
    ])
    .where('events.status', '!=', 'draft')
    .where('events.ends_at', '>=', since)
  if (scope.kind === 'mine') q = q.where('rsvps.status', 'in', ['going', 'maybe', 'waitlisted'])
  if (scope.kind === 'community') q = q.where('events.community_id', '=', scope.communityId)
  return q.orderBy('events.starts_at').orderBy('events.id').limit(limit).execute()
}

export type FeedRow = Awaited<ReturnType<typeof feedRows>>[number]

export async function findFeedMember (db: Db, memberId: number) {
  return db.selectFrom('members').select(['id', 'full_name', 'feed_version']).where('id', '=', memberId).executeTakeFirst()
}

/** Revokes every feed URL of the member made so far. */
export async function bumpFeedVersion (db: Db, memberId: number): Promise<void> {
  await db.updateTable('members').set((eb) => ({ feed_version: eb('feed_version', '+', 1) })).where('id', '=', memberId).execute()
}

/** The communities the member belongs to (for their community feeds), by name. */
export async function memberCommunities (db: Db, memberId: number) {
  return db.selectFrom('memberships').innerJoin('communities', 'communities.id', 'memberships.community_id')
    .select(['communities.id', 'communities.slug', 'communities.name'])
    .where('memberships.member_id', '=', memberId).orderBy('communities.name').execute()
}
