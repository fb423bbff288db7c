/**
 * Who sees each field of a member's profile. The member chooses per field:
 * - 'members': members who share a community with them (and so the directory, which searches these fields only);
 * - 'connections': only people they are connected with (src/domain/connections/);
 * - 'hidden': only the member.
 * The name is always shown to members who share a community; the pronouns go with the name.
 */
export const VISIBILITY_LEVELS = ['members', 'connections', 'hidden'] as const
export type VisibilityLevel = typeof VISIBILITY_LEVELS[number]

export const PROFILE_FIELDS = [
  'agency', 'job_title', 'region', 'expertise', 'ask_me_about', 'can_help_with', 'looking_for', 'bio',
  'communities', 'events_attended', 'talks_given', 'connections', 'email'
] as const
export type ProfileField = typeof PROFILE_FIELDS[number]

export type Visibility = Record<ProfileField, VisibilityLevel>

/** Everything is seen by members who share a community, except the email address and who they are connected with: connections only. */
export const DEFAULT_VISIBILITY: Visibility = {
  agency: 'members',
  job_title: 'members',
  region: 'members',
  expertise: 'members',
  ask_me_about: 'members',
  can_help_with: 'members',
  looking_for: 'members',
  bio: 'members',
  communities: 'members',
  events_attended: 'members',
  talks_given: 'members',
  connections: 'connections',
  email: 'connections'
}

/** How each field is named on the profile form and on the member page. */
export const FIELD_LABELS: Record<ProfileField, string> = {
  agency: 'Agency',
  job_title: 'Job title',
  region: 'Region',
  expertise: 'Expertise',
  ask_me_about: 'Ask me about',
  can_help_with: 'I can help with',
  looking_for: 'I’m looking for',
  bio: 'Bio',
  communities: 'Communities',
  events_attended: 'Events attended',
  talks_given: 'Talks given',
  connections: 'Connections',
  email: 'Email address'
}

/** What each level means, as the member reads it. */
export const LEVEL_LABELS: Record<VisibilityLevel, string> = {
  members: 'Members of communities you share',
  connections: 'Only people you are connected with (after an in-person event or an introduction)',
  hidden: 'Only you'
}

/** The note beside a field on the member's own page: who else sees it. */
export const SEEN_BY: Record<VisibilityLevel, string> = {
  members: 'Seen by members of communities you share',
  connections: 'Seen only by people you are connected with',
  hidden: 'Only you see this'
}

export function isVisibilityLevel (s: string): s is VisibilityLevel {
  return (VISIBILITY_LEVELS as readonly string[]).includes(s)
}

/** A stored visibility read safely: an unknown or missing value counts as 'hidden' (never shown by mistake). */
export function readVisibility (stored: unknown): Visibility {
  const v = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>
  const out = { ...DEFAULT_VISIBILITY }
  for (const f of PROFILE_FIELDS) {
    const level = v[f]
    out[f] = typeof level === 'string' && isVisibilityLevel(level) ? level : 'hidden'
  }
  return out
}

/** Who is looking: the member themself, a member they are connected with, or another member who shares a community. */
export type Viewer = 'self' | 'connection' | 'member'

/** The fields this viewer may see. */
export function shownFields (visibility: Visibility, viewer: Viewer): Set<ProfileField> {
  if (viewer === 'self') return new Set(PROFILE_FIELDS)
  if (viewer === 'connection') return new Set(PROFILE_FIELDS.filter((f) => visibility[f] !== 'hidden'))
  return new Set(PROFILE_FIELDS.filter((f) => visibility[f] === 'members'))
}
