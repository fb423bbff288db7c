import { sql } from 'kysely'
import type { Db } from '../../db/database.js'

/**
 * The talks a member gave (the member page's "Talks given"): proposals they submitted or co-speak on (accepted),
 * accepted and released, not withdrawn nor declined by the speaker, on an event that has started — the call's
 * own event, or the series meeting the talk was placed on (`events.proposal_id`). With `viewerId`, only events of
 * communities the viewer belongs to. Newest first.
 */
export async function talksGiven (db: Db, memberId: number, viewerId: number | null, now = new Date(), limit = 20) {
  let q = db.selectFrom('proposals as p')
    .innerJoin('calls as k', 'k.id', 'p.call_id')
    .innerJoin('events as e', (j) => j.on(sql<boolean>`(e.id = k.event_id or e.proposal_id = p.id)`))
    .innerJoin('communities as c', 'c.id', 'e.community_id')
    .select(['p.id', 'p.title', 'e.id as event_id', 'e.title as event_title', 'e.starts_at', 'e.time_zone', 'c.slug', 'c.name as community'])
    .where('p.decision', '=', 'accepted').where('k.decisions_released_at', 'is not', null).where('p.state', '=', 'submitted')
    .where((eb) => eb.or([eb('p.confirmation', 'is', null), eb('p.confirmation', '<>', 'declined')]))
    .where('e.status', '=', 'published').where('e.starts_at', '<=', now)
    .where((eb) => eb.or([
      eb('p.submitter_id', '=', memberId),
      eb.exists(eb.selectFrom('proposal_speakers as s').select('s.id')
        .whereRef('s.proposal_id', '=', 'p.id').where('s.member_id', '=', memberId).where('s.state', '=', 'accepted'))
    ]))
  if (viewerId !== null) {
    q = q.where((eb) => eb.exists(eb.selectFrom('memberships as v').select('v.id')
      .whereRef('v.community_id', '=', 'e.community_id').where('v.member_id', '=', viewerId).where('v.suspended_at', 'is', null)))
  }
  return q.orderBy('e.starts_at', 'desc').orderBy('p.id', 'desc').limit(limit).execute()
}
