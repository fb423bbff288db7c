import type { TaggedCache } from '../../infra/cache/tagged-cache.js'
import { tags } from '../../infra/cache/tags.js'
import type { Db, EmailTokenPurpose, Member } from '../../db/database.js'
import { hashToken, randomToken } from '../../lib/tokens.js'
import { findMemberByEmail } from '../members/members.repository.js'
import { absoluteUrl, paths } from '../../lib/paths.js'
import { queueTemplatedMail, type Mailer } from '../mail/mailer.js'
import { deleteSession, findEmailToken, findSessionMember, insertEmailToken, insertSession, useEmailToken } from './auth.repository.js'

export const SIGN_IN_MINUTES = 15

/**
 * Emails a sign-in link if a member has this address; does nothing otherwise, so the answer the person sees
 * never tells whether an address is known. Returns the link (printed to the console when there is no SMTP).
 * `next` must already be a safe local path (`safeNext`).
 */
export async function requestSignIn (db: Db, mailer: Mailer, email: string, next = '/'): Promise<string | null> {
  const member = await findMemberByEmail(db, email)
  // A deactivated account gets no link, and the page says what it says for an unknown address.
  if (!member || member.deactivated_at) return null
  const token = randomToken()
  await insertEmailToken(db, {
    tokenHash: hashToken(token), purpose: 'sign-in', email: member.email, memberId: member.id,
    expiresAt: new Date(Date.now() + SIGN_IN_MINUTES * 60_000)
  })
  // `next` (a local path, from safeNext) brings them back to the page that asked them to sign in.
  await queueTemplatedMail(db, mailer, {
    template: 'sign-in',
    kind: 'sign-in',
    to: member.email,
    memberId: member.id,
    data: { name: member.full_name, token, next, minutes: SIGN_IN_MINUTES }
  })
  return absoluteUrl(mailer.site.publicUrl, paths.signInToken(token, next))
}

export type TokenProblem = 'invalid' | 'expired' | 'used'

/** Checks a link token without using it (for the confirmation page that a GET shows). */
export async function inspectToken (db: Db, token: string, purpose: EmailTokenPurpose) {
  const row = token ? await findEmailToken(db, hashToken(token), purpose) : undefined
  if (!row) return { problem: 'invalid' as TokenProblem }
  if (row.used_at) return { problem: 'used' as TokenProblem, row }
  if (row.expires_at.getTime() <= Date.now()) return { problem: 'expired' as TokenProblem, row }
  return { problem: null, row }
}

/** Uses a single-use token; exactly one of several concurrent requests succeeds. */
export async function consumeToken (db: Db, token: string, purpose: EmailTokenPurpose) {
  const found = await inspectToken(db, token, purpose)
  if (found.problem || !found.row) return found
  if (!await useEmailToken(db, found.row.id)) return { problem: 'used' as TokenProblem, row: found.row }
  return found
}

/** Starts a session and returns the cookie value (random; only its hash is stored). */
export async function startSession (db: Db, memberId: number, days: number): Promise<{ id: string, expiresAt: Date }> {
  const id = randomToken()
  const expiresAt = new Date(Date.now() + days * 86_400_000)
  await insertSession(db, hashToken(id), memberId, expiresAt)
  return { id, expiresAt }
}

export async function sessionMember (db: Db, id: string): Promise<Member | undefined> {
  return (await findSessionMember(db, hashToken(id)))?.member
}

/**
 * The member signed in with session `id`, through the read cache: an entry goes when the session or the
 * member changes (tags `session:…`, `member:…`) and is not used after the session's end.
 */
export async function cachedSessionMember (cache: TaggedCache, db: Db, id: string, now = Date.now()): Promise<Member | undefined> {
  const idHash = hashToken(id)
  const found = await cache.get(idHash, async () => {
    const s = await findSessionMember(db, idHash)
    // A cookie matching no session is not kept: made-up cookies must not push real sessions out.
    return { value: s ?? null, tags: s ? [tags.session(idHash), tags.member(s.member.id)] : [], keep: Boolean(s) }
  })
  return found && found.expiresAt.getTime() > now ? found.member : undefined
}

export async function endSession (db: Db, id: string): Promise<void> {
  await deleteSession(db, hashToken(id))
}
