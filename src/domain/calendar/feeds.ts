import crypto from 'node:crypto'
import type { Db, RsvpStatus } from '../../db/database.js'
import { absoluteUrl, paths } from '../../lib/paths.js'
import type { MailSite } from '../mail/mailer.js'
import { safeEqual, sign } from '../../lib/tokens.js'
import { findCommunityBySlug } from '../communities/communities.repository.js'
import { isCommunityMember } from '../memberships/memberships.repository.js'
import { bumpFeedVersion, feedRows, findFeedMember, memberCommunities, type FeedRow, type FeedScope } from './calendar.repository.js'
import { buildCalendar, toCalendarEntry } from './ics.js'

/*
 * Calendar feeds at secret URLs that calendar apps poll without a session:
 *   /feeds/<token>.ics              the member's events (going, maybe, waitlisted)
 *   /feeds/<token>/all.ics          every event of all their communities
 *   /feeds/<token>/c/<slug>.ics     every event of one community, while they are a member
 * The token is not stored: "<member id>-<HMAC(secret, member id, feed_version)>". Regenerating bumps
 * members.feed_version, so every earlier URL answers 404.
 */

/** Events that ended within this window stay in feeds (so last month's meeting is still in the calendar). */
export const FEED_PAST_DAYS = 92

const TOKEN_RE = /^(\d{1,10})-([A-Za-z0-9_-]{43})$/

/** Domain-separated, so no other signed value of the app (RSVP links, cookies) can pass for a feed token. */
function payload (memberId: number, version: number): string {
  return `convene:calendar-feed:v1|${memberId}|${version}`
}

export function feedToken (secret: string, memberId: number, version: number): string {
  return `${memberId}-${sign(secret, payload(memberId, version))}`
}

export interface FeedLink { https: string, webcal: string }
export interface FeedLinks {
  mine: FeedLink
  all: FeedLink
  communities: { name: string, slug: string, link: FeedLink }[]
}

function link (publicUrl: string, path: string): FeedLink {
  const https = absoluteUrl(publicUrl, path)
  return { https, webcal: https.replace(/^https?:\/\//, 'webcal://') }
}

/** The member's feed URLs (https and webcal://) for the profile page. */
export async function feedLinks (db: Db, site: Pick<MailSite, 'publicUrl' | 'secret'>, member: { id: number, feed_version: number }): Promise<FeedLinks> {
  const token = feedToken(site.secret, member.id, member.feed_version)
  const communities = await memberCommunities(db, member.id)
  return {
    mine: link(site.publicUrl, paths.feedMine(token)),
    all: link(site.publicUrl, paths.feedAll(token)),
    communities: communities.map((c) => ({ name: c.name, slug: c.slug, link: link(site.publicUrl, paths.feedCommunity(token, c.slug)) }))
  }
}

/** "Regenerate": the old URLs stop working at once. */
export async function regenerateFeed (db: Db, memberId: number): Promise<void> {
  await bumpFeedVersion(db, memberId)
}

/** The member a token stands for, if its signature holds for their current feed version. */
export async function feedMember (db: Db, secret: string, token: string) {
  const m = TOKEN_RE.exec(token)
  if (!m) return null
  const member = await findFeedMember(db, Number(m[1]))
  if (!member) return null
  return safeEqual(m[2], sign(secret, payload(member.id, member.feed_version))) ? member : null
}

export interface RenderedFeed { body: string, etag: string }

const ANSWERS: Partial<Record<RsvpStatus, string>> = { going: 'going', maybe: 'maybe', waitlisted: 'on the waitlist', declined: 'can’t go' }

// Building is the costly part (~0.1 ms an event in `ics`); polls of an unchanged feed reuse the text.
const cache = new Map<string, string>()
const CACHE_SIZE = 100

function render (rows: FeedRow[], calendarName: string, site: Pick<MailSite, 'publicUrl' | 'mailFrom'>, now: Date): RenderedFeed {
  // Everything the text depends on: the rows, which events have ended (captions → transcript link), the name.
  const h = crypto.createHash('sha256').update(JSON.stringify([site.publicUrl, site.mailFrom, calendarName]))
  for (const r of rows) h.update(JSON.stringify(r)).update(now < r.ends_at ? '|u' : '|p')
  const etag = `"${h.digest('base64url').slice(0, 32)}"`
  let body = cache.get(etag)
  if (body === undefined) {
    body = buildCalendar({
      method: 'PUBLISH',
      calendarName,
      entries: rows.map((r) => toCalendarEntry(r, { slug: r.community_slug, name: r.community_name }, {
        site: { publicUrl: site.publicUrl, mailFrom: site.mailFrom },
        now,
        note: r.rsvp_status && ANSWERS[r.rsvp_status] ? `Your answer: ${ANSWERS[r.rsvp_status]}.` : undefined
      }))
    })
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!)
    cache.set(etag, body)
  }
  return { body, etag }
}

export type FeedRequest = { kind: 'mine' } | { kind: 'all' } | { kind: 'community', slug: string }

/**
 * The feed a token and scope ask for, or null (→ 404) when the token is wrong or revoked, or the member is not
 * (or no longer) in the community.
 */
export async function memberFeed (db: Db, site: MailSite, input: { token: string, request: FeedRequest, now?: Date }): Promise<RenderedFeed | null> {
  const now = input.now ?? new Date()
  const member = await feedMember(db, site.secret, input.token)
  if (!member) return null
  let scope: FeedScope
  let name: string
  if (input.request.kind === 'community') {
    const community = await findCommunityBySlug(db, input.request.slug)
    if (!community || !await isCommunityMember(db, community.id, member.id)) return null
    scope = { kind: 'community', communityId: community.id }
    name = `${community.name} (Convene)`
  } else {
    scope = input.request
    name = input.request.kind === 'mine' ? 'My events (Convene)' : 'My communities’ events (Convene)'
  }
  const since = new Date(now.getTime() - FEED_PAST_DAYS * 86_400_000)
  const rows = await feedRows(db, member.id, scope, since)
  return render(rows, name, site, now)
}

/** Whether a request's If-None-Match names this ETag (a list, weak or strong, or *). */
export function etagMatches (ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false
  return ifNoneMatch.split(',').map((s) => s.trim().replace(/^W\//, '')).some((s) => s === etag || s === '*')
}
