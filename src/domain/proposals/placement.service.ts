import type { Call, Db, Event } from '../../db/database.js'
import { lockEvent } from '../events/events.repository.js'
import { findSeries, setMeetingSpeaker, upcomingMeetings } from '../series/series.repository.js'
import { setSeriesSpeakers } from '../series/series.service.js'
import { lockMeetingOfSeries, lockMeetingOfTalk, proposalTemplateFields, setMeetingTalk, talkSpeakerNames } from './placement.repository.js'
import { lockProposal } from './decisions.repository.js'
import { whyThisMattersOf } from './templates.js'

/*
 * Placing a series call's accepted talks on the series' meetings ("talks for the next six brown-bags"). A placed
 * meeting shows the talk's speakers and its "why this matters", set through the series' speakers rule
 * (setSeriesSpeakers): the meeting stays with the series, so later series edits (room, description…) still
 * reach it. The meeting records the talk (events.proposal_id), whose title its page shows. One talk per
 * meeting and one meeting per talk: moving a talk clears the meeting it leaves; unplacing clears it too.
 */

/** Most characters of a meeting's speaker line (the series speakers form allows as many). */
const SPEAKER_LINE_MAX = 200

/** "Ada Analyst", "Ada Analyst and Ben Bench", "Ada Analyst, Ben Bench and Cy Cole". */
export function speakerLine (names: string[]): string {
  const line = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' }).format(names).replace(/, and /g, ' and ')
  return line.length > SPEAKER_LINE_MAX ? `${line.slice(0, SPEAKER_LINE_MAX - 1)}…` : line
}

export type PlaceOutcome =
  | { ok: true, change: 'placed' | 'moved' | 'unplaced' | 'unchanged', meeting: Event | null }
  | { ok: false, status: 404 | 409, message: string, what?: 'talk' | 'meeting' }

/** Whether a talk can be placed: accepted and released, and not declined by its speaker. */
function placeable (p: { state: string, decision: string | null, decision_mailed_at: Date | null, confirmation: string | null }): boolean {
  return p.state === 'submitted' && p.decision === 'accepted' && p.decision_mailed_at !== null && p.confirmation !== 'declined'
}

/**
 * Empties a meeting the talk leaves: no speaker, the series' "why this matters" back (so later series edits
 * set it again), no talk. A meeting that has already started keeps what it had: it happened that way.
 */
async function clearMeeting (trx: Db, meeting: Event, seriesWhy: string, now: Date): Promise<boolean> {
  if (meeting.starts_at <= now) return false
  await setMeetingSpeaker(trx, meeting.id, null, seriesWhy)
  await setMeetingTalk(trx, meeting.id, null)
  return true
}

/**
 * Places an accepted talk of a series call on one of the series' upcoming meetings (`eventId`), moves it there
 * from another meeting, or unplaces it (`eventId` null). Call inside a transaction; the call row is locked
 * first, so placements on one call take turns, and the meetings involved are locked before they change.
 * Refused (409, with a message to show) for a talk not accepted or declined, a meeting that has started or is
 * cancelled, a meeting holding another talk, or a talk whose meeting has already taken place; 404 for ids
 * that are not of this call or its series.
 */
export async function placeTalk (trx: Db, call: Pick<Call, 'id' | 'community_id' | 'series_id'>, proposalId: number, eventId: number | null, now = new Date()): Promise<PlaceOutcome> {
  if (!call.series_id) return { ok: false, status: 404, what: 'talk', message: 'This call is not on a series: place its talks on the event’s agenda.' }
  await trx.selectFrom('calls').select('id').where('id', '=', call.id).forUpdate().execute()
  const series = await findSeries(trx, call.community_id, call.series_id)
  const proposal = await lockProposal(trx, call.id, proposalId)
  if (!series || !proposal || proposal.state !== 'submitted') return { ok: false, status: 404, what: 'talk', message: 'There is no such talk in this call.' }
  if (!placeable(proposal)) {
    return { ok: false, status: 409, message: `“${proposal.title}” is not an accepted talk (or its speaker declined): only accepted talks whose decision was sent can be placed.` }
  }
  const current = await lockMeetingOfTalk(trx, proposal.id)
  if (current && current.id === eventId) return { ok: true, change: 'unchanged', meeting: current }
  if (current && current.starts_at <= now) {
    return { ok: false, status: 409, message: `“${proposal.title}” was given at a meeting that has already taken place; it stays there.` }
  }
  if (eventId === null) {
    if (current) await clearMeeting(trx, current, series.why_it_matters, now)
    return { ok: true, change: current ? 'unplaced' : 'unchanged', meeting: null }
  }
  const target = await lockMeetingOfSeries(trx, series.id, eventId)
  if (!target) return { ok: false, status: 404, what: 'meeting', message: 'Meeting: there is no such meeting in this series; choose one of the meetings listed.' }
  if (target.status === 'cancelled') return { ok: false, status: 409, message: 'That meeting is cancelled: choose another.' }
  if (target.starts_at <= now) return { ok: false, status: 409, message: 'That meeting has already started: choose an upcoming one.' }
  if (target.proposal_id !== null) {
    return { ok: false, status: 409, message: 'That meeting already holds another talk: choose another meeting, or unplace that talk first.' }
  }
  if (current) await clearMeeting(trx, current, series.why_it_matters, now)
  const why = whyThisMattersOf(await proposalTemplateFields(trx, proposal.id), proposal.answers) || series.why_it_matters
  await setSeriesSpeakers(trx, series.id, [{ eventId: target.id, speakerName: speakerLine(await talkSpeakerNames(trx, proposal.id)), whyItMatters: why }], now)
  await setMeetingTalk(trx, target.id, proposal.id)
  return { ok: true, change: current ? 'moved' : 'placed', meeting: (await lockEvent(trx, target.id)) ?? null }
}

/**
 * A placed talk's speaker declined (the confirm link): its upcoming meeting goes back to no speaker and no
 * talk, in the caller's transaction. Returns whether a meeting was cleared.
 */
export async function unplaceDeclinedTalk (trx: Db, call: Pick<Call, 'community_id' | 'series_id'>, proposalId: number, now = new Date()): Promise<boolean> {
  if (!call.series_id) return false
  const meeting = await lockMeetingOfTalk(trx, proposalId)
  if (!meeting) return false
  const series = await findSeries(trx, call.community_id, call.series_id)
  return clearMeeting(trx, meeting, series?.why_it_matters ?? meeting.why_it_matters, now)
}

/** The meetings a talk may be placed on: the series' upcoming ones not cancelled, in start order. */
export async function placementChoices (db: Db, seriesId: number, now = new Date(), limit = 52) {
  return upcomingMeetings(db, seriesId, now, limit)
}
