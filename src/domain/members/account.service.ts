import type { Kysely } from 'kysely'
import type { Database, Db } from '../../db/database.js'
import { listCurrentOrganizers, termsNotEnded } from '../communities/communities.repository.js'
import { endTerm } from '../communities/organizers.service.js'
import { deleteMailOf } from '../mail/mail.repository.js'
import { leaveInTransaction, LeaveRefused, onlyOrganizerMessage } from '../memberships/leave.service.js'
import { membershipsOf } from '../memberships/memberships.repository.js'
import { answerInTransaction } from '../rsvps/rsvps.service.js'
import { openAnswers } from '../rsvps/rsvps.repository.js'
import { deleteMember, findMemberById } from './members.repository.js'

/*
 * Deleting one's account. First, as for leaving each community (memberships/leave.service.ts): organizer terms
 * end (refused while they are some community's only current organizer), answers to events not yet over are
 * withdrawn through the RSVP service so the waitlist moves up and the others' calendar mail follows. Then the
 * member's row goes, and with it (by the schema's ON DELETE CASCADE) their profile, memberships, answers,
 * check-ins, sessions and tokens; the mail sent to them is deleted too. Events they created stay, without them.
 */

export interface AccountDeletionPreview {
  communities: Array<{ id: number, slug: string, name: string }>
  answers: Array<{ id: number, title: string, starts_at: Date, time_zone: string, status: string }>
  /** Communities of which they hold an organizer term that deletion ends. */
  organizerOf: string[]
  /** Why the account can't be deleted yet (they are a community's only current organizer), or null. */
  refusal: string | null
}

export async function accountDeletionPreview (db: Db, memberId: number, now = new Date()): Promise<AccountDeletionPreview> {
  const [communities, answers, terms] = await Promise.all([
    membershipsOf(db, memberId), openAnswers(db, memberId, null, now), termsNotEnded(db, memberId, null)
  ])
  return { communities, answers, organizerOf: [...new Set(terms.map((t) => t.community_name))], refusal: await onlyOrganizerOf(db, memberId, terms) }
}

async function onlyOrganizerOf (db: Db, memberId: number, terms: Array<{ community_id: number, community_name: string }>): Promise<string | null> {
  for (const t of terms) {
    const organizers = await listCurrentOrganizers(db, t.community_id)
    if (organizers.length === 1 && organizers[0].id === memberId) {
      return onlyOrganizerMessage(t.community_name, 'delete your account')
    }
  }
  return null
}

/** Deletes the member's account (see above); a refusal comes back as a message and nothing changes. */
export async function deleteAccount (db: Kysely<Database>, memberId: number, now = new Date()): Promise<{ ok: true } | { ok: false, message: string }> {
  try {
    await db.transaction().execute(async (trx) => {
      const member = await findMemberById(trx, memberId)
      if (!member) return
      for (const c of await membershipsOf(trx, memberId)) await leaveInTransaction(trx, c, memberId, now, 'delete your account')
      // Terms and answers left where they are no longer a member (an organizer without membership, an answer
      // given before they lost it).
      for (const term of await termsNotEnded(trx, memberId, null)) {
        const ended = await endTerm(trx, term.community_id, term.id)
        if (!ended.ok) throw new LeaveRefused(onlyOrganizerMessage(term.community_name, 'delete your account'))
      }
      for (const a of await openAnswers(trx, memberId, null, now)) {
        await answerInTransaction(trx, { eventId: a.id, memberId, choice: 'declined' }, now)
      }
      await deleteMailOf(trx, memberId, member.email)
      await deleteMember(trx, memberId)
    })
    return { ok: true }
  } catch (err) {
    if (err instanceof LeaveRefused) return { ok: false, message: err.message }
    throw err
  }
}
