import type { Db } from '../../db/database.js'
import { randomToken, safeEqual } from '../../lib/tokens.js'
import { normaliseEmail } from '../../lib/forms.js'
import { findCommunityBySlug } from '../communities/communities.repository.js'
import { createCommunity, type CommunityInput } from '../communities/communities.service.js'
import { findMemberByEmail, findMemberById, insertMember, updateMember } from '../members/members.repository.js'
import {
  adminExists, archiveCommunityRow, restoreCommunityRow, claimSetting, deleteSetting, getSetting, listAdmins, listCommunitiesWithCounts, lockAdminIds,
  memberWithCommunities, putSettingOnce, searchAllMembers, setAdmin, setDeactivated
} from './site.repository.js'

export { memberWithCommunities }

export async function siteSecret (db: Db): Promise<string> {
  return putSettingOnce(db, 'secret', randomToken(32))
}

/**
 * The one-time code that the first-run setup page asks for, printed to the server console. It exists only
 * until a site admin exists. Every process started on the same database prints the same code.
 */
export async function setupCode (db: Db): Promise<string | null> {
  if (await adminExists(db)) return null
  const words = randomToken(9).replace(/[-_]/g, 'x').toUpperCase()
  return putSettingOnce(db, 'setup_code', `${words.slice(0, 4)}-${words.slice(4, 8)}-${words.slice(8, 12)}`)
}

export async function checkSetupCode (db: Db, given: string): Promise<boolean> {
  const code = await getSetting(db, 'setup_code')
  return code !== undefined && safeEqual(code, normaliseCode(given))
}

export async function finishSetup (db: Db): Promise<void> {
  await deleteSetting(db, 'setup_code')
}

/** Whether the first-run setup page is open: no site admin exists yet. */
export async function needsSetup (db: Db): Promise<boolean> {
  return !await adminExists(db)
}

function normaliseCode (given: string): string {
  return given.trim().toUpperCase()
}

/** What the first-run setup creates: the site admin (with the one-time code that proves they run the server) and the first community. */
export interface SetupInput {
  code: string
  /** Normalised (lower-cased). */
  email: string
  fullName: string
  agency: string
  community: CommunityInput
}

/** What the setup form offers for the community's allowed domains. */
export const DEFAULT_SETUP_DOMAINS = '*.gov, *.mil'

export const SETUP_CODE_WRONG = 'That setup code is not right. Copy the code from the server’s console (it is printed when Convene starts) and try again.'

export type SetupResult =
  | { ok: true, memberId: number, slug: string }
  | { ok: false, status: number, errors: Record<string, string> }

/**
 * Creates the site admin and the first community, and retires the setup code — all or nothing. Call inside a
 * transaction. The code is claimed (deleted) first, so of two people submitting at once only one succeeds.
 */
export async function completeSetup (db: Db, input: SetupInput): Promise<SetupResult> {
  const { email, community } = input
  if (await findCommunityBySlug(db, community.slug)) {
    return { ok: false, status: 400, errors: { slug: 'That address is taken. Choose another short name.' } }
  }
  // Nothing is written before the claim; everything after it succeeds or throws (and the transaction rolls back).
  if (await adminExists(db) || !await claimSetting(db, 'setup_code', normaliseCode(input.code))) {
    return { ok: false, status: 403, errors: { code: SETUP_CODE_WRONG } }
  }
  const existing = await findMemberByEmail(db, email)
  const admin = existing
    ? (await updateMember(db, existing.id, { full_name: input.fullName, agency: input.agency, is_admin: true }), existing)
    : await insertMember(db, { email, full_name: input.fullName, agency: input.agency, is_admin: true, email_verified_at: null })
  const created = await createCommunity(db, community, admin.id)
  await finishSetup(db)
  return { ok: true, memberId: admin.id, slug: created.slug }
}

/** Convene always keeps a site admin: one may be removed only while there is another. */
function mayRemoveAdmin (adminCount: number): boolean {
  return adminCount > 1
}

/** The site admin page: communities with their member counts, and the site admins (whether each may be removed). */
export async function adminOverview (db: Db) {
  const [communities, admins] = [await listCommunitiesWithCounts(db), await listAdmins(db)]
  return {
    communities: communities.map((c) => ({ ...c, member_count: Number(c.member_count ?? 0), pending_count: Number(c.pending_count ?? 0) })),
    admins: admins.map((a) => ({ ...a, canRemove: mayRemoveAdmin(admins.length) }))
  }
}

/** Makes an existing member a site admin. Returns an error message for the form, or null. */
export async function makeAdmin (db: Db, rawEmail: string): Promise<{ error: string } | { name: string }> {
  const email = normaliseEmail(rawEmail)
  if (!email) return { error: rawEmail ? 'Enter an email address in the format name@agency.gov.' : 'Enter the email address of the member to make a site admin.' }
  const member = await findMemberByEmail(db, email)
  if (!member) return { error: `No member has the address ${email}. They need to join a community (or be invited) first.` }
  if (member.is_admin) return { error: `${member.full_name} is already a site admin.` }
  await setAdmin(db, member.id, true)
  return { name: member.full_name }
}

/** Removes a site admin, never the last one. Call inside a transaction (the admins' rows are locked). */
export async function removeAdmin (db: Db, memberId: number): Promise<{ error: string } | { name: string }> {
  const ids = await lockAdminIds(db)
  if (!ids.includes(memberId)) return { error: 'That member is not a site admin.' }
  if (!mayRemoveAdmin(ids.length)) return { error: 'Convene needs at least one site admin: make someone else a site admin first.' }
  await setAdmin(db, memberId, false)
  const member = await findMemberById(db, memberId)
  return { name: member!.full_name }
}

/** The admin's member search across communities; nothing for a search shorter than two characters. */
export async function lookUpMembers (db: Db, q: string) {
  return q.trim().length >= 2 ? searchAllMembers(db, q.trim()) : []
}

export type AccountResult = { ok: true, name: string } | { ok: false, status: number, message: string }

/**
 * Deactivates an account: it cannot sign in, its sessions and unused links end. Its rows stay (answers, terms,
 * the audit log). A site admin is removed as one first; nobody deactivates themselves. Call inside a transaction.
 */
export async function deactivateAccount (db: Db, memberId: number, byMemberId: number): Promise<AccountResult> {
  const member = await findMemberById(db, memberId)
  if (!member) return { ok: false, status: 404, message: 'No such member.' }
  if (memberId === byMemberId) return { ok: false, status: 409, message: 'You cannot deactivate your own account.' }
  if (member.is_admin) return { ok: false, status: 409, message: `${member.full_name} is a site admin: remove them as site admin first.` }
  if (member.deactivated_at) return { ok: false, status: 409, message: `${member.full_name}’s account is already deactivated.` }
  await setDeactivated(db, memberId, new Date())
  return { ok: true, name: member.full_name }
}

/** Lets a deactivated account sign in again. Call inside a transaction. */
export async function reactivateAccount (db: Db, memberId: number): Promise<AccountResult> {
  const member = await findMemberById(db, memberId)
  if (!member) return { ok: false, status: 404, message: 'No such member.' }
  if (!member.deactivated_at) return { ok: false, status: 409, message: `${member.full_name}’s account is active.` }
  await setDeactivated(db, memberId, null)
  return { ok: true, name: member.full_name }
}

/**
 * Restores an archived community: back on the home page's list, open to changes and answers again (the next
 * reminder pass sends the nearest reminder due for its upcoming events, one each). Call inside a transaction.
 */
export async function restoreCommunity (db: Db, communityId: number): Promise<AccountResult> {
  const row = await restoreCommunityRow(db, communityId)
  return row ? { ok: true, name: row.name } : { ok: false, status: 409, message: 'That community does not exist or is not archived.' }
}

/** Archives a community: off the home page's list, read-only for everyone. Call inside a transaction. */
export async function archiveCommunity (db: Db, communityId: number): Promise<AccountResult> {
  const row = await archiveCommunityRow(db, communityId, new Date())
  return row ? { ok: true, name: row.name } : { ok: false, status: 409, message: 'That community does not exist or is archived already.' }
}
