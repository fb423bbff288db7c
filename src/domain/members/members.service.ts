import type { Db, Member } from '../../db/database.js'
import { communitiesOf, findMemberById, searchDirectory, updateMember } from './members.repository.js'

export async function markEmailVerified (db: Db, memberId: number): Promise<void> {
  const m = await findMemberById(db, memberId)
  if (m && !m.email_verified_at) await updateMember(db, memberId, { email_verified_at: new Date() })
}

/** A member's profile as they edit it: who they are, and the zone they see times in (null: each event's own zone). */
export interface ProfileInput {
  fullName: string
  agency: string
  jobTitle: string | null
  /** "Metro, State" (as joinRegion writes it); null when neither is given. */
  region: string | null
  expertise: string[]
  askMeAbout: string | null
  bio: string | null
  pronouns: string | null
  timeZone: string | null
}

/** Saves a member's profile (checked by the profile form). */
export async function saveProfile (db: Db, memberId: number, input: ProfileInput): Promise<void> {
  await updateMember(db, memberId, {
    full_name: input.fullName,
    agency: input.agency,
    job_title: input.jobTitle,
    region: input.region,
    expertise: input.expertise,
    ask_me_about: input.askMeAbout,
    bio: input.bio,
    pronouns: input.pronouns,
    time_zone: input.timeZone
  })
}

/** The mail a member may turn off; everything else Convene sends is mail they must get (see the profile page). */
export interface MailPreferences {
  /** Reminders before events they are going to. */
  reminders: boolean
  /** Calendar invitations (and their updates) for the events they answer going or maybe, and organizers' invitations. */
  calendar: boolean
}

export async function saveMailPreferences (db: Db, memberId: number, prefs: MailPreferences): Promise<void> {
  await updateMember(db, memberId, { mail_reminders: prefs.reminders, mail_calendar: prefs.calendar })
}

/**
 * A member's page as the viewer may see it: only members who share a community with them (and site admins).
 * Returns null for everyone else, who must get a 404 (the member does not exist for them).
 */
export async function memberPageFor (db: Db, viewer: Member | null, memberId: number) {
  if (!viewer || !Number.isSafeInteger(memberId) || memberId <= 0) return null
  const member = await findMemberById(db, memberId)
  if (!member) return null
  const isSelf = viewer.id === member.id
  const shared = await communitiesOf(db, member.id, isSelf ? null : viewer.id)
  if (!shared.length && !isSelf && !viewer.is_admin) return null
  // Site admins see all of the member's communities; everyone else the ones they share.
  const communities = viewer.is_admin && !isSelf ? await communitiesOf(db, member.id, null) : shared
  return { member, communities, sharedOnly: !isSelf && !viewer.is_admin }
}

export const DIRECTORY_PAGE_SIZE = 25

/** One page of a community's directory. `page` is 1-based (anything else means the first page). */
export async function directoryPage (db: Db, communityId: number, search: string, page: number) {
  const limit = DIRECTORY_PAGE_SIZE
  const safePage = Number.isSafeInteger(page) && page > 0 ? Math.min(page, 10_000) : 1
  const { rows, total } = await searchDirectory(db, { communityId, search, limit, offset: (safePage - 1) * limit })
  return { rows, total, page: safePage, pageSize: limit, pages: Math.max(1, Math.ceil(total / limit)) }
}
