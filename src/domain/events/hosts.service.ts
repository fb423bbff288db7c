import type { Db } from '../../db/database.js'
import { listCurrentOrganizers } from '../communities/communities.repository.js'
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

export interface HostsForm {
  /** Checked member ids, as strings (what the form re-shows). */
  hosts: string[]
  host_email: string
  /** Whether the form had the hosts fields at all (a form without them leaves the hosts as they are). */
  shown: boolean
}

/** The checkboxes: current hosts first, then the other current organizers. */
export async function hostChoices (db: Db, communityId: number, currentHostIds: number[]): Promise<HostChoice[]> {
  const organizers = await listCurrentOrganizers(db, communityId)
  const current = currentHostIds.length
    ? await db.selectFrom('members').select(['id', 'full_name', 'agency']).where('id', 'in', currentHostIds).orderBy('full_name').execute()
    : []
  const seen = new Set(current.map((m) => m.id))
  return [...current, ...organizers.filter((o) => !seen.has(o.id)).map(({ id, full_name, agency }) => ({ id, full_name, agency }))]
}

export function hostsFormValues (hostIds: number[]): HostsForm {
  return { hosts: hostIds.map(String), host_email: '', shown: true }
}

/** Reads the hosts part of a form: `hosts` (checkboxes, repeated), `host_email` and the marker `hosts_shown`. */
export function readHostsForm (body: unknown): HostsForm {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const raw = Array.isArray(b.hosts) ? b.hosts : b.hosts === undefined ? [] : [b.hosts]
  const hosts = [...new Set(raw.filter((v): v is string => typeof v === 'string' && /^\d{1,9}$/.test(v)))]
  const email = typeof b.host_email === 'string' ? b.host_email.trim().slice(0, 300) : ''
  return { hosts, host_email: email, shown: b.hosts_shown === 'yes' }
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
    const found = email
      ? await db.selectFrom('members').innerJoin('memberships', 'memberships.member_id', 'members.id')
        .select('members.id').where('memberships.community_id', '=', communityId).where('members.email', '=', email).executeTakeFirst()
      : undefined
    if (!found) errors.host_email = 'No member of this community has that email address. Check it, or invite them first.'
    else ids.push(found.id)
  }
  const unique = [...new Set(ids)]
  if (unique.length) {
    const members = await db.selectFrom('memberships').select('member_id')
      .where('community_id', '=', communityId).where('member_id', 'in', unique).execute()
    if (members.length !== unique.length) errors.hosts = 'Hosts must be members of this community.'
  }
  if (!unique.length && !errors.host_email) errors.hosts = 'Choose at least one host.'
  return Object.keys(errors).length ? { errors } : { hostIds: unique, errors }
}
