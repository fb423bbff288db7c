import type { Db } from '../../db/database.js'
import { holdsOpenTerm } from '../communities/communities.repository.js'
import { withdrawUpcomingAnswers } from '../rsvps/rsvps.service.js'
import { deleteMembership, findCommunityMembership, setSuspension } from './memberships.repository.js'

/*
 * An organizer's measures against a member: suspend (the member stays on the books but counts as a member
 * nowhere in the community until it is lifted) or remove (the membership ends; they may ask to join again).
 * Either way their answers to events not yet over are withdrawn, so their seats go to the waitlist.
 * Organizers are not suspended or removed this way: their term is ended first (organizers page).
 */

export type StandingResult = { ok: true, name: string, withdrawn: number } | { ok: false, status: number, message: string }

async function check (trx: Db, communityId: number, memberId: number, byMemberId: number) {
  const member = await findCommunityMembership(trx, communityId, memberId)
  if (!member) return { error: { ok: false as const, status: 404, message: 'That person is not a member of this community.' } }
  if (memberId === byMemberId) return { error: { ok: false as const, status: 409, message: 'You cannot suspend or remove yourself.' } }
  if (await holdsOpenTerm(trx, communityId, memberId)) {
    return { error: { ok: false as const, status: 409, message: `${member.full_name} holds an organizer term. End it on the organizers page first.` } }
  }
  return { member }
}

/** Suspends a member with a reason. Call inside a transaction. */
export async function suspendMember (trx: Db, communityId: number, memberId: number, reason: string, byMemberId: number): Promise<StandingResult> {
  const { member, error } = await check(trx, communityId, memberId, byMemberId)
  if (error) return error
  if (member.suspended_at) return { ok: false, status: 409, message: `${member.full_name} is already suspended.` }
  await setSuspension(trx, communityId, memberId, { at: new Date(), reason })
  const withdrawn = await withdrawUpcomingAnswers(trx, communityId, memberId)
  return { ok: true, name: member.full_name, withdrawn }
}

/** Lifts a suspension. Call inside a transaction. */
export async function liftSuspension (trx: Db, communityId: number, memberId: number): Promise<StandingResult> {
  const member = await findCommunityMembership(trx, communityId, memberId)
  if (!member) return { ok: false, status: 404, message: 'That person is not a member of this community.' }
  if (!member.suspended_at) return { ok: false, status: 409, message: `${member.full_name} is not suspended.` }
  await setSuspension(trx, communityId, memberId, null)
  return { ok: true, name: member.full_name, withdrawn: 0 }
}

/** Removes a member from the community. Call inside a transaction. */
export async function removeMember (trx: Db, communityId: number, memberId: number, byMemberId: number): Promise<StandingResult> {
  const { member, error } = await check(trx, communityId, memberId, byMemberId)
  if (error) return error
  const withdrawn = await withdrawUpcomingAnswers(trx, communityId, memberId)
  await deleteMembership(trx, communityId, memberId)
  return { ok: true, name: member.full_name, withdrawn }
}
