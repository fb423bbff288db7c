import { DateTime } from 'luxon'
import type { Kysely } from 'kysely'
import type { Database, Db } from '../../db/database.js'
import { isIsoDate } from '../../lib/forms.js'
import { queueTemplatedMail, type Mailer } from '../mail/mailer.js'
import { communitySender } from '../mail/sender.js'
import { findMemberById } from '../members/members.repository.js'
import { deleteTerm, findCommunityMemberByEmail, findTerm, insertTerm, listCommunities, listCurrentOrganizers, listMembersTerms, lockCommunity,
  overlappingTerms, setTermEnd, today } from './communities.repository.js'

export type OrganizerResult = { ok: true, message: string, name: string } | { ok: false, errors: Record<string, string> }

/**
 * Gives a member of the community an organizer term. Call inside a transaction.
 * `startsOn` defaults to today; `endsOn` (optional) must not be before it.
 */
export async function addOrganizer (db: Db, communityId: number, form: { email: string, starts_on: string, ends_on: string }, byMemberId: number): Promise<OrganizerResult> {
  const errors: Record<string, string> = {}
  const startsOn = form.starts_on || await today(db)
  const endsOn = form.ends_on || null
  if (!form.email) errors.email = 'Choose the member who will organize.'
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
  return { ok: true, name: member.full_name, message: `${member.full_name} is an organizer from ${startsOn}${endsOn ? ` to ${endsOn}` : ''}.` }
}

/**
 * Ends a term now: its last day becomes yesterday (a term that has not started yet, or started today, is
 * withdrawn). Refused when it would leave the community without a current organizer. Call inside a transaction.
 */
export async function endTerm (db: Db, communityId: number, termId: number): Promise<{ ok: true, name: string } | { ok: false, message: string, status: number }> {
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
  const member = await findMemberById(db, term.member_id)
  return { ok: true, name: member?.full_name ?? '' }
}

/** How long a lapsing last term is extended when nobody takes over. */
export const EXTENSION_MONTHS = 3
/** The organizers page warns this many days before the last term ends with nobody to take over. */
export const HANDOVER_WARNING_DAYS = 30

/**
 * The last day on which the community has an organizer, if every term ends (null: someone holds an open-ended
 * term or terms reach on without a gap; a date: nobody organizes after it). Terms are contiguous coverage
 * from today: a term that starts the day after another ends continues it.
 */
export function coverageEnds (terms: Array<{ starts_on: string, ends_on: string | null }>, today: string): string | null | 'none' {
  const sorted = terms.filter((t) => t.ends_on === null || t.ends_on >= today).sort((a, b) => a.starts_on.localeCompare(b.starts_on))
  let covered: string | null = null
  for (const t of sorted) {
    const reaches = covered === null ? today : DateTime.fromISO(covered).plus({ days: 1 }).toISODate()!
    if (t.starts_on > reaches) break
    if (t.ends_on === null) return null
    if (covered === null || t.ends_on > covered) covered = t.ends_on
  }
  return covered ?? 'none'
}

/**
 * For the organizers page: the last day anyone organizes, when it is within HANDOVER_WARNING_DAYS (and what
 * happens then), or null when the community is covered beyond that.
 */
export function handoverWarning (terms: Array<{ starts_on: string, ends_on: string | null }>, today: string): { lastDay: string, extensionMonths: number } | null {
  const ends = coverageEnds(terms, today)
  if (ends === null) return null
  const lastDay = ends === 'none' ? today : ends
  return lastDay <= DateTime.fromISO(today).plus({ days: HANDOVER_WARNING_DAYS }).toISODate()! ? { lastDay, extensionMonths: EXTENSION_MONTHS } : null
}

/**
 * The daily safety net for "a community always keeps at least one organizer": where every term ends today
 * (or all have ended — the job did not run), the latest term is extended by EXTENSION_MONTHS and its holder
 * is told, so the community is never left without a coordinator. Returns the communities changed.
 */
export async function keepAnOrganizer (db: Kysely<Database>, mailer: Mailer): Promise<number> {
  const communities = await listCommunities(db)
  let changed = 0
  for (const c of communities) {
    changed += await db.transaction().execute(async (trx) => {
      await lockCommunity(trx, c.id)
      const now = await today(trx)
      const terms = await listMembersTerms(trx, c.id)
      const ends = coverageEnds(terms, now)
      if (ends === null || (ends !== 'none' && ends > now)) return 0
      // The latest term to have ended (or ending today): terms come latest end first; open-ended ones never reach here.
      const last = terms.find((t) => t.starts_on <= now)
      if (!last) return 0
      const until = DateTime.fromISO(now).plus({ months: EXTENSION_MONTHS }).toISODate()!
      await setTermEnd(trx, last.id, until)
      const holder = await findMemberById(trx, last.member_id)
      if (!holder) return 0
      await queueTemplatedMail(trx, mailer, {
        template: 'term-extended',
        kind: 'term-extended',
        to: holder.email,
        memberId: holder.id,
        data: { name: holder.full_name, community: { name: c.name, slug: c.slug }, until },
        from: communitySender(mailer.site.mailFrom, { name: c.name, contact_email: null }, { replyTo: 'none' })
      })
      return 1
    })
  }
  return changed
}

interface TermDates { starts_on: string, ends_on: string | null }

/**
 * The organizers page: terms grouped as they stand on `today`, each with what ending it means (a term that has
 * not begun is withdrawn, one that has is ended — see endTerm), and the handover warning.
 */
export function organizerTermsView<T extends TermDates> (terms: T[], today: string) {
  const withAction = (t: T) => ({ ...t, endLabel: t.starts_on > today ? 'Withdraw' : 'End now' })
  return {
    today,
    handover: handoverWarning(terms, today),
    current: terms.filter((t) => t.starts_on <= today && (t.ends_on === null || t.ends_on >= today)).map(withAction),
    upcoming: terms.filter((t) => t.starts_on > today).map(withAction),
    past: terms.filter((t) => t.ends_on !== null && t.ends_on < today)
  }
}
