import type { Db, Member } from '../../db/database.js'
import { check, lines, str } from '../../lib/forms.js'
import { communitiesOf, findMemberById, searchDirectory, updateMember } from './members.repository.js'
import { isStateOrTerritory, joinRegion, splitRegion } from './regions.js'

export async function markEmailVerified (db: Db, memberId: number): Promise<void> {
  const m = await findMemberById(db, memberId)
  if (m && !m.email_verified_at) await updateMember(db, memberId, { email_verified_at: new Date() })
}

/** Length limits of the profile form (also shown as hints). */
export const PROFILE_LIMITS = {
  full_name: 120,
  agency: 160,
  job_title: 120,
  metro: 80,
  expertise: 500,
  expertiseTags: 15,
  expertiseTag: 40,
  ask_me_about: 500,
  bio: 1000,
  pronouns: 40
} as const

/** The profile form as typed (what is re-shown after an error). */
export interface ProfileForm {
  full_name: string
  agency: string
  job_title: string
  state: string
  metro: string
  expertise: string
  ask_me_about: string
  bio: string
  pronouns: string
}

export function profileToForm (m: Member): ProfileForm {
  const { state, metro } = splitRegion(m.region)
  return {
    full_name: m.full_name,
    agency: m.agency,
    job_title: m.job_title ?? '',
    state,
    metro,
    expertise: m.expertise.join(', '),
    ask_me_about: m.ask_me_about ?? '',
    bio: m.bio ?? '',
    pronouns: m.pronouns ?? ''
  }
}

/** Reads the profile form; strings are read whole so that over-long input is refused, not silently cut. */
export function readProfileForm (body: unknown): ProfileForm {
  const get = (name: string) => str(body, name, 20_000)
  return {
    full_name: get('full_name'),
    agency: get('agency'),
    job_title: get('job_title'),
    state: get('state'),
    metro: get('metro'),
    expertise: get('expertise'),
    ask_me_about: get('ask_me_about'),
    bio: get('bio'),
    pronouns: get('pronouns')
  }
}

export function validateProfile (form: ProfileForm): { errors: Record<string, string>, expertise: string[] } {
  const L = PROFILE_LIMITS
  const errors: Record<string, string> = {}
  check(errors, 'full_name', form.full_name, 'your full name', { required: true, max: L.full_name })
  check(errors, 'agency', form.agency, 'your agency', { required: true, max: L.agency })
  check(errors, 'job_title', form.job_title, 'your job title', { max: L.job_title })
  if (form.state && !isStateOrTerritory(form.state)) errors.state = 'Choose a state or territory from the list, or leave it empty.'
  check(errors, 'metro', form.metro, 'the metro area', { max: L.metro })
  const expertise = lines(form.expertise, true)
  if (form.expertise.length > L.expertise) errors.expertise = `Expertise must be ${L.expertise} characters or fewer.`
  else if (expertise.length > L.expertiseTags) errors.expertise = `List at most ${L.expertiseTags} areas of expertise.`
  else if (expertise.some((e) => e.length > L.expertiseTag)) errors.expertise = `Each area of expertise must be ${L.expertiseTag} characters or fewer; separate them with commas.`
  check(errors, 'ask_me_about', form.ask_me_about, '“ask me about”', { max: L.ask_me_about })
  check(errors, 'bio', form.bio, 'your bio', { max: L.bio })
  check(errors, 'pronouns', form.pronouns, 'your pronouns', { max: L.pronouns })
  return { errors, expertise }
}

/** Saves a valid profile form; returns the errors (and saves nothing) when it is not valid. */
export async function saveProfile (db: Db, memberId: number, form: ProfileForm): Promise<Record<string, string>> {
  const { errors, expertise } = validateProfile(form)
  if (Object.keys(errors).length) return errors
  await updateMember(db, memberId, {
    full_name: form.full_name,
    agency: form.agency,
    job_title: form.job_title || null,
    region: joinRegion(form.state, form.metro),
    expertise,
    ask_me_about: form.ask_me_about || null,
    bio: form.bio || null,
    pronouns: form.pronouns || null
  })
  return {}
}

/**
 * A member's page as the viewer may see it: only members who share a community with them (and site admins).
 * Returns null for everyone else, who must get a 404 (the member does not exist for them).
 */
/** The zone the member chose to see times in (null: each event's own zone only; the profile checks it with readTimeZone). */
export async function saveMemberTimeZone (db: Db, memberId: number, zone: string | null): Promise<void> {
  await updateMember(db, memberId, { time_zone: zone })
}

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
  const { rows, total } = await searchDirectory(db, { communityId, search: search.slice(0, 100), limit, offset: (safePage - 1) * limit })
  return { rows, total, page: safePage, pageSize: limit, pages: Math.max(1, Math.ceil(total / limit)) }
}
