import { absoluteUrl, paths } from '../../lib/paths.js'
import { safeEqual, sign } from '../../lib/tokens.js'

/*
 * Signed "Going" / "Can't go" links for invites and reminders: the token and its URL, and nothing else (no
 * database, no services), so whoever writes mail can build links without reaching the code that answers through
 * them (rsvp-links.ts). A link is not stored: it is an HMAC-SHA256 of (purpose, event, member, link version)
 * under the site secret. The version is the member's for the event (`currentLinkVersion`, rsvps.repository.ts):
 * bumping it revokes every link made before.
 */
export type RsvpLinkPurpose = 'rsvp-going' | 'rsvp-declined'

export interface RsvpLinkClaims {
  eventId: number
  memberId: number
  purpose: RsvpLinkPurpose
  version: number
}

const PURPOSES: Record<string, RsvpLinkPurpose> = { going: 'rsvp-going', declined: 'rsvp-declined' }

/** Domain-separated, so no other signed value of the app (feeds, cookies) can pass for an RSVP link. */
function payload (c: RsvpLinkClaims): string {
  return `convene:rsvp-link:v1|${c.purpose}|${c.eventId}|${c.memberId}|${c.version}`
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

/** The URL of one signed link, for a mail. */
export function rsvpLinkUrl (secret: string, publicUrl: string, c: RsvpLinkClaims): string {
  return absoluteUrl(publicUrl, paths.rsvpLink(signRsvpToken(secret, c)))
}

/** Both tokens ("Going", "Can't go") of a member for an event at a link version: a mail's template makes the links. */
export function rsvpTokenPair (secret: string, eventId: number, memberId: number, version: number): { going: string, declined: string } {
  return {
    going: signRsvpToken(secret, { eventId, memberId, version, purpose: 'rsvp-going' }),
    declined: signRsvpToken(secret, { eventId, memberId, version, purpose: 'rsvp-declined' })
  }
}

/** Both links ("Going", "Can't go") of a member for an event at a link version. */
export function rsvpLinkPair (secret: string, publicUrl: string, eventId: number, memberId: number, version: number): { going: string, declined: string } {
  return {
    going: rsvpLinkUrl(secret, publicUrl, { eventId, memberId, version, purpose: 'rsvp-going' }),
    declined: rsvpLinkUrl(secret, publicUrl, { eventId, memberId, version, purpose: 'rsvp-declined' })
  }
}
