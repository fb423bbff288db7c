import type { Kysely } from 'kysely'
import type { Database, Db } from '../../db/database.js'
import { listCurrentOrganizers, termsNotEnded } from '../communities/communities.repository.js'
import { endTerm } from '../communities/organizers.service.js'
import { withdrawUpcomingAnswers } from '../rsvps/rsvps.service.js'
import { openAnswers } from '../rsvps/rsvps.repository.js'
import { deleteMembership } from './memberships.repository.js'
import { countConnectionsAtCommunity, deleteConnectionsAtCommunity } from '../connections/met.repository.js'

/*
 * Leaving a community. What the member answered to its events that have not ended (going, maybe, waitlisted) is
 * withdrawn as a "can't go" through the RSVP service, so a seat given up goes to the next on the waitlist and the
 * calendar reconciler mails what the calendars need (the leaver's invite taken off, the promoted member's invite).
 * An organizer's term ends with leaving — one step, not two — unless they are the community's only current
 * organizer: a community always keeps one, so they hand over first (organizers.service.ts, endTerm).
 * Connections made at the community's events (and "met" marks said there) go too: the member page would
 * otherwise keep naming an event and people of a community they no longer belong to.
 */

/** Why leaving was refused (the transaction is rolled back). */
export class LeaveRefused extends Error {}

export interface LeavePreview {
  /** Answers that leaving withdraws. */
  answers: Array<{ id: number, title: string, starts_at: Date, time_zone: string, status: string }>
  /** Organizer terms that leaving ends. */
  terms: Array<{ id: number, starts_on: string, ends_on: string | null }>
  /** How many connections made at the community's events leaving removes. */
  connections: number
  /** Why they cannot leave yet (the only current organizer), or null. */
  refusal: string | null
}

/** What the member is doing when refused: leaving one community, or deleting their account. */
export type Departure = 'leave' | 'delete your account'

/** The only-organizer refusal's words, shared by leaving and deleting the account. */
export function onlyOrganizerMessage (communityName: string, then: Departure = 'leave'): string {
  return `You are the only current organizer of ${communityName}. A community always keeps at least one organizer: add another organizer on its Organizers page first, then ${then}.`
}

/** What leaving the community would do, for the confirmation page. */
export async function leavePreview (db: Db, communityId: number, communityName: string, memberId: number, now = new Date()): Promise<LeavePreview> {
  const [answers, terms, organizers, connections] = await Promise.all([
    openAnswers(db, memberId, communityId, now),
    termsNotEnded(db, memberId, communityId),
    listCurrentOrganizers(db, communityId),
    countConnectionsAtCommunity(db, communityId, memberId)
  ])
  const only = organizers.length === 1 && organizers[0].id === memberId
  return { answers, terms, connections, refusal: only ? onlyOrganizerMessage(communityName) : null }
}

/**
 * Leaves the community inside the caller's transaction: ends the member's organizer terms there, withdraws their
 * open answers (waitlist promotion and calendar mail follow as for any "can't go"), removes the connections made
 * at its events, and ends the membership.
 * Throws LeaveRefused (roll back) when they are its only current organizer. Returns how many answers were withdrawn.
 */
export async function leaveInTransaction (trx: Db, community: { id: number, name: string }, memberId: number, now = new Date(),
  then: Departure = 'leave'): Promise<number> {
  for (const term of await termsNotEnded(trx, memberId, community.id)) {
    // endTerm refuses only for the last current organizer (409) or a term that is gone (404, not listed here).
    const ended = await endTerm(trx, community.id, term.id)
    if (!ended.ok) throw new LeaveRefused(ended.status === 409 ? onlyOrganizerMessage(community.name, then) : ended.message)
  }
  const withdrawn = await withdrawUpcomingAnswers(trx, community.id, memberId, now)
  await deleteConnectionsAtCommunity(trx, community.id, memberId)
  await deleteMembership(trx, community.id, memberId)
  return withdrawn
}

/** `leaveInTransaction` in a transaction of its own; a refusal comes back as a message. */
export async function leaveCommunity (db: Kysely<Database>, community: { id: number, name: string }, memberId: number, now = new Date()):
Promise<{ ok: true, withdrawn: number } | { ok: false, message: string }> {
  try {
    const withdrawn = await db.transaction().execute((trx) => leaveInTransaction(trx, community, memberId, now))
    return { ok: true, withdrawn }
  } catch (err) {
    if (err instanceof LeaveRefused) return { ok: false, message: err.message }
    throw err
  }
}
