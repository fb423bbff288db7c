import { Type } from 'typebox'
import type { RubricCriterion } from '../db/database.js'
import { checkbox, form, multiline, text } from '../lib/schema.js'
import { checkForm } from '../lib/validation.js'

/*
 * The review forms: a reviewer's review (1–5 per rubric criterion, a comment to the organizers, a note to the
 * speaker), the organizers' reviewer to add, and a call's review settings (rubric, blind review, conflicts, how
 * many reviewers per proposal).
 */

/** A review: one radio group per criterion, named score_<criterion key>. */
export const ReviewForm = Type.Object({
  comment: multiline('the comment to the organizers', 5000),
  note_to_speaker: multiline('the note to the speaker', 2000),
  _csrf: Type.Optional(Type.String({ maxLength: 200 }))
}, { additionalProperties: false, patternProperties: { '^score_[a-z0-9_]{1,40}$': Type.String({ maxLength: 2 }) } })

export interface ReviewValues { scores: Record<string, string>, comment: string, note_to_speaker: string }

export function readReviewForm (body: unknown, rubric: RubricCriterion[]) {
  const errors = checkForm(ReviewForm, body)
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const str = (k: string) => typeof b[k] === 'string' ? b[k] : ''
  const values: ReviewValues = { scores: {}, comment: str('comment'), note_to_speaker: str('note_to_speaker') }
  const scores: Record<string, number> = {}
  for (const c of rubric) {
    const raw = str(`score_${c.key}`)
    values.scores[c.key] = raw
    if (/^[1-5]$/.test(raw)) scores[c.key] = Number(raw)
    else errors[`score_${c.key}`] = `Choose a score from 1 to 5 for “${c.label}”.`
  }
  const input = Object.keys(errors).length ? null : { scores, comment: values.comment.trim(), noteToSpeaker: values.note_to_speaker.trim() }
  return { values, errors, input }
}

export const AddReviewerForm = form({
  email: text('the reviewer’s email address', 254, { required: true, errorMessage: 'Enter the email address of a member of this community.' })
})

export const MAX_CRITERIA = 10
export const SPARE_CRITERIA = 2

export const ReviewSettingsForm = form({
  crit_key: Type.Optional(Type.Array(Type.String({ title: 'a criterion', maxLength: 40 }), { maxItems: MAX_CRITERIA + SPARE_CRITERIA })),
  crit_label: Type.Optional(Type.Array(Type.String({ title: 'a criterion’s label', maxLength: 200 }), { maxItems: MAX_CRITERIA + SPARE_CRITERIA })),
  crit_weight: Type.Optional(Type.Array(Type.String({ title: 'a criterion’s weight', maxLength: 3 }), { maxItems: MAX_CRITERIA + SPARE_CRITERIA })),
  blind_review: checkbox('blind review'),
  same_agency_conflict: checkbox('same-agency conflict'),
  reviewers_per_proposal: text('the number of reviewers per proposal', 2, { required: true })
})

export interface SettingsValues {
  criteria: Array<{ key: string, label: string, weight: string }>
  blind_review: boolean
  same_agency_conflict: boolean
  reviewers_per_proposal: string
}

export function settingsValues (call: { blind_review: boolean, same_agency_conflict: boolean, reviewers_per_proposal: number }, rubric: RubricCriterion[]): SettingsValues {
  return {
    criteria: rubric.map((c) => ({ key: c.key, label: c.label, weight: String(c.weight) })),
    blind_review: call.blind_review,
    same_agency_conflict: call.same_agency_conflict,
    reviewers_per_proposal: String(call.reviewers_per_proposal)
  }
}

export function readSettingsForm (body: unknown) {
  const errors = checkForm(ReviewSettingsForm, body)
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const list = (k: string) => [b[k] ?? []].flat().map((v) => typeof v === 'string' ? v : '')
  const keys = list('crit_key')
  const labels = list('crit_label')
  const weights = list('crit_weight')
  const rows = labels.map((label, i) => ({ key: keys[i] ?? '', label, weight: weights[i] ?? '' }))
  const values: SettingsValues = {
    criteria: rows,
    blind_review: typeof b.blind_review === 'string',
    same_agency_conflict: typeof b.same_agency_conflict === 'string',
    reviewers_per_proposal: typeof b.reviewers_per_proposal === 'string' ? b.reviewers_per_proposal : ''
  }
  const rubric: RubricCriterion[] = []
  const used = new Set<string>()
  rows.forEach((r, i) => {
    const label = r.label.trim()
    if (!label && !r.weight.trim()) return
    if (!label || /[\p{Cc}]/u.test(label)) { errors[`crit_label_${i}`] ??= `Criterion ${i + 1}: enter a label on one line.`; return }
    if (!/^(10|[1-9])$/.test(r.weight.trim())) { errors[`crit_weight_${i}`] ??= `Criterion ${i + 1} (“${label}”): the weight must be a whole number from 1 to 10.`; return }
    let key = /^[a-z0-9_]{1,40}$/.test(r.key) && !used.has(r.key) ? r.key : ''
    for (let n = i + 1; !key || used.has(key); n++) key = `c${n}`
    used.add(key)
    rubric.push({ key, label, weight: Number(r.weight.trim()) })
  })
  if (!rubric.length && !Object.keys(errors).some((k) => k.startsWith('crit_'))) errors.crit_label_0 = 'The rubric needs at least one criterion.'
  if (rubric.length > MAX_CRITERIA) errors.crit_label_0 = `A rubric has at most ${MAX_CRITERIA} criteria.`
  const n = values.reviewers_per_proposal.trim()
  if (!errors.reviewers_per_proposal && !/^([1-9]|1[0-9]|20)$/.test(n)) errors.reviewers_per_proposal = 'Reviewers per proposal must be a whole number from 1 to 20.'
  const input = Object.keys(errors).length
    ? null
    : { rubric, blindReview: values.blind_review, sameAgencyConflict: values.same_agency_conflict, reviewersPerProposal: Number(n) }
  return { values, errors, input }
}
