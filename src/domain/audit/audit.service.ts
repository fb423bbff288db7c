import type { Db } from '../../db/database.js'
import { countAuditEntries, insertAuditEntry, listAuditEntries, type NewAuditEntry } from './audit.repository.js'

/** What the log says for each action (the `action` column holds the key). */
export const AUDIT_ACTIONS = {
  'request.approved': 'Approved a request to join',
  'request.declined': 'Declined a request to join',
  'organizer.added': 'Added an organizer term',
  'organizer.ended': 'Ended an organizer term',
  'event.published': 'Published an event',
  'event.cancelled': 'Cancelled an event',
  'event.deleted': 'Deleted a draft event',
  'event.messaged': 'Messaged attendees of an event',
  'invitations.sent': 'Sent invitations to join',
  'invitation.revoked': 'Revoked an invitation',
  'invitation.resent': 'Resent an invitation',
  'settings.changed': 'Changed the community settings',
  'member.removed': 'Removed a member',
  'member.suspended': 'Suspended a member',
  'member.reinstated': 'Lifted a suspension',
  'admin.added': 'Made a site admin',
  'admin.removed': 'Removed a site admin',
  'account.deactivated': 'Deactivated an account',
  'account.reactivated': 'Reactivated an account',
  'community.created': 'Created a community',
  'community.archived': 'Archived a community',
  'community.restored': 'Restored an archived community'
} as const

export type AuditAction = keyof typeof AUDIT_ACTIONS

/**
 * Records what an organizer or site admin did. Call it with the transaction of the action: the entry exists
 * exactly when the action committed.
 */
export async function recordAudit (db: Db, entry: NewAuditEntry & { action: AuditAction }): Promise<void> {
  await insertAuditEntry(db, entry)
}

export const AUDIT_PAGE_SIZE = 50

/** One page of the log, newest first: of a community, or (null) of the whole site. */
export async function auditPage (db: Db, communityId: number | null, page: number) {
  const total = await countAuditEntries(db, communityId)
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE))
  const rows = page <= pages ? await listAuditEntries(db, communityId, AUDIT_PAGE_SIZE, (page - 1) * AUDIT_PAGE_SIZE) : []
  const entries = rows.map((r) => ({ ...r, what: (AUDIT_ACTIONS as Record<string, string>)[r.action] ?? r.action }))
  return { entries, total, page, pages }
}
