import { sql } from 'kysely'
import type { Db, Event, Member } from '../../db/database.js'
import { safeEqual, sign } from '../../lib/tokens.js'
import { isCommunityMember } from '../memberships/memberships.repository.js'
import { findRsvp } from './rsvps.repository.js'
import { respond, rsvpProblem, type RsvpChoice, type RsvpOutcome } from './rsvps.service.js'

/**
 * Signed "Going" / "Can't go" links for invites and reminders. A link is not stored: it is an HMAC-SHA256 of
 * (purpose, event, member, link version) under the site secret. It works until the event ends; bumping the
 * member's link version for the event (`revokeRsvpLinks`) revokes every link made before. It only ever records
 * an RSVP: it never signs anyone in.
 */
export type RsvpLinkPurpose = 'rsvp-going' | 'rsvp-declined'

export interface RsvpLinkClaims {
  eventId: number
  memberId: number
  purpose: RsvpLinkPurpose
  version: number
}

export type RsvpLinkProblem = 'invalid' | 'revoked' | 'expired' | 'not-member'

const PURPOSES: Record<string, RsvpLinkPurpose> = { going: 'rsvp-going', declined: 'rsvp-declined' }

/** Domain-separated, so no other signed value of the app (feeds, cookies) can pass for an RSVP link. */
function payload (c: RsvpLinkClaims): string {
  return `convene:rsvp-link:v1|${c.purpose}|${c.eventId}|${c.memberId}|${c.version}`
}

export function choiceOf (purpose: RsvpLinkPurpose): RsvpChoice {
  return purpose === 'rsvp-going' ? 'going' : 'declined'
}

/** The token: readable claims, then the signature ("12.34.going.0.<hmac>"). */
export function signRsvpToken (secret: string, c: RsvpLinkClaims): string {
  const short = c.purpose === 'rsvp-going' ? 'going' : 'declined'
  return `${c.eventId}.${c.memberId}.${short}.${c.version}.${sign(secret, payload(c))}`
}

/** The claims of a token whose signature holds; null for anything tampered, truncated or foreign. */
export function readRsvpToken (secret: string, token: string): RsvpLinkClaims | null {
  const m = /^(\d{1,10})\.(\d{1,10})\.(going|declined)\.(\d{1,9})\.([A-Za-z0-9_-]{43})$/.exec(token)
  if (!m) return null
  const claims: RsvpLinkClaims = { eventId: Number(m[1]), memberId: Number(m[2]), purpose: PURPOSES[m[3]], version: Number(m[4]) }
  return safeEqual(m[5], sign(secret, payload(claims))) ? claims : null
}

export async function currentLinkVersion (db: Db, eventId: number, memberId: number): Promise<number> {
  const row = await db.selectFrom('rsvp_link_versions').select('version')
    .where('event_id', '=', eventId).where('member_id', '=', memberId).executeTakeFirst()
  return row?.version ?? 0
}

/** Revokes every RSVP link of this member for this event made so far (organizer or member action). */
export async function revokeRsvpLinks (db: Db, eventId: number, memberId: number): Promise<void> {
  await db.insertInto('rsvp_link_versions').values({ event_id: eventId, member_id: memberId, version: 1 })
    .onConflict((oc) => oc.columns(['event_id', 'member_id']).doUpdateSet({
      version: sql<number>`rsvp_link_versions.version + 1`,
      updated_at: sql<Date>`now()`
    })).execute()
}

/** The URL of one signed link, for a mail. `version` comes from `currentLinkVersion` (or use `rsvpLinkUrls`). */
export function rsvpLinkUrl (secret: string, publicUrl: string, c: RsvpLinkClaims): string {
  return `${publicUrl}/rsvp/${signRsvpToken(secret, c)}`
}

/** Both links ("Going", "Can't go") of a member for an event, at the current link version. */
export async function rsvpLinkUrls (db: Db, secret: string, publicUrl: string, eventId: number, memberId: number): Promise<{ going: string, declined: string }> {
  const version = await currentLinkVersion(db, eventId, memberId)
  return {
    going: rsvpLinkUrl(secret, publicUrl, { eventId, memberId, version, purpose: 'rsvp-going' }),
    declined: rsvpLinkUrl(secret, publicUrl, { eventId, memberId, version, purpose: 'rsvp-declined' })
  }
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
  const community = await db.selectFrom('communities').select('slug').where('id', '=', event.community_id).executeTakeFirstOrThrow()
  const found = { claims, event, member, communitySlug: community.slug }
  if (claims.version !== await currentLinkVersion(db, event.id, member.id)) return { problem: 'revoked', ...found }
  if (now >= event.ends_at) return { problem: 'expired', ...found }
  if (!await isCommunityMember(db, event.community_id, member.id)) return { problem: 'not-member', ...found }
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
 * Records the answer a link stands for through `respond` (capacity and waitlist hold). Keeps the member's
 * earlier "listed" choice: a link carries none. Call inside a transaction.
 */
export async function answerFromLink (trx: Db, secret: string, token: string, publicUrl: string, now = new Date()): Promise<LinkAnswer> {
  const link = await inspectRsvpLink(trx, secret, token, now)
  if (link.problem || !link.claims) return { kind: 'link-problem', link }
  const { eventId, memberId } = link.claims
  const earlier = await findRsvp(trx, eventId, memberId)
  const outcome = await respond(trx, { eventId, memberId, choice: choiceOf(link.claims.purpose), listed: earlier?.listed ?? true }, publicUrl, now)
  return { kind: 'answered', link, outcome }
}

/** The event page's path (`/c/slug/events/id`), or null: for the page after a link's answer. */
export async function eventPath (db: Db, eventId: number): Promise<string | null> {
  const row = await db.selectFrom('events').innerJoin('communities', 'communities.id', 'events.community_id')
    .select(['communities.slug', 'events.id']).where('events.id', '=', eventId).executeTakeFirst()
  return row ? `/c/${row.slug}/events/${row.id}` : null
}
