import type { Db, Member } from '../../db/database.js'
import { communitiesOf, communitiesSharedBy, findMemberById, requirementNamesOf, RANK_CAP, searchDirectory, updateMember } from './members.repository.js'
import { eventsAttended } from './export.repository.js'
import { areConnected } from '../connections/connections.service.js'
import { connectionsOf } from '../connections/connections.repository.js'
import { shortDate } from '../../lib/format.js'
import { connectionsShownTo, connectionWith } from '../connections/met.service.js'
import { talksGiven } from '../proposals/talks-given.repository.js'
import { readVisibility, shownFields, type ProfileField, type Visibility } from './visibility.js'

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
  canHelpWith: string | null
  lookingFor: string | null
  /** Opted in to "people you haven't met yet" (sees suggestions, and is suggested to others who opted in). */
  suggestionsOptIn: boolean
  /** Who sees each field. */
  visibility: Visibility
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
    time_zone: input.timeZone,
    can_help_with: input.canHelpWith,
    looking_for: input.lookingFor,
    suggestions_opt_in: input.suggestionsOptIn,
    visibility: JSON.stringify(input.visibility)
  })
}

/** The mail a member may turn off; everything else Convene sends is mail they must get (see the profile page). */
export interface MailPreferences {
  /** Reminders before events they are going to. */
  reminders: boolean
  /** Calendar invitations (and their updates) for the events they answer going or maybe, and organizers' invitations. */
  calendar: boolean
  /** "Who did you meet?" after an in-person event they checked in at. */
  met: boolean
}

export async function saveMailPreferences (db: Db, memberId: number, prefs: MailPreferences): Promise<void> {
  await updateMember(db, memberId, { mail_reminders: prefs.reminders, mail_calendar: prefs.calendar, mail_met: prefs.met })
}

/**
 * A member's page as the viewer may see it: only members who share a community with them (and site admins).
 * Returns null for everyone else, who must get a 404 (the member does not exist for them). Others see the fields
 * the member shows to members (a site admin too), a connection also those shown to connections; the member sees
 * everything, each field with who else sees it.
 */
export async function memberPageFor (db: Db, viewer: Member | null, memberId: number) {
  if (!viewer || !Number.isSafeInteger(memberId) || memberId <= 0) return null
  const member = await findMemberById(db, memberId)
  if (!member) return null
  const isSelf = viewer.id === member.id
  const shared = await communitiesOf(db, member.id, isSelf ? null : viewer.id)
  if (!shared.length && !isSelf && !viewer.is_admin) return null
  const visibility = readVisibility(member.visibility)
  const connected = !isSelf && await areConnected(db, viewer.id, member.id)
  const seen = shownFields(visibility, isSelf ? 'self' : connected ? 'connection' : 'member')
  // Site admins see all of the member's communities; everyone else the ones they share.
  const communities = !seen.has('communities') ? [] : viewer.is_admin && !isSelf ? await communitiesOf(db, member.id, null) : shared
  const events = seen.has('events_attended') ? await eventsAttended(db, member.id, isSelf || viewer.is_admin ? null : viewer.id) : []
  // Connections: only people who share a community with the viewer are listed (the others are not named at all).
  const [connections, talks, connection] = await Promise.all([
    seen.has('connections') ? connectionsShownTo(db, member.id, viewer.id) : [],
    seen.has('talks_given') ? talksGiven(db, member.id, isSelf || viewer.is_admin ? null : viewer.id) : [],
    connected ? connectionWith(db, viewer.id, member.id) : null
  ])
  const show = <T>(f: ProfileField, v: T): T | null => seen.has(f) ? v : null
  const profile = {
    id: member.id,
    full_name: member.full_name,
    pronouns: member.pronouns,
    email: show('email', member.email),
    agency: show('agency', member.agency),
    job_title: show('job_title', member.job_title),
    region: show('region', member.region),
    expertise: show('expertise', member.expertise) ?? [],
    ask_me_about: show('ask_me_about', member.ask_me_about),
    can_help_with: show('can_help_with', member.can_help_with),
    looking_for: show('looking_for', member.looking_for),
    bio: show('bio', member.bio)
  }
  return { profile, communities, events, connections, talks, connection, shows: seen, connected, visibility: isSelf ? visibility : null, sharedOnly: !isSelf && !viewer.is_admin,
    // Introductions are made within shared communities: a site admin outside them cannot introduce this member.
    canIntroduce: !isSelf && shared.length > 0 }
}

export const DIRECTORY_PAGE_SIZE = 25

/** The directory's search and filters as typed ('' when not given); they combine (all must match). */
export interface DirectoryFilters {
  /** Name, agency, title, expertise, "ask me about", region… (what members may see). */
  q: string
  agency: string
  /** A state or territory (checked by the caller against the list). */
  region: string
  expertise: string
  /** The slug of a community the viewer belongs to (site-wide directory only). */
  community: string
  /** The name of a requirement one of the viewer's communities holds (site-wide directory only). */
  requirement: string
  /** Words in "ask me about" or "I can help with". */
  help: string
  /** Only the viewer's connections: 'met' (at an event, or not through an introduction) or 'introduced'; '' for everyone. */
  relation: string
  /** 'known': the viewer's connections first; '' the usual order. */
  sort: string
}

/** The directory's "only people I …" choices and its orders (value → label; '' is the default). */
export const DIRECTORY_RELATIONS = { '': 'Everyone', met: 'Only people I’ve met', introduced: 'Only people I was introduced to' } as const
export const DIRECTORY_SORTS = { '': 'Best match, then by name', known: 'People I know first' } as const

/** A member as the directory shows them: the fields they show to members, the others null (or empty). */
export interface DirectoryCard {
  id: number
  full_name: string
  pronouns: string | null
  agency: string | null
  job_title: string | null
  region: string | null
  expertise: string[]
  ask_me_about: string | null
  can_help_with: string | null
  /** The viewer is connected with them: "Connected · met at …", "Connected · introduced by …"; null when not. */
  connection: string | null
}

/**
 * One page of the directory for `viewer`: with `communityId`, that community's members (the route's guard has
 * checked the viewer may see it); without, the members of every community the viewer belongs to, never others.
 * A community or requirement the viewer cannot choose is an error for that field (and no search is made).
 * `page` is 1-based.
 */
export async function directoryPage (db: Db, viewer: Member, where: { communityId?: number }, filters: DirectoryFilters, page: number,
  rankCap = RANK_CAP) {
  const siteWide = where.communityId === undefined
  const communities = siteWide ? await communitiesSharedBy(db, viewer.id) : []
  const requirements = siteWide ? await requirementNamesOf(db, communities.map((c) => c.id)) : []
  const errors: Partial<Record<'community' | 'requirement' | 'relation' | 'sort', string>> = {}
  const community = filters.community ? communities.find((c) => c.slug === filters.community) : undefined
  if (filters.community && !community) errors.community = 'Choose one of your communities from the list.'
  const requirement = filters.requirement ? requirements.find((r) => r.toLowerCase() === filters.requirement.toLowerCase()) : undefined
  if (filters.requirement && !requirement) errors.requirement = 'Choose a requirement from the list.'
  if (!Object.hasOwn(DIRECTORY_RELATIONS, filters.relation)) errors.relation = 'For “Show”, choose everyone, only people you’ve met, or only people you were introduced to.'
  if (!Object.hasOwn(DIRECTORY_SORTS, filters.sort)) errors.sort = 'For “Order”, choose best match or people you know first.'
  const limit = DIRECTORY_PAGE_SIZE
  const choices = (o: Record<string, string>) => Object.entries(o).map(([value, label]) => ({ value, label }))
  const options = { communities, requirements, relations: choices(DIRECTORY_RELATIONS), sorts: choices(DIRECTORY_SORTS) }
  if (Object.keys(errors).length) return { errors, options, rows: [] as DirectoryCard[], total: 0, capped: false, page: 1, pageSize: limit, pages: 1 }
  const { rows, total, capped } = await searchDirectory(db, {
    scope: siteWide ? { viewerId: viewer.id } : { communityId: where.communityId! },
    search: filters.q,
    agency: filters.agency,
    state: filters.region,
    expertise: filters.expertise,
    communityId: community?.id ?? null,
    requirement: requirement ?? '',
    help: filters.help,
    viewerId: viewer.id,
    relation: filters.relation as '' | 'met' | 'introduced',
    knownFirst: filters.sort === 'known',
    limit,
    offset: (page - 1) * limit
  }, rankCap)
  // How the viewer knows those on the page: one query for the page.
  const known = new Map((await connectionsOf(db, viewer.id, rows.map((r) => r.id))).map((c) => [c.member_id, connectionNote(c)]))
  const cards = rows.map((r) => ({ ...directoryCard(r), connection: known.get(r.id) ?? null }))
  return { errors, options, rows: cards, total, capped, page, pageSize: limit, pages: Math.max(1, Math.ceil(total / limit)) }
}

/** "Connected · met at Triangle regional meetup, Mar 10, 2026", "Connected · introduced by Jane Doe", or "Connected". */
function connectionNote (c: { introduction_id: number | null, event_title: string | null, event_starts_at: Date | null, event_time_zone: string | null, introducer_name: string | null }): string {
  if (c.event_title && c.event_starts_at) return `Connected · met at ${c.event_title}, ${shortDate(c.event_starts_at, c.event_time_zone ?? 'UTC')}`
  if (c.introducer_name) return `Connected · introduced by ${c.introducer_name}`
  if (c.introduction_id !== null) return 'Connected · introduced'
  return 'Connected'
}

function directoryCard (row: { id: number, full_name: string, pronouns: string | null, agency: string, job_title: string | null, region: string | null,
  expertise: string[], ask_me_about: string | null, can_help_with: string | null, visibility: unknown }): Omit<DirectoryCard, 'connection'> {
  const seen = shownFields(readVisibility(row.visibility), 'member')
  const show = <T>(f: ProfileField, v: T): T | null => seen.has(f) ? v : null
  return {
    id: row.id,
    full_name: row.full_name,
    pronouns: row.pronouns,
    agency: show('agency', row.agency),
    job_title: show('job_title', row.job_title),
    region: show('region', row.region),
    expertise: show('expertise', row.expertise) ?? [],
    ask_me_about: show('ask_me_about', row.ask_me_about),
    can_help_with: show('can_help_with', row.can_help_with)
  }
}
