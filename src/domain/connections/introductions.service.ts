import type { Db, Member } from '../../db/database.js'
import { queueTemplatedMail, type Mailer } from '../mail/mailer.js'
import { findMemberById, searchDirectory } from '../members/members.repository.js'
import { readVisibility, shownFields } from '../members/visibility.js'
import { connectedAmong, findConnection, insertConnection, lockPair, wasRemoved } from './connections.repository.js'
import {
  communityOfAll, countIntroductionsBy, findIntroductionForUpdate, findOpenIntroduction, insertIntroduction, introductionMembers, introductionsBy,
  introductionsTo, rememberDeclinedPair, setAccepted, setDeclined
} from './introductions.repository.js'
import { shareCommunity } from './met-code.repository.js'

/*
 * Introductions (issue 13): any member introduces two members who each share a community with them, with a note
 * ("you both run CODIS audits"). Both are mailed; when both accept, they are connected ("introduced by …") and
 * each sees the other's email address (as connections see it). A decline tells the other only "not accepted",
 * and the pair is not suggested again. No cold messages: a member cannot introduce themself.
 */

export const NOTE_MAX = 500
/** Candidates shown by the "other member" search on the form. */
export const SEARCH_LIMIT = 10
/** Introductions listed per part of the introductions page. */
export const LIST_LIMIT = 100

/** A member the introducer may introduce: shares a community with them, and is not them. */
export async function introducible (db: Db, introducer: Member, memberId: number) {
  if (memberId === introducer.id) return undefined
  if (!await shareCommunity(db, introducer.id, memberId)) return undefined
  const m = await findMemberById(db, memberId)
  return m && { id: m.id, full_name: m.full_name, agency: seenAgency(m) }
}

function seenAgency (m: { agency: string, visibility: unknown }): string | null {
  return shownFields(readVisibility(m.visibility), 'member').has('agency') ? m.agency : null
}

/**
 * Members sharing a community with the introducer whose name (or what they show members) matches `q`, ranked
 * as the directory ranks, without the introducer and `exclude` (the member being introduced). One indexed search
 * of at most a page: the form never lists every member.
 */
export async function searchCandidates (db: Db, introducer: Member, exclude: number, q: string) {
  if (!q.trim()) return []
  const { rows } = await searchDirectory(db, {
    scope: { viewerId: introducer.id }, viewerId: introducer.id, search: q, agency: '', state: '', expertise: '', communityId: null, requirement: '', help: '',
    relation: '', knownFirst: false, limit: SEARCH_LIMIT + 2, offset: 0
  })
  return rows.filter((r) => r.id !== introducer.id && r.id !== exclude).slice(0, SEARCH_LIMIT)
    .map((r) => ({ id: r.id, full_name: r.full_name, agency: seenAgency(r) }))
}

/** At most this many introductions by one member in 24 hours: each sends two mails, and nobody should be flooded. */
export const INTRODUCTIONS_PER_DAY = 20

export type IntroduceResult =
  | { ok: true, names: [string, string] }
  | { ok: false, field: 'other_id' | 'note', message: string }

/**
 * Introduces `memberId` to `otherId` with a note (already checked: 1 to NOTE_MAX characters). Refuses the same
 * person twice, the introducer themself, a member not sharing a community with the introducer, a pair already
 * connected, a pair with an open introduction, a pair that declined an introduction or removed their connection
 * (without saying which: that is theirs), and an introducer past INTRODUCTIONS_PER_DAY. Call inside a
 * transaction (the pair is locked).
 */
export async function introduce (trx: Db, mailer: Mailer, introducer: Member, memberId: number, otherId: number | null, note: string, now = new Date()): Promise<IntroduceResult> {
  const member = await introducible(trx, introducer, memberId)
  if (!member) return { ok: false, field: 'other_id', message: 'You can introduce only members who share a community with you, and not yourself.' }
  if (otherId === null) return { ok: false, field: 'other_id', message: `Choose the member to introduce ${member.full_name} to: search by name, then pick one.` }
  if (otherId === memberId) return { ok: false, field: 'other_id', message: `Choose someone other than ${member.full_name}.` }
  if (otherId === introducer.id) {
    return { ok: false, field: 'other_id', message: 'You cannot introduce yourself. Meet at an event, or ask a member you both know to introduce you.' }
  }
  const other = await introducible(trx, introducer, otherId)
  if (!other) return { ok: false, field: 'other_id', message: 'Choose a member of a community you share, from the search results.' }
  await lockPair(trx, memberId, otherId)
  if (await findConnection(trx, memberId, otherId)) {
    return { ok: false, field: 'other_id', message: `${member.full_name} and ${other.full_name} are already connected.` }
  }
  if (await findOpenIntroduction(trx, memberId, otherId)) {
    return { ok: false, field: 'other_id', message: `${member.full_name} and ${other.full_name} already have an introduction waiting for an answer.` }
  }
  if (await wasRemoved(trx, memberId, otherId)) {
    return { ok: false, field: 'other_id', message: `${member.full_name} and ${other.full_name} can’t be introduced to each other. Choose someone else.` }
  }
  if (await countIntroductionsBy(trx, introducer.id, new Date(now.getTime() - 86_400_000)) >= INTRODUCTIONS_PER_DAY) {
    return {
      ok: false,
      field: 'note',
      message: `You have made ${INTRODUCTIONS_PER_DAY} introductions in the last 24 hours, the most in a day (each one mails two people). Try again tomorrow; your note is kept here.`
    }
  }
  const community = await communityOfAll(trx, introducer.id, memberId, otherId)
  await insertIntroduction(trx, { introducedBy: introducer.id, x: memberId, y: otherId, communityId: community?.community_id ?? null, note })
  await mailBoth(trx, mailer, [memberId, otherId], 'introduction', { introducer: introducer.full_name, note })
  return { ok: true, names: [member.full_name, other.full_name] }
}

export type AnswerResult =
  | { ok: true, outcome: 'accepted' | 'connected' | 'declined', other: string }
  | { ok: false, status: 404 | 409, message: string }

/**
 * A member's answer to an introduction to them. Accepting when the other has accepted connects them (with the
 * introduction and its introducer) and mails both; declining closes it (the other sees "not accepted") and
 * remembers the pair. Anyone not part of it gets 404. Call inside a transaction.
 */
export async function answerIntroduction (trx: Db, mailer: Mailer, memberId: number, introductionId: number, answer: 'accept' | 'decline', now = new Date()): Promise<AnswerResult> {
  const found = await findIntroductionForUpdate(trx, introductionId)
  if (!found || (found.member_a !== memberId && found.member_b !== memberId)) return { ok: false, status: 404, message: 'We couldn’t find that introduction.' }
  const side = found.member_a === memberId ? 'a' : 'b'
  const otherId = side === 'a' ? found.member_b : found.member_a
  const other = await findMemberById(trx, otherId)
  const otherName = other?.full_name ?? 'the other member'
  if (found.declined_at) return { ok: false, status: 409, message: `This introduction to ${otherName} was not accepted, so it is closed.` }
  const mine = side === 'a' ? found.a_accepted_at : found.b_accepted_at
  const theirs = side === 'a' ? found.b_accepted_at : found.a_accepted_at
  if (mine) return { ok: false, status: 409, message: `You have already accepted the introduction to ${otherName}.` }
  await lockPair(trx, memberId, otherId)
  if (answer === 'decline') {
    await setDeclined(trx, found.id, memberId, now)
    // A pair connected in the meantime (at an event) stays connected; otherwise it is not suggested again.
    if (!await findConnection(trx, memberId, otherId)) await rememberDeclinedPair(trx, memberId, otherId)
    return { ok: true, outcome: 'declined', other: otherName }
  }
  await setAccepted(trx, found.id, side, now)
  if (!theirs) return { ok: true, outcome: 'accepted', other: otherName }
  await insertConnection(trx, memberId, otherId, { introductionId: found.id, introducedBy: found.introduced_by })
  const introducer = found.introduced_by === null ? null : await findMemberById(trx, found.introduced_by)
  await mailBoth(trx, mailer, [memberId, otherId], 'introduction-connected', { introducer: introducer?.full_name ?? null })
  return { ok: true, outcome: 'connected', other: otherName }
}

/** One mail to each of the two members, naming the other (and their agency if they show it to members). */
async function mailBoth (trx: Db, mailer: Mailer, ids: [number, number], template: 'introduction' | 'introduction-connected', data: Record<string, unknown>): Promise<void> {
  const rows = await introductionMembers(trx, ids)
  for (const to of rows) {
    const them = rows.find((r) => r.id !== to.id)!
    await queueTemplatedMail(trx, mailer, {
      template, kind: template, to: to.email, memberId: to.id,
      data: { name: to.full_name, other: { name: them.full_name, agency: seenAgency(them) }, ...data }
    })
  }
}

/** How an introduction stands, for one of the two or for the introducer. */
export type IntroductionStatus = 'waiting-for-you' | 'waiting-for-them' | 'connected' | 'declined-by-you' | 'not-accepted' | 'pending'

/**
 * The member's introductions page: those to them (with the other member as they may see them — the email only
 * when both accepted and they are still connected, and only if the other shows it to connections) and those
 * they made (with how each stands, never who declined).
 */
export async function introductionsPage (db: Db, memberId: number) {
  const [to, by] = await Promise.all([introductionsTo(db, memberId, LIST_LIMIT), introductionsBy(db, memberId, LIST_LIMIT)])
  const otherIds = [...new Set(to.map((i) => i.member_a === memberId ? i.member_b : i.member_a))]
  const [others, connected] = await Promise.all([introductionMembers(db, otherIds), connectedAmong(db, memberId, otherIds)])
  const byId = new Map(others.map((o) => [o.id, o]))
  const received = to.map((i) => {
    const side = i.member_a === memberId ? 'a' : 'b'
    const o = byId.get(side === 'a' ? i.member_b : i.member_a)!
    const mine = side === 'a' ? i.a_accepted_at : i.b_accepted_at
    const theirs = side === 'a' ? i.b_accepted_at : i.a_accepted_at
    const both = Boolean(mine && theirs)
    const status: IntroductionStatus = i.declined_at
      ? (i.declined_by === memberId ? 'declined-by-you' : 'not-accepted')
      : both ? 'connected' : mine ? 'waiting-for-them' : 'waiting-for-you'
    const seen = shownFields(readVisibility(o.visibility), 'connection')
    return {
      id: i.id,
      created_at: i.created_at,
      note: i.note,
      introducer: i.introducer_name,
      other: { id: o.id, full_name: o.full_name, agency: seenAgency(o), email: both && connected.has(o.id) && seen.has('email') ? o.email : null },
      status
    }
  })
  const made = by.map((i) => ({
    id: i.id,
    created_at: i.created_at,
    note: i.note,
    names: [i.a_name, i.b_name] as [string, string],
    status: (i.declined_at ? 'not-accepted' : i.a_accepted_at && i.b_accepted_at ? 'connected' : 'pending') as IntroductionStatus
  }))
  return { received, made }
}
