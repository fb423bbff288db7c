import type { Db, Event, Member } from '../../db/database.js'
import { isActiveMember } from '../memberships/memberships.repository.js'
import { bumpLinkVersion, currentLinkVersion, findRsvp } from './rsvps.repository.js'
import { answerInTransaction, rsvpProblem, type RsvpChoice, type RsvpOutcome } from './rsvps.service.js'
import { readRsvpToken, rsvpLinkPair, type RsvpLinkClaims, type RsvpLinkPurpose } from './rsvp-tokens.js'

/**
 * Answering through a signed "Going" / "Can't go" link (the token itself: rsvp-tokens.ts). A link works until
 * the event ends; `revokeRsvpLinks` revokes every link made before. It only ever records an RSVP: it never
 * signs anyone in.
 */
export type RsvpLinkProblem = 'invalid' | 'revoked' | 'expired' | 'not-member' | 'archived'

export function choiceOf (purpose: RsvpLinkPurpose): RsvpChoice {
  return purpose === 'rsvp-going' ? 'going' : 'declined'
}

/** Revokes every RSVP link of this member for this event made so far (organizer or member action). */
export async function revokeRsvpLinks (db: Db, eventId: number, memberId: number): Promise<void> {
  await bumpLinkVersion(db, eventId, memberId)
}

/** Both links ("Going", "Can't go") of a member for an event, at the current link version. */
export async function rsvpLinkUrls (db: Db, secret: string, publicUrl: string, eventId: number, memberId: number): Promise<{ going: string, declined: string }> {
  return rsvpLinkPair(secret, publicUrl, eventId, memberId, await currentLinkVersion(db, eventId, memberId))
}

export interface InspectedRsvpLink {
  problem: RsvpLinkProblem | null
  claims?: RsvpLinkClaims
  event?: Event
  member?: Pick<Member, 'id' | 'full_name'>
  communitySlug?: string
}

/** Checks a token against the database: signature, event and member exist, membership, version, event end. */
export async function inspectRsvpLink (db: Db, secret: string, token: string, now = new Date()): Promise<InspectedRsvpLink> {
  const claims = readRsvpToken(secret, token)
  if (!claims) return { problem: 'invalid' }
  const event = await db.selectFrom('events').selectAll().where('id', '=', claims.eventId).executeTakeFirst()
  const member = await db.selectFrom('members').select(['id', 'full_name']).where('id', '=', claims.memberId).executeTakeFirst()
  if (!event || !member) return { problem: 'invalid' }
  const community = await db.selectFrom('communities').select(['slug', 'archived_at']).where('id', '=', event.community_id).executeTakeFirstOrThrow()
  const found = { claims, event, member, communitySlug: community.slug }
  if (claims.version !== await currentLinkVersion(db, event.id, member.id)) return { problem: 'revoked', ...found }
  if (now >= event.ends_at) return { problem: 'expired', ...found }
  if (community.archived_at) return { problem: 'archived', ...found }
  if (!await isActiveMember(db, event.community_id, member.id)) return { problem: 'not-member', ...found }
  return { problem: null, ...found }
}

/** Why the event takes no answer from this link now (cancelled, not yet open, closed), or null. */
export function linkEventProblem (link: InspectedRsvpLink, now = new Date()): string | null {
  return link.event && link.claims ? rsvpProblem(link.event, now, choiceOf(link.claims.purpose)) : null
}

export type LinkAnswer =
  | { kind: 'link-problem', link: InspectedRsvpLink }
  | { kind: 'answered', link: InspectedRsvpLink, outcome: RsvpOutcome }

/**
 * Records the answer a link stands for through `answerInTransaction` (capacity and waitlist hold). Keeps the member's
 * earlier "listed" choice: a link carries none. Call inside a transaction.
 */
export async function answerFromLink (trx: Db, secret: string, token: string, now = new Date()): Promise<LinkAnswer> {
  const link = await inspectRsvpLink(trx, secret, token, now)
  if (link.problem || !link.claims) return { kind: 'link-problem', link }
  const { eventId, memberId } = link.claims
  const earlier = await findRsvp(trx, eventId, memberId)
  const outcome = await answerInTransaction(trx, { eventId, memberId, choice: choiceOf(link.claims.purpose), listed: earlier?.listed ?? true }, now)
  return { kind: 'answered', link, outcome }
}
