import type { Db } from '../../db/database.js'
import { findMemberById, updateMember } from './members.repository.js'

export async function markEmailVerified (db: Db, memberId: number): Promise<void> {
  const m = await findMemberById(db, memberId)
  if (m && !m.email_verified_at) await updateMember(db, memberId, { email_verified_at: new Date() })
}
