import t from 'tap'
import { conflictReason, hidePhrases, hideWords, isBlind, isBlindFor, weightedScore } from '../../../src/domain/proposals/reviews.service.js'
import { DEFAULT_RUBRIC } from '../../../src/domain/proposals/templates.js'

t.test('identifying phrases are hidden, whatever their case or characters, longest first', async (t) => {
  t.equal(hidePhrases('At the FALCON lab (Falcon Lab), we…', ['falcon lab']), 'At the [hidden] ([hidden]), we…')
  t.equal(hidePhrases('Project X.1 and Project X', ['Project X', 'Project X.1']), '[hidden] and [hidden]')
  t.equal(hidePhrases('a+b (c) [d] $e', ['a+b', '(c)', '[d]', '$e']), '[hidden] [hidden] [hidden] [hidden]')
  t.equal(hidePhrases('nothing to hide', ['', ' ', 'x']), 'nothing to hide', 'empty and one-letter phrases are ignored')
})

t.test('the weighted mean follows the rubric’s weights', async (t) => {
  t.equal(weightedScore(DEFAULT_RUBRIC, { relevant: 5, experience: 4, practical: 3, clear: 2 }), 3.5)
  t.equal(weightedScore([{ key: 'a', label: 'A', weight: 3 }, { key: 'b', label: 'B', weight: 1 }], { a: 5, b: 1 }), 4)
  t.equal(weightedScore([{ key: 'a', label: 'A', weight: 1 }], { b: 5 }), 0)
})

t.test('conflicts: own, accepted co-speaker, same email domain when the call says so', async (t) => {
  const p = { submitter_id: 1, co_speaker_ids: [2], email: 'ada@Lab.gov' }
  t.match(conflictReason({ same_agency_conflict: true }, { id: 1, email: 'x@y.gov' }, p), 'your own proposal')
  t.match(conflictReason({ same_agency_conflict: true }, { id: 2, email: 'x@y.gov' }, p), 'co-speaker')
  t.match(conflictReason({ same_agency_conflict: true }, { id: 3, email: 'carl@lab.gov' }, p), 'own agency')
  t.equal(conflictReason({ same_agency_conflict: false }, { id: 3, email: 'carl@lab.gov' }, p), null)
  t.equal(conflictReason({ same_agency_conflict: true }, { id: 3, email: 'carl@sublab.gov' }, p), null)
})

t.test('blind until the proposal’s decision is released, unless switched off', async (t) => {
  t.equal(isBlind({ blind_review: true }), true)
  t.equal(isBlind({ blind_review: false }), false)
  t.equal(isBlindFor({ blind_review: true }, { decision_mailed_at: null }), true, 'under review')
  t.equal(isBlindFor({ blind_review: true }, { decision_mailed_at: new Date() }), false, 'its decision is released')
  t.equal(isBlindFor({ blind_review: false }, { decision_mailed_at: null }), false, 'blind review switched off')
})

t.test('a name’s parts are hidden as whole words only', async (t) => {
  t.equal(hideWords('Ada moved to Canada; ADA said so. O’Brien too.', ['Ada', 'O’Brien', 'Li']), '[hidden] moved to Canada; [hidden] said so. [hidden] too.')
})
