import type { Db } from '../../db/database.js'
import { listCurrentOrganizers } from '../communities/communities.repository.js'
import { listMemberChoices } from '../memberships/memberships.repository.js'
import { findMemberByEmail, listMembersAmong } from './events.repository.js'
import { normaliseEmail } from '../../lib/forms.js'

/*
 * Hosts of an event or a series: one or more members of the community. The form offers the current hosts and
 * organizers as checkboxes, plus one field to add any other member by email (a community may have thousands of
 * members, so no list of them all).
 */

export interface HostChoice {
  id: number
  full_name: string
  agency: string
}

/** The hosts part of a form, as read (src/forms/event-form.ts). */
export interface HostsForm {
  /** Checked member ids, as strings (what the form re-shows). */
  hosts: string[]
  host_email: string
  /** Whether the form had the hosts fields at all (a form without them leaves the hosts as they are). */
  shown: boolean
}

/**
 * The checkboxes: current hosts first, then the other current organizers. Only members of the community are
 * ever named: the ids may come from a posted form, and a form must not be a way to look up other members.
 */
export async function hostChoices (db: Db, communityId: number, currentHostIds: number[]): Promise<HostChoice[]> {
  const organizers = await listCurrentOrganizers(db, communityId)
  const current = await listMembersAmong(db, communityId, currentHostIds)
  const seen = new Set(current.map((m) => m.id))
  return [...current, ...organizers.filter((o) => !seen.has(o.id)).map(({ id, full_name, agency }) => ({ id, full_name, agency }))]
}

/** Past this many members a "pick a member" list is too long to choose from: the form asks for an address instead. */
export const MEMBER_SELECT_MAX = 300

/**
 * The options of a "pick a member" select: every member in good standing of this community (never anyone else),
 * shown by name and agency; the value is the address the form's checks look up again. Null when the community
 * has more than MEMBER_SELECT_MAX of them: the form then takes the member's email address, typed.
 */
export async function memberOptions (db: Db, communityId: number, empty: string): Promise<{ value: string, label: string }[] | null> {
  const members = await listMemberChoices(db, communityId, MEMBER_SELECT_MAX + 1)
  if (members.length > MEMBER_SELECT_MAX) return null
  return [{ value: '', label: empty }, ...members.map((m) => ({ value: m.email, label: `${m.full_name}, ${m.agency}` }))]
}

/**
 * Checks the hosts against the community's members. Returns the member ids (`unchanged` when the form had no
 * hosts fields), or an error message under `hosts` / `host_email`.
 */
export async function resolveHosts (db: Db, communityId: number, form: HostsForm, unchanged: number[]): Promise<{ hostIds?: number[], errors: Record<string, string> }> {
  if (!form.shown) return { hostIds: unchanged, errors: {} }
  const errors: Record<string, string> = {}
  const ids = form.hosts.map(Number)
  if (form.host_email) {
    const email = normaliseEmail(form.host_email)
    const found = email ? await findMemberByEmail(db, communityId, email) : undefined
    if (!found) errors.host_email = 'No member of this community has that email address. Check it, or invite them first (a suspended member cannot host).'
    else ids.push(found.id)
  }
  const unique = [...new Set(ids)]
  if (unique.length) {
    const members = await listMembersAmong(db, communityId, unique)
    if (members.length !== unique.length) errors.hosts = 'Hosts must be members of this community who are not suspended.'
  }
  if (!unique.length && !errors.host_email) errors.hosts = 'Choose at least one host.'
  return Object.keys(errors).length ? { errors } : { hostIds: unique, errors }
}
