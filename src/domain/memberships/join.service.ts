import type { Community, Db, Member } from '../../db/database.js'
import { absoluteUrl, paths } from '../../lib/paths.js'
import { hashToken, randomToken } from '../../lib/tokens.js'
import { consumeToken, inspectToken, type TokenProblem } from '../auth/auth.service.js'
import { insertEmailToken, useInvitationTokens } from '../auth/auth.repository.js'
import { listCurrentOrganizers } from '../communities/communities.repository.js'
import { decideJoin } from '../communities/policy.js'
import { queueTemplatedMail, type Mailer } from '../mail/mailer.js'
import { communitySender } from '../mail/sender.js'
import { findMemberByEmail, insertMember } from '../members/members.repository.js'
import { markEmailVerified } from '../members/members.service.js'
import { findInvitation, findJoinRequest, insertInvitation, insertJoinRequest, insertMembership, isCommunityMember,
  lockOpenInvitation, markInvitationAccepted, markInvitationRevoked, openRequestFor, transitionJoinRequest, updateJoinRequest } from './memberships.repository.js'

/** How long the link that verifies an address works. */
export const VERIFY_HOURS = 24
/** How long the link in an approval message works. */
export const APPROVAL_LINK_DAYS = 7
/** How long an invitation works. */
export const INVITATION_DAYS = 14

/** Where a step of joining leaves the person. */
export type JoinOutcome =
  | { kind: 'check-email', link: string }
  | { kind: 'invitation-only' }
  | { kind: 'domain-refused', allowedDomains: string[] }
  | { kind: 'pending' }
  /** May accept the norms now (an approved request exists); `memberId` is who to sign in. */
  | { kind: 'admit', memberId: number }
  | { kind: 'already-member', memberId: number }
  | { kind: 'declined' }
  | { kind: 'token-problem', problem: TokenProblem }

export interface JoinForm { email: string, fullName: string, agency: string, note: string }

const hours = (h: number) => new Date(Date.now() + h * 3_600_000)

/** Records a single-use link token for a mail and returns it (only its hash is stored). */
async function issueToken (db: Db, purpose: 'verify-email' | 'invitation', email: string, expiresAt: Date,
  ids: { memberId?: number | null, joinRequestId?: number, invitationId?: number }): Promise<string> {
  const token = randomToken()
  await insertEmailToken(db, { tokenHash: hashToken(token), purpose, email, expiresAt, ...ids })
  return token
}

const communityData = (c: Community) => ({ name: c.name, slug: c.slug, about: c.about })

async function notifyOrganizers (db: Db, mailer: Mailer, community: Community, request: { full_name: string, agency: string, email: string, note: string }): Promise<void> {
  const organizers = await listCurrentOrganizers(db, community.id)
  for (const o of organizers) {
    await queueTemplatedMail(db, mailer, {
      template: 'join-request',
      kind: 'join-request',
      to: o.email,
      memberId: o.id,
      data: {
        name: o.full_name,
        community: communityData(community),
        request: { full_name: request.full_name, agency: request.agency, email: request.email, note: request.note }
      },
      // To the organizers themselves: a Reply-To of the community's own address would lead nowhere new.
      from: communitySender(mailer.site.mailFrom, community, { replyTo: 'none' })
    })
  }
}

/**
 * Someone who is not signed in asks to join: the policy is checked on the address as typed (so nobody is
 * mailed a link that cannot work), a request is recorded, and a link to verify the address is mailed.
 * The domain is checked again when the address is verified (the policy may change in between).
 */
export async function requestToJoin (db: Db, mailer: Mailer, community: Community, form: JoinForm): Promise<JoinOutcome> {
  const decision = decideJoin(community, form.email)
  if (decision.kind === 'invitation-only' || decision.kind === 'domain-refused') return decision
  const request = await insertJoinRequest(db, {
    communityId: community.id, email: form.email, fullName: form.fullName, agency: form.agency, note: form.note, status: 'unverified'
  })
  const token = await issueToken(db, 'verify-email', form.email, hours(VERIFY_HOURS), { joinRequestId: request.id })
  await queueTemplatedMail(db, mailer, {
    template: 'verify-email',
    kind: 'verify-email',
    to: form.email,
    data: { name: form.fullName, community: communityData(community), token, hours: VERIFY_HOURS },
    from: communitySender(mailer.site.mailFrom, community)
  })
  return { kind: 'check-email', link: absoluteUrl(mailer.site.publicUrl, paths.joinVerify(token)) }
}

/**
 * What `requestToJoin` would answer, without recording a request or mailing: for a form sent once too often
 * for this address, so that nobody learns, from the answer, that the limit was reached.
 */
export function joinOutcomeWithoutMail (community: Community, email: string): JoinOutcome {
  const decision = decideJoin(community, email)
  if (decision.kind === 'invitation-only' || decision.kind === 'domain-refused') return decision
  return { kind: 'check-email', link: '' }
}

/** A signed-in member asks to join another community: their address is already verified. */
export async function requestAsMember (db: Db, mailer: Mailer, community: Community, member: Member, note: string): Promise<JoinOutcome> {
  if (await isCommunityMember(db, community.id, member.id)) return { kind: 'already-member', memberId: member.id }
  const decision = decideJoin(community, member.email)
  if (decision.kind === 'invitation-only' || decision.kind === 'domain-refused') return decision
  const open = await openRequestFor(db, community.id, member.id)
  if (open) return open.status === 'approved' ? { kind: 'admit', memberId: member.id } : { kind: 'pending' }
  const base = { communityId: community.id, email: member.email, fullName: member.full_name, agency: member.agency, note, memberId: member.id, verified: true }
  if (decision.kind === 'admit') {
    await insertJoinRequest(db, { ...base, status: 'approved' })
    return { kind: 'admit', memberId: member.id }
  }
  await insertJoinRequest(db, { ...base, status: 'pending' })
  await notifyOrganizers(db, mailer, community, { full_name: member.full_name, agency: member.agency, email: member.email, note })
  return { kind: 'pending' }
}

/** What the page behind an emailed join link shows before its button is pressed (changes nothing). */
export async function inspectJoinLink (db: Db, token: string) {
  const found = await inspectToken(db, token, 'verify-email')
  const request = found.row?.join_request_id ? await findJoinRequest(db, found.row.join_request_id) : undefined
  return { problem: found.problem ?? (request ? null : 'invalid' as TokenProblem), request }
}

/**
 * The button behind a verify link: uses the token, then applies the policy. Creates the member account (from
 * the request's name and agency) if no member has the address. Also serves the link in an approval message.
 * Call inside a transaction; returns the outcome and the community.
 */
export async function verifyJoin (db: Db, mailer: Mailer, token: string, findCommunity: (id: number) => Promise<Community | undefined>): Promise<{ outcome: JoinOutcome, community?: Community }> {
  const used = await consumeToken(db, token, 'verify-email')
  if (used.problem || !used.row?.join_request_id) return { outcome: { kind: 'token-problem', problem: used.problem ?? 'invalid' } }
  const request = await findJoinRequest(db, used.row.join_request_id)
  const community = request ? await findCommunity(request.community_id) : undefined
  if (!request || !community) return { outcome: { kind: 'token-problem', problem: 'invalid' } }

  if (request.status === 'approved' && request.member_id) {
    await markEmailVerified(db, request.member_id)
    return { outcome: { kind: 'admit', memberId: request.member_id }, community }
  }
  if (request.status === 'rejected') return { outcome: { kind: 'declined' }, community }
  if (request.status === 'pending') return { outcome: { kind: 'pending' }, community }
  if (request.status === 'joined' && request.member_id) return { outcome: { kind: 'already-member', memberId: request.member_id }, community }

  const decision = decideJoin(community, request.email)
  if (decision.kind === 'invitation-only' || decision.kind === 'domain-refused') {
    await updateJoinRequest(db, request.id, { status: 'rejected', decided_at: new Date(), decision_note: 'The email domain may not join.' })
    return { outcome: decision, community }
  }
  let member = await findMemberByEmail(db, request.email)
  if (member) await markEmailVerified(db, member.id)
  else member = await insertMember(db, { email: request.email, full_name: request.full_name, agency: request.agency, email_verified_at: new Date() })

  if (await isCommunityMember(db, community.id, member.id)) {
    await updateJoinRequest(db, request.id, { status: 'joined', member_id: member.id, verified_at: new Date() })
    return { outcome: { kind: 'already-member', memberId: member.id }, community }
  }
  if (decision.kind === 'needs-approval') {
    await updateJoinRequest(db, request.id, { status: 'pending', member_id: member.id, verified_at: new Date() })
    await notifyOrganizers(db, mailer, community, request)
    return { outcome: { kind: 'pending' }, community }
  }
  await updateJoinRequest(db, request.id, { status: 'approved', member_id: member.id, verified_at: new Date(), decided_at: new Date() })
  return { outcome: { kind: 'admit', memberId: member.id }, community }
}

/** An organizer approves a pending request; the person is mailed a link to sign in and accept the norms. */
export async function approveRequest (db: Db, mailer: Mailer, community: Community, requestId: number, organizerId: number): Promise<{ ok: boolean, name?: string }> {
  const request = await findJoinRequest(db, requestId)
  if (!request || request.community_id !== community.id || !request.member_id) return { ok: false }
  if (!await transitionJoinRequest(db, request.id, 'pending', { status: 'approved', decided_at: new Date(), decided_by: organizerId })) return { ok: false }
  const token = await issueToken(db, 'verify-email', request.email, hours(APPROVAL_LINK_DAYS * 24),
    { joinRequestId: request.id, memberId: request.member_id })
  await queueTemplatedMail(db, mailer, {
    template: 'join-approved',
    kind: 'join-approved',
    to: request.email,
    memberId: request.member_id,
    data: { name: request.full_name, community: communityData(community), token, days: APPROVAL_LINK_DAYS },
    from: communitySender(mailer.site.mailFrom, community)
  })
  return { ok: true, name: request.full_name }
}

/** An organizer declines a pending request, with an optional note that is mailed to the person. */
export async function declineRequest (db: Db, mailer: Mailer, community: Community, requestId: number, organizerId: number, note: string): Promise<{ ok: boolean, name?: string }> {
  const request = await findJoinRequest(db, requestId)
  if (!request || request.community_id !== community.id) return { ok: false }
  if (!await transitionJoinRequest(db, request.id, 'pending', { status: 'rejected', decided_at: new Date(), decided_by: organizerId, decision_note: note || null })) return { ok: false }
  await queueTemplatedMail(db, mailer, {
    template: 'join-declined',
    kind: 'join-declined',
    to: request.email,
    memberId: request.member_id,
    data: { name: request.full_name, community: communityData(community), note },
    from: communitySender(mailer.site.mailFrom, community)
  })
  return { ok: true, name: request.full_name }
}

/** Where the member stands with a community they do not belong to yet (for its landing page). */
export async function joinStatus (db: Db, communityId: number, memberId: number): Promise<'pending' | 'approved' | null> {
  const open = await openRequestFor(db, communityId, memberId)
  return open ? open.status as 'pending' | 'approved' : null
}

/**
 * The member ticked "I accept the norms": with an approved request (or an accepted invitation) they become a
 * member. Call inside a transaction. 'none' when they have nothing approved to accept.
 */
export async function acceptNorms (db: Db, communityId: number, memberId: number): Promise<'joined' | 'already-member' | 'none'> {
  if (await isCommunityMember(db, communityId, memberId)) return 'already-member'
  const open = await openRequestFor(db, communityId, memberId)
  if (!open || open.status !== 'approved') return 'none'
  await insertMembership(db, communityId, memberId)
  await updateJoinRequest(db, open.id, { status: 'joined' })
  if (open.invitation_id) await markInvitationAccepted(db, open.invitation_id)
  return 'joined'
}

/** An organizer invites people by address: one message each with a single-use link. Call inside a transaction. */
export async function inviteByEmail (db: Db, mailer: Mailer, community: Community, emails: string[], inviter: Member): Promise<{ invited: string[], alreadyMembers: string[] }> {
  const invited: string[] = []
  const alreadyMembers: string[] = []
  for (const email of emails) {
    const existing = await findMemberByEmail(db, email)
    if (existing && await isCommunityMember(db, community.id, existing.id)) { alreadyMembers.push(email); continue }
    const invitation = await insertInvitation(db, community.id, email, inviter.id)
    await mailInvitation(db, mailer, community, invitation, existing?.id ?? null, inviter)
    invited.push(email)
  }
  return { invited, alreadyMembers }
}

/** A new single-use link for the invitation, mailed to its address. */
async function mailInvitation (db: Db, mailer: Mailer, community: Community, invitation: { id: number, email: string }, memberId: number | null, inviter: Member) {
  const token = await issueToken(db, 'invitation', invitation.email, hours(INVITATION_DAYS * 24), { invitationId: invitation.id, memberId })
  await queueTemplatedMail(db, mailer, {
    template: 'invitation',
    kind: 'invitation',
    to: invitation.email,
    memberId,
    data: { inviter: { full_name: inviter.full_name, agency: inviter.agency }, community: communityData(community), token, days: INVITATION_DAYS },
    from: communitySender(mailer.site.mailFrom, community, { writer: inviter })
  })
}

/** Revokes an invitation not yet accepted: its links stop working. Call inside a transaction. */
export async function revokeInvitation (db: Db, community: Community, invitationId: number): Promise<{ ok: true, email: string } | { ok: false }> {
  const invitation = await lockOpenInvitation(db, community.id, invitationId)
  if (!invitation) return { ok: false }
  await markInvitationRevoked(db, invitation.id)
  await useInvitationTokens(db, invitation.id)
  return { ok: true, email: invitation.email }
}

/**
 * Sends an invitation not yet accepted again, with a new link for another 14 days (the older links stop working),
 * in the name of the organizer who resends it. Call inside a transaction.
 */
export async function resendInvitation (db: Db, mailer: Mailer, community: Community, invitationId: number, sender: Member): Promise<{ ok: true, email: string } | { ok: false }> {
  const invitation = await lockOpenInvitation(db, community.id, invitationId)
  if (!invitation) return { ok: false }
  await useInvitationTokens(db, invitation.id)
  const existing = await findMemberByEmail(db, invitation.email)
  await mailInvitation(db, mailer, community, invitation, existing?.id ?? null, sender)
  return { ok: true, email: invitation.email }
}

/** What the page behind an invitation link shows (changes nothing). */
export async function inspectInvitation (db: Db, token: string) {
  const found = await inspectToken(db, token, 'invitation')
  const invitation = found.row?.invitation_id ? await findInvitation(db, found.row.invitation_id) : undefined
  let problem = found.problem ?? (invitation ? null : 'invalid' as TokenProblem)
  if (!problem && invitation?.revoked_at) problem = 'invalid'
  const member = invitation ? await findMemberByEmail(db, invitation.email) : undefined
  return { problem, invitation, hasAccount: Boolean(member) }
}

/**
 * The button behind an invitation link. Without an account for the address, `profile` (full name and agency)
 * is needed to create one. Invitations bypass the domain and approval checks. Call inside a transaction.
 */
export async function acceptInvitation (db: Db, token: string, profile: { fullName: string, agency: string } | null):
Promise<{ outcome: JoinOutcome, communityId?: number }> {
  const used = await consumeToken(db, token, 'invitation')
  if (used.problem || !used.row?.invitation_id) return { outcome: { kind: 'token-problem', problem: used.problem ?? 'invalid' } }
  const invitation = await findInvitation(db, used.row.invitation_id)
  if (!invitation || invitation.revoked_at) return { outcome: { kind: 'token-problem', problem: 'invalid' } }
  let member = await findMemberByEmail(db, invitation.email)
  if (member) await markEmailVerified(db, member.id)
  else if (profile) member = await insertMember(db, { email: invitation.email, full_name: profile.fullName, agency: profile.agency, email_verified_at: new Date() })
  else return { outcome: { kind: 'token-problem', problem: 'invalid' } }
  if (await isCommunityMember(db, invitation.community_id, member.id)) {
    await markInvitationAccepted(db, invitation.id)
    return { outcome: { kind: 'already-member', memberId: member.id }, communityId: invitation.community_id }
  }
  const open = await openRequestFor(db, invitation.community_id, member.id)
  if (open?.status === 'approved') return { outcome: { kind: 'admit', memberId: member.id }, communityId: invitation.community_id }
  if (open) await updateJoinRequest(db, open.id, { status: 'approved', invitation_id: invitation.id, decided_at: new Date(), decided_by: invitation.invited_by })
  else {
    await insertJoinRequest(db, {
      communityId: invitation.community_id, email: member.email, fullName: member.full_name, agency: member.agency, note: '',
      status: 'approved', memberId: member.id, invitationId: invitation.id, verified: true, decidedBy: invitation.invited_by
    })
  }
  return { outcome: { kind: 'admit', memberId: member.id }, communityId: invitation.community_id }
}
