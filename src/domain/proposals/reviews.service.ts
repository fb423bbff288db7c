import type { Call, Db, RubricCriterion } from '../../db/database.js'
import { updateCallRow } from './proposals.repository.js'
import {
  countReviewable, deleteCallReviewer, findCommunityMemberByEmail, insertAssignments, insertCallReviewer, listCallAssignments, listCallReviewers,
  listCallReviews, listReviewablePage, listReviewableProposals, reviewedBy, reviewProgress, upsertReview, type ReviewableProposal, type ReviewFilters
} from './reviews.repository.js'
import { DEFAULT_RUBRIC } from './templates.js'

/*
 * Reviewing proposals: who may review which proposal (conflicts of interest), what a reviewer sees of it (blind
 * review hides who the speakers are until decisions are released), the weighted score of a review, spreading
 * proposals evenly over reviewers, and the proposal a reviewer should review next.
 */

export const HIDDEN = '[hidden]'
export const SCORE_MIN = 1
export const SCORE_MAX = 5

/**
 * The call reviews blind: reviewers do not see who a proposal's speakers are until that proposal's decision is
 * released (decisions are released in batches, so a call with released decisions still has proposals under review).
 */
export function isBlind (call: Pick<Call, 'blind_review'>): boolean {
  return call.blind_review
}

/** Whether this proposal's speakers are hidden from reviewers: blind call, decision not released yet. */
export function isBlindFor (call: Pick<Call, 'blind_review'>, p: { decision_mailed_at: Date | null }): boolean {
  return call.blind_review && p.decision_mailed_at === null
}

export function rubricOf (call: Pick<Call, 'rubric'>): RubricCriterion[] {
  const r = call.rubric as unknown as RubricCriterion[] | null
  return r && r.length ? r : DEFAULT_RUBRIC
}

/** The mean of the scores weighted by the rubric, rounded to two decimals. */
export function weightedScore (rubric: RubricCriterion[], scores: Record<string, number>): number {
  let sum = 0
  let weights = 0
  for (const c of rubric) {
    if (typeof scores[c.key] !== 'number') continue
    sum += scores[c.key] * c.weight
    weights += c.weight
  }
  return weights ? Math.round((sum / weights) * 100) / 100 : 0
}

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase()

/** Why `reviewer` may not review the proposal, or null when they may. */
export function conflictReason (call: Pick<Call, 'same_agency_conflict'>, reviewer: { id: number, email: string },
  p: Pick<ReviewableProposal, 'submitter_id' | 'co_speaker_ids' | 'email'>): string | null {
  if (p.submitter_id === reviewer.id) return 'You cannot review your own proposal.'
  if (p.co_speaker_ids.map(Number).includes(reviewer.id)) return 'You cannot review a proposal you are a co-speaker on.'
  if (call.same_agency_conflict && domainOf(p.email) === domainOf(reviewer.email)) {
    return 'You cannot review a proposal from your own agency (the same email domain): that is a conflict of interest.'
  }
  return null
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** `text` with every phrase (case-insensitive, longest first) replaced by [hidden]. */
export function hidePhrases (text: string, phrases: readonly string[]): string {
  const list = [...new Set(phrases.map((p) => p.trim()).filter((p) => p.length >= 2))].sort((a, b) => b.length - a.length)
  if (!list.length || !text) return text
  return text.replace(new RegExp(list.map(escapeRe).join('|'), 'gi'), HIDDEN)
}

/** `text` with every whole word of `words` (a name's parts: "Ada", "Lovelace") replaced by [hidden]. */
export function hideWords (text: string, words: readonly string[]): string {
  const list = [...new Set(words.map((w) => w.trim()).filter((w) => w.length >= 3))]
  if (!list.length || !text) return text
  return text.replace(new RegExp(`(?<![\\p{L}\\p{N}])(?:${list.map(escapeRe).join('|')})(?![\\p{L}\\p{N}])`, 'giu'), HIDDEN)
}

/** A proposal as a reviewer sees it: with its speakers, or with every trace of who they are hidden. */
export interface ReviewerView {
  id: number
  title: string
  format: string
  topic: string | null
  firstTime: boolean
  answers: Record<string, string>
  bio: string
  speakers: string
  affiliation: string
  blind: boolean
  /**
   * Hiding what identifies the speakers (undefined when not blind). `answers` are hidden already, as Markdown
   * source; the page renders them with this too, so that what Markdown joins or decodes (`**Ada** Lovelace`,
   * `&#65;da`, a link's address) stays hidden as well.
   */
  hiding: { hide: (text: string) => string, mark: string } | undefined
}

export function reviewerView (call: Pick<Call, 'blind_review'>, p: ReviewableProposal): ReviewerView {
  const blind = isBlindFor(call, p)
  const names = [p.full_name, ...p.co_speaker_names]
  const agencies = [p.agency, ...p.co_speaker_agencies]
  const phrases = blind ? [...(p.identifying ?? []), ...names, ...agencies, p.email] : []
  const nameParts = blind ? names.flatMap((n) => n.split(/[\s,.]+/)) : []
  const hide = (s: string) => hideWords(hidePhrases(s, phrases), nameParts)
  const answers: Record<string, string> = {}
  for (const [k, v] of Object.entries(p.answers ?? {})) answers[k] = hide(String(v))
  const speakerLine = names.map((n, i) => agencies[i] ? `${n}, ${agencies[i]}` : n).join('; ')
  return {
    id: p.id,
    title: hide(p.title),
    format: p.format,
    topic: p.topic,
    firstTime: p.first_time,
    answers,
    bio: blind ? HIDDEN : p.bio,
    speakers: blind ? 'Hidden during blind review' : speakerLine,
    affiliation: blind ? p.affiliation : `${p.affiliation}${p.affiliation_note ? ` (${p.affiliation_note})` : ''}`,
    blind,
    hiding: blind ? { hide, mark: HIDDEN } : undefined
  }
}

// ---- Reviewers and rubric

export type AddReviewerResult = { ok: true, name: string } | { ok: false, problem: string }

export async function addReviewer (db: Db, communityId: number, callId: number, email: string, by: number): Promise<AddReviewerResult> {
  const member = await findCommunityMemberByEmail(db, communityId, email)
  if (!member) return { ok: false, problem: 'No member of this community has that email address. Reviewers must be members.' }
  const added = await insertCallReviewer(db, callId, member.id, by)
  if (!added) return { ok: false, problem: `${member.full_name} already reviews this call.` }
  return { ok: true, name: member.full_name }
}

export async function removeReviewer (db: Db, callId: number, memberId: number): Promise<boolean> {
  return deleteCallReviewer(db, callId, memberId)
}

export interface ReviewSettings { rubric: RubricCriterion[], blindReview: boolean, sameAgencyConflict: boolean, reviewersPerProposal: number }

export async function saveReviewSettings (db: Db, callId: number, s: ReviewSettings): Promise<void> {
  await updateCallRow(db, callId, {
    rubric: JSON.stringify(s.rubric), blind_review: s.blindReview, same_agency_conflict: s.sameAgencyConflict, reviewers_per_proposal: s.reviewersPerProposal
  })
}

// ---- Reviews

export type SaveReviewResult = { ok: true } | { ok: false, problem: string }

export async function saveReview (db: Db, call: Call, reviewer: { id: number, email: string }, proposalId: number,
  input: { scores: Record<string, number>, comment: string, noteToSpeaker: string }): Promise<SaveReviewResult> {
  const [p] = await listReviewableProposals(db, call.id, proposalId)
  if (!p) return { ok: false, problem: 'This proposal is not open for review (it was withdrawn or is not submitted).' }
  if (p.decision_mailed_at) return { ok: false, problem: 'The decision on this proposal is released: its review is closed.' }
  const conflict = conflictReason(call, reviewer, p)
  if (conflict) return { ok: false, problem: conflict }
  const rubric = rubricOf(call)
  await upsertReview(db, {
    proposal_id: p.id, reviewer_id: reviewer.id, scores: input.scores, score: weightedScore(rubric, input.scores),
    comment: input.comment, note_to_speaker: input.noteToSpeaker
  })
  return { ok: true }
}

// ---- Assignment

/**
 * Who reviews a call: the members added as its reviewers; when there are none, the organizers passed in
 * (organizers review every call of their community).
 */
export async function reviewerPool (db: Db, callId: number, organizers: Array<{ id: number, email: string, full_name: string }>) {
  const reviewers = await listCallReviewers(db, callId)
  return reviewers.length ? reviewers : organizers
}

/**
 * Gives each submitted proposal `reviewers_per_proposal` reviewers, fewest-loaded first, never one in conflict.
 * Existing assignments are kept. Returns how many were added and which proposals could not be filled.
 */
export async function assignEvenly (db: Db, call: Call, pool: Array<{ id: number, email: string }>): Promise<{ added: number, short: number }> {
  const [proposals, existing] = await Promise.all([listReviewableProposals(db, call.id), listCallAssignments(db, call.id)])
  const load = new Map<number, number>(pool.map((r) => [r.id, 0]))
  const assigned = new Map<number, Set<number>>()
  for (const a of existing) {
    if (load.has(a.reviewer_id)) load.set(a.reviewer_id, load.get(a.reviewer_id)! + 1)
    if (!assigned.has(a.proposal_id)) assigned.set(a.proposal_id, new Set())
    assigned.get(a.proposal_id)!.add(a.reviewer_id)
  }
  const rows: Array<{ proposal_id: number, reviewer_id: number }> = []
  let short = 0
  const ordered = [...proposals].sort((a, b) => (assigned.get(a.id)?.size ?? 0) - (assigned.get(b.id)?.size ?? 0) || a.id - b.id)
  for (const p of ordered) {
    const have = assigned.get(p.id) ?? new Set<number>()
    let need = call.reviewers_per_proposal - have.size
    const candidates = pool.filter((r) => !have.has(r.id) && !conflictReason(call, r, p))
      .sort((a, b) => load.get(a.id)! - load.get(b.id)! || a.id - b.id)
    for (const r of candidates) {
      if (need <= 0) break
      rows.push({ proposal_id: p.id, reviewer_id: r.id })
      load.set(r.id, load.get(r.id)! + 1)
      need--
    }
    if (need > 0) short++
  }
  return { added: await insertAssignments(db, rows), short }
}

/** The proposals a reviewer may review, each with whether it is assigned to them and whether they reviewed it. */
export async function reviewerQueue (db: Db, call: Call, reviewer: { id: number, email: string }) {
  const [proposals, assignments, reviews] = await Promise.all([
    listReviewableProposals(db, call.id, undefined, false), listCallAssignments(db, call.id), listCallReviews(db, call.id)
  ])
  const mine = new Set(assignments.filter((a) => a.reviewer_id === reviewer.id).map((a) => a.proposal_id))
  const done = new Set(reviews.filter((r) => r.reviewer_id === reviewer.id).map((r) => r.proposal_id))
  return proposals.filter((p) => !conflictReason(call, reviewer, p)).map((p) => {
    // Worked out when a page shows the row: a call can have thousands, a page shows fifty.
    let view: ReviewerView | undefined
    return { proposal: p, assigned: mine.has(p.id), reviewed: done.has(p.id), get view () { return (view ??= reviewerView(call, p)) } }
  })
}

/** What a reviewer's list is filtered by in SQL: the same conflicts as conflictReason. */
function reviewerWhere (call: Pick<Call, 'same_agency_conflict'>, reviewer: { id: number, email: string }, assigned: boolean) {
  return { reviewer: { id: reviewer.id, sameAgencyDomain: call.same_agency_conflict ? domainOf(reviewer.email) : null, assigned } }
}

type QueueItem = Awaited<ReturnType<typeof reviewerQueue>>[number]

function queueItems (call: Call, proposals: ReviewableProposal[], assigned: boolean, done: Set<number>): QueueItem[] {
  return proposals.map((p) => {
    let view: ReviewerView | undefined
    return { proposal: p, assigned, reviewed: done.has(p.id), get view () { return (view ??= reviewerView(call, p)) } }
  })
}

/** The proposals assigned to the reviewer (those without a conflict), by id, each with whether they reviewed it. */
export async function reviewerAssigned (db: Db, call: Call, reviewer: { id: number, email: string }): Promise<QueueItem[]> {
  const mine = await listReviewablePage(db, call.id, reviewerWhere(call, reviewer, true), 'id')
  return queueItems(call, mine, true, await reviewedBy(db, reviewer.id, mine.map((p) => p.id)))
}

/**
 * The reviewer's list: every proposal assigned to them, and one page (by id) of the others they may review,
 * with how many there are. The same rows as reviewerQueue, filtered and paged in SQL.
 */
export async function reviewerList (db: Db, call: Call, reviewer: { id: number, email: string }, page: number, size: number) {
  const othersWhere = reviewerWhere(call, reviewer, false)
  const [mine, others, total] = await Promise.all([
    listReviewablePage(db, call.id, reviewerWhere(call, reviewer, true), 'id'),
    listReviewablePage(db, call.id, othersWhere, 'id', size, (page - 1) * size),
    countReviewable(db, call.id, othersWhere)
  ])
  const done = await reviewedBy(db, reviewer.id, [...mine, ...others].map((p) => p.id))
  return { assigned: queueItems(call, mine, true, done), others: queueItems(call, others, false, done), othersPage: pageOf(total, page, size) }
}

/** The reviewer's assigned proposal with the fewest reviews that they have not reviewed yet (null when none). */
export function nextInQueue (queue: Awaited<ReturnType<typeof reviewerQueue>>): number | null {
  const open = queue.filter((q) => q.assigned && !q.reviewed)
    .sort((a, b) => a.proposal.review_count - b.proposal.review_count || a.proposal.id - b.proposal.id)
  return open[0]?.proposal.id ?? null
}

// ---- Dashboard

export const SORTS = ['mean', 'spread', 'count', 'title'] as const
export type Sort = typeof SORTS[number]

/** One page of a list (1-based; a page past the end is empty), with the count of pages (at least 1). */
export interface ListPage { page: number, pages: number, total: number, first: number }

function pageOf (total: number, page: number, size: number): ListPage {
  return { page, pages: Math.max(1, Math.ceil(total / size)), total, first: (page - 1) * size + 1 }
}

/**
 * The review dashboard: progress per reviewer and the call's submitted proposals, filtered, sorted and, with
 * `paging`, one page of them (the export takes them all). Filtering, sorting, counting and paging are SQL; but
 * a blind call sorted by title sorts the titles as shown (speakers' names hidden), which only this code knows:
 * then every proposal's title is read and sorted here, so that the order says nothing of what is hidden.
 */
export async function reviewDashboard (db: Db, call: Call, pool: Array<{ id: number, full_name: string }>,
  opts: { sort: Sort, format?: string, topic?: string, firstTime?: boolean }, paging?: { page: number, size: number }) {
  const filters: ReviewFilters = { format: opts.format, topic: opts.topic, firstTime: opts.firstTime }
  const inJs = opts.sort === 'title' && isBlind(call)
  const sqlPage = paging && !inJs
  const [progress, total, listed] = await Promise.all([
    reviewProgress(db, call.id),
    sqlPage ? countReviewable(db, call.id, filters) : Promise.resolve(0),
    sqlPage ? listReviewablePage(db, call.id, filters, opts.sort, paging.size, (paging.page - 1) * paging.size)
      : listReviewablePage(db, call.id, filters, inJs ? 'id' : opts.sort)
  ])
  const people = new Map<number, { id: number, name: string, assigned: number, done: number }>()
  for (const r of pool) people.set(r.id, { id: r.id, name: r.full_name, assigned: 0, done: 0 })
  for (const r of progress) {
    const person = people.get(r.reviewer_id)
    if (person) { person.assigned = r.assigned; person.done = r.done }
  }
  // Those who reviewed without being in the pool (a reviewer since removed), in the order of their first review.
  for (const r of progress.filter((r) => !people.has(r.reviewer_id) && r.first_review !== null).sort((a, b) => a.first_review! - b.first_review!)) {
    people.set(r.reviewer_id, { id: r.reviewer_id, name: r.name, assigned: 0, done: 0 })
  }
  const row = (p: ReviewableProposal) => {
    // Worked out when a page (or the export) shows the row.
    let view: ReviewerView | undefined
    return { id: p.id, count: p.review_count, mean: p.mean, spread: p.spread, get view () { return (view ??= reviewerView(call, p)) } }
  }
  let rows = listed.map(row)
  let page: ListPage | undefined
  if (inJs) {
    rows.sort((a, b) => a.view.title.localeCompare(b.view.title) || a.id - b.id)
    if (paging) {
      page = pageOf(rows.length, paging.page, paging.size)
      rows = rows.slice(page.first - 1, page.first - 1 + paging.size)
    }
  } else if (paging) {
    page = pageOf(total, paging.page, paging.size)
  }
  return { reviewers: [...people.values()], proposals: rows, page: page ?? pageOf(rows.length, 1, Math.max(1, rows.length)) }
}
