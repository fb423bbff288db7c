import { sql } from 'kysely'
import type { Db, EmailTokenPurpose, Member } from '../../db/database.js'

export async function insertEmailToken (db: Db, row: {
  tokenHash: string, purpose: EmailTokenPurpose, email: string, memberId?: number | null,
  joinRequestId?: number | null, invitationId?: number | null, expiresAt: Date
}): Promise<void> {
  await db.insertInto('email_tokens').values({
    token_hash: row.tokenHash,
    purpose: row.purpose,
    email: row.email,
    member_id: row.memberId ?? null,
    join_request_id: row.joinRequestId ?? null,
    invitation_id: row.invitationId ?? null,
    expires_at: row.expiresAt
  }).execute()
}

/** The token if it exists with this purpose, whatever its state (the caller explains expired or used). */
export async function findEmailToken (db: Db, tokenHash: string, purpose: EmailTokenPurpose) {
  return db.selectFrom('email_tokens').selectAll()
    .where('token_hash', '=', tokenHash).where('purpose', '=', purpose)
    .executeTakeFirst()
}

/** Marks the token used if it still is usable; false when another request used it first. */
export async function useEmailToken (db: Db, id: number): Promise<boolean> {
  const r = await db.updateTable('email_tokens').set({ used_at: sql`now()` })
    .where('id', '=', id).where('used_at', 'is', null).where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Marks the unused links of an invitation used (a resent or revoked invitation's older links stop working). */
export async function useInvitationTokens (db: Db, invitationId: number): Promise<void> {
  await db.updateTable('email_tokens').set({ used_at: new Date() })
    .where('invitation_id', '=', invitationId).where('used_at', 'is', null).execute()
}

export async function insertSession (db: Db, idHash: string, memberId: number, expiresAt: Date): Promise<void> {
  await db.insertInto('sessions').values({ id_hash: idHash, member_id: memberId, expires_at: expiresAt }).execute()
}

export async function findSessionMember (db: Db, idHash: string): Promise<{ member: Member, expiresAt: Date } | undefined> {
  const row = await db.selectFrom('sessions').innerJoin('members', 'members.id', 'sessions.member_id')
    .selectAll('members').select('sessions.expires_at as session_expires_at')
    .where('sessions.id_hash', '=', idHash).where('sessions.expires_at', '>', sql<Date>`now()`)
    .where('members.deactivated_at', 'is', null)
    .executeTakeFirst()
  if (!row) return undefined
  const { session_expires_at: expiresAt, ...member } = row
  return { member, expiresAt }
}

export async function deleteSession (db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute()
}

export async function deleteExpiredSessions (db: Db): Promise<number> {
  const r = await db.deleteFrom('sessions').where('expires_at', '<=', sql<Date>`now()`).executeTakeFirst()
  return Number(r.numDeletedRows)
}

/** Makes the member's unused links of these purposes unusable (an address changed: links to the old one, or to another new one, stop). */
export async function expireTokensOf (db: Db, memberId: number, purposes: EmailTokenPurpose[]): Promise<void> {
  await db.updateTable('email_tokens').set({ used_at: sql`now()` })
    .where('member_id', '=', memberId).where('purpose', 'in', purposes).where('used_at', 'is', null).execute()
}
