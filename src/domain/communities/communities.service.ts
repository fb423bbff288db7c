import type { Db } from '../../db/database.js'
import type { TaggedCache } from '../../infra/cache/tagged-cache.js'
import { tags as tag } from '../../infra/cache/tags.js'
import {
  findCommunityWithStanding, insertCommunityWithCreator, listCommunitiesWithMembership, syncRequirements, updateCommunityRow
} from './communities.repository.js'

/**
 * `findCommunityWithStanding` through the read cache: an entry goes when the community, or the viewer's
 * membership or organizer terms in it, change (tags `community:…`, `standing:…`); a term that starts or ends
 * with the date takes effect within the cache's lifetime of an entry (a minute).
 */
export async function cachedCommunityWithStanding (cache: TaggedCache, db: Db, slug: string, memberId: number | null) {
  return cache.get(`${slug}:${memberId ?? ''}`, async () => {
    const found = await findCommunityWithStanding(db, slug, memberId)
    const tags = found ? [tag.community(found.community.id), ...(memberId === null ? [] : [tag.standing(found.community.id, memberId)])] : []
    // A slug that names no community is not kept (a new community must not wait for it, nor guesses fill it).
    return { value: found ?? null, tags, keep: Boolean(found) }
  })
}

/** Communities for the home page: the viewer's own first, then the others (their public landing pages). */
export async function listCommunitiesFor (db: Db, memberId: number | null) {
  const rows = await listCommunitiesWithMembership(db, memberId)
  return {
    mine: rows.filter((r) => r.is_member),
    others: rows.filter((r) => !r.is_member)
  }
}

export const DEFAULT_NORMS = ['Be present', 'Make space, take space', 'Embrace a culture of learning']
export const DEFAULT_PUBLIC_RECORDS_NOTICE =
  'What you post here may be subject to public-records requests (FOIA and state open-records laws). Share what you would share in a public meeting.'

export interface CommunityInput {
  name: string
  slug: string
  about: string
  requirements: string[]
  norms: string[]
  publicRecordsNotice: string
  /** Email domains that may join, e.g. '*.gov', 'fbi.gov' (a leading '*.' means any subdomain). */
  allowedDomains: string[]
  requiresApproval: boolean
  invitationOnly: boolean
  /**
   * Where replies to the community's mail go (Reply-To; the mail itself always leaves from MAIL_FROM's address,
   * see mail/sender.ts); null: replies go to the organizer who wrote, or nowhere in particular.
   */
  contactEmail: string | null
}

/**
 * Creates a community with its requirements; the creator becomes its first member and organizer (a term
 * starting today). Call inside a transaction.
 */
export async function createCommunity (db: Db, input: CommunityInput, creatorId: number) {
  return insertCommunityWithCreator(db, {
    slug: input.slug,
    name: input.name,
    about: input.about,
    norms: input.norms.length ? input.norms : DEFAULT_NORMS,
    public_records_notice: input.publicRecordsNotice || DEFAULT_PUBLIC_RECORDS_NOTICE,
    allowed_domains: input.allowedDomains,
    requires_approval: input.requiresApproval,
    invitation_only: input.invitationOnly,
    contact_email: input.contactEmail
  }, input.requirements, creatorId)
}

/** Saves the settings an organizer edits (everything but the slug). Call inside a transaction. */
export async function updateCommunitySettings (db: Db, communityId: number, input: CommunityInput): Promise<void> {
  await updateCommunityRow(db, communityId, {
    name: input.name,
    about: input.about,
    norms: input.norms,
    public_records_notice: input.publicRecordsNotice,
    allowed_domains: input.allowedDomains,
    requires_approval: input.requiresApproval,
    invitation_only: input.invitationOnly,
    contact_email: input.contactEmail
  })
  await syncRequirements(db, communityId, input.requirements)
}
