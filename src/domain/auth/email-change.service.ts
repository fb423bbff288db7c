import type { Db, Member } from '../../db/database.js'
import { hashToken, randomToken } from '../../lib/tokens.js'
import { queueTemplatedMail, type Mailer } from '../mail/mailer.js'
import { findMemberByEmail, findMemberById, updateMember } from '../members/members.repository.js'
import { expireTokensOf, insertEmailToken } from './auth.repository.js'
import { consumeToken, inspectToken, type TokenProblem } from './auth.service.js'

/*
 * Changing a member's email address. The member asks on their profile; a single-use link (24 hours, stored as a
 * hash, like the join links) goes to the NEW address; the address changes only when that link is confirmed, and
 * then the OLD address is told. Until then everything goes to the old address, which still signs in.
 */

export const EMAIL_CHANGE_HOURS = 24

/**
 * Mails a confirmation link to `newEmail` (normalised). Refused only when it is the member's own address. An
 * address another account uses gets nothing, and the member sees the same answer, so the form never tells
 * whether an address has an account; confirming checks again.
 */
export async function requestEmailChange (db: Db, mailer: Mailer, member: Member, newEmail: string): Promise<{ ok: true } | { ok: false, message: string }> {
  if (newEmail === member.email.toLowerCase()) return { ok: false, message: 'That is already your address. Enter the new one.' }
  if (await findMemberByEmail(db, newEmail)) return { ok: true }
  const token = randomToken()
  await insertEmailToken(db, {
    tokenHash: hashToken(token), purpose: 'change-email', email: newEmail, memberId: member.id,
    expiresAt: new Date(Date.now() + EMAIL_CHANGE_HOURS * 3_600_000)
  })
  await queueTemplatedMail(db, mailer, {
    template: 'email-change',
    kind: 'email-change',
    to: newEmail,
    memberId: member.id,
    data: { name: member.full_name, token, hours: EMAIL_CHANGE_HOURS, oldEmail: member.email, newEmail }
  })
  return { ok: true }
}

export type EmailChangeProblem = TokenProblem | 'taken'

/** Checks a confirmation link without using it (the page the GET shows). */
export async function inspectEmailChange (db: Db, token: string): Promise<{ problem: EmailChangeProblem | null, newEmail?: string, member?: Member }> {
  const found = await inspectToken(db, token, 'change-email')
  if (found.problem || !found.row?.member_id) return { problem: found.problem ?? 'invalid' }
  const member = await findMemberById(db, found.row.member_id)
  if (!member) return { problem: 'invalid' }
  return { problem: null, newEmail: found.row.email, member }
}

/**
 * Uses the link and changes the address, in the caller's transaction: the new address counts as verified, the
 * member's other open links (sign-in links to the old address, other change links) stop working, and the old
 * address is told. Refused ('taken') when another account has the new address by now.
 */
export async function confirmEmailChange (trx: Db, mailer: Mailer, token: string):
Promise<{ ok: true, member: Member, newEmail: string } | { ok: false, problem: EmailChangeProblem }> {
  const used = await consumeToken(trx, token, 'change-email')
  if (used.problem || !used.row?.member_id) return { ok: false, problem: used.problem ?? 'invalid' }
  const member = await findMemberById(trx, used.row.member_id)
  if (!member) return { ok: false, problem: 'invalid' }
  const newEmail = used.row.email
  const other = await findMemberByEmail(trx, newEmail)
  if (other && other.id !== member.id) return { ok: false, problem: 'taken' }
  await updateMember(trx, member.id, { email: newEmail, email_verified_at: new Date() })
  await expireTokensOf(trx, member.id, ['sign-in', 'change-email'])
  await queueTemplatedMail(trx, mailer, {
    template: 'email-changed',
    kind: 'email-changed',
    to: member.email,
    memberId: member.id,
    data: { name: member.full_name, oldEmail: member.email, newEmail }
  })
  return { ok: true, member, newEmail }
}
