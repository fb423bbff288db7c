import { DateTime } from 'luxon'
import type { Db } from '../../db/database.js'
import { isIsoDate } from '../../lib/forms.js'
import { deleteTerm, findCommunityMemberByEmail, findTerm, insertTerm, listCurrentOrganizers, lockCommunity,
  overlappingTerms, setTermEnd, today } from './communities.repository.js'

export type OrganizerResult = { ok: true, message: string } | { ok: false, errors: Record<string, string> }


/**
 * Gives a member of the community an organizer term. Call inside a transaction.
 * `startsOn` defaults to today; `endsOn` (optional) must not be before it.
 */
export async function addOrganizer (db: Db, communityId: number, form: { email: string, starts_on: string, ends_on: string }, byMemberId: number): Promise<OrganizerResult> {
  const errors: Record<string, string> = {}
  const startsOn = form.starts_on || await today(db)
  const endsOn = form.ends_on || null
  if (!form.email) errors.email = 'Enter the email address of the member who will organize.'
  if (!isIsoDate(startsOn)) errors.starts_on = 'Enter the start date as a real date, like 2026-01-31.'
  if (endsOn && !isIsoDate(endsOn)) errors.ends_on = 'Enter the end date as a real date, like 2026-12-31, or leave it empty.'
  else if (endsOn && isIsoDate(startsOn) && endsOn < startsOn) errors.ends_on = 'The end date must be on or after the start date.'
  if (Object.keys(errors).length) return { ok: false, errors }
  const member = await findCommunityMemberByEmail(db, communityId, form.email)
  if (!member) return { ok: false, errors: { email: `No member of this community has the address ${form.email}. Invite them first, then make them an organizer.` } }
  await lockCommunity(db, communityId)
  if ((await overlappingTerms(db, communityId, member.id, startsOn, endsOn)).length) {
    return { ok: false, errors: { starts_on: `${member.full_name} already holds an organizer term in these dates. End it first, or choose other dates.` } }
  }
  await insertTerm(db, { communityId, memberId: member.id, startsOn, endsOn, createdBy: byMemberId })
  return { ok: true, message: `${member.full_name} is an organizer from ${startsOn}${endsOn ? ` to ${endsOn}` : ''}.` }
}

/**
 * Ends a term now: its last day becomes yesterday (a term that has not started yet, or started today, is
 * withdrawn). Refused when it would leave the community without a current organizer. Call inside a transaction.
 */
export async function endTerm (db: Db, communityId: number, termId: number): Promise<{ ok: true } | { ok: false, message: string, status: number }> {
  await lockCommunity(db, communityId)
  const term = await findTerm(db, communityId, termId)
  if (!term) return { ok: false, status: 404, message: 'That organizer term does not exist in this community.' }
  const now = await today(db)
  if (term.ends_on !== null && term.ends_on < now) return { ok: false, status: 409, message: 'That term has already ended.' }
  const current = await listCurrentOrganizers(db, communityId)
  const coversToday = term.starts_on <= now
  if (coversToday && current.length === 1 && current[0].id === term.member_id) {
    // Another term of the same member could still cover today; only the count of people matters.
    return {
      ok: false,
      status: 409,
      message: `${current[0].full_name} is the only current organizer. A community always keeps at least one organizer: add another organizer first, then end this term.`
    }
  }
  const yesterday = DateTime.fromISO(now).minus({ days: 1 }).toISODate()!
  if (term.starts_on > yesterday) await deleteTerm(db, termId)
  else await setTermEnd(db, termId, yesterday)
  return { ok: true }
}
