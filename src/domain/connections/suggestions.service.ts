import type { Db, Member } from '../../db/database.js'
import { readVisibility, shownFields } from '../members/visibility.js'
import { findSuggestions, type SuggestionRow } from './suggestions.repository.js'

/**
 * "People you haven't met yet": members the viewer is not connected with who share what they work on, their
 * state, an upcoming event or a community's requirement, who can help with what the viewer is looking for, or
 * who are looking for what the viewer can help with — each suggestion says why. Opt-in on both sides: only
 * members who opted in (members.suggestions_opt_in) see suggestions, and only they are suggested. Never from outside data: only the fields candidates show to members of their communities.
 * Never the viewer, their connections, pairs whose connection was removed, suspended or deactivated members,
 * or anyone sharing no community with the viewer.
 */

/** How many suggestions the directory shows. */
export const DIRECTORY_SUGGESTIONS = 6
/** How many an event page shows. */
export const EVENT_SUGGESTIONS = 8

/** A suggestion as pages show it: who, and why (one to three reasons, the strongest first). */
export interface Suggestion {
  id: number
  full_name: string
  pronouns: string | null
  agency: string | null
  job_title: string | null
  reasons: string[]
  /** The reasons as one sentence: "Also going to Triangle meetup; also works on CODIS." */
  why: string
}

/** Words too common to say what someone is looking for. */
const COMMON_WORDS = new Set(('a an and any are as at be by can for from help how i in into is it me my new of on or our ' +
  'some someone the their them to us want we who with would need needs looking find other others people colleague colleagues').split(' '))

/**
 * The words of a text that can match another member's: "I'm looking for" against their "can help with", and the
 * other way round. Letters and digits, 3 or more, not common, at most 8.
 */
export function matchWords (text: string | null): string[] {
  if (!text) return []
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => [...w].length >= 3 && !COMMON_WORDS.has(w))
  return [...new Set(words)].slice(0, 8)
}

/** The state or territory of a region ("Richmond, Virginia" → "Virginia"), as convene_suggest_state reads it. */
function stateOf (region: string | null): string | null {
  if (!region) return null
  return region.replace(/^.*, /, '') || null
}

/** A list in words: "a", "a and b", "a, b and c". */
function listed (items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

function sentence (reasons: string[]): string {
  const s = reasons.join('; ')
  return s ? s[0].toUpperCase() + s.slice(1) + '.' : ''
}

function suggestionOf (row: SuggestionRow, viewer: Member): Suggestion {
  const seen = shownFields(readVisibility(row.visibility), 'member')
  // Strongest first, as the score weighs them; at most three.
  const reasons: string[] = []
  if (row.event_title) reasons.push(`also going to ${row.event_title}`)
  if (row.shared_tags.length) reasons.push(`also works on ${listed(row.shared_tags.slice(0, 3))}`)
  if (row.help_words.length) reasons.push(`can help with what you’re looking for (${listed(row.help_words.slice(0, 3))})`)
  if (row.wants_words.length) reasons.push(`looking for what you can help with (${listed(row.wants_words.slice(0, 3))})`)
  if (row.region_match === 2) reasons.push(`also in ${viewer.region}`)
  else if (row.region_match === 1) reasons.push(`also in ${stateOf(viewer.region)}`)
  if (row.requirement) reasons.push(`also works to ${row.requirement}`)
  return {
    id: row.id,
    full_name: row.full_name,
    pronouns: row.pronouns,
    agency: seen.has('agency') ? row.agency : null,
    job_title: seen.has('job_title') ? row.job_title : null,
    reasons: reasons.slice(0, 3),
    why: sentence(reasons.slice(0, 3))
  }
}

function seedOf (viewer: Member, now: Date) {
  return {
    viewerId: viewer.id,
    tags: [...new Set(viewer.expertise.map((e) => e.toLowerCase()))],
    state: stateOf(viewer.region),
    region: viewer.region,
    lookingFor: matchWords(viewer.looking_for),
    offers: matchWords(`${viewer.can_help_with ?? ''} ${viewer.ask_me_about ?? ''}`),
    now
  }
}

/**
 * Suggestions for the directory: among the members of every community the viewer belongs to, or of one
 * (`communityId`, which the caller has checked the viewer may see). Null when the viewer has not opted in.
 */
export async function directorySuggestions (db: Db, viewer: Member, communityId: number | null, now = new Date()): Promise<Suggestion[] | null> {
  if (!viewer.suggestions_opt_in) return null
  const rows = await findSuggestions(db, { ...seedOf(viewer, now), communityId, eventId: null, limit: DIRECTORY_SUGGESTIONS })
  return rows.map((r) => suggestionOf(r, viewer))
}

/**
 * Suggestions on an upcoming event's page, for a member going to it: among the others going (and listed), each
 * with a reason besides being there. Null when the viewer has not opted in (the page explains); empty when they
 * are not going or the event has started.
 */
export async function eventSuggestions (db: Db, viewer: Member, eventId: number, now = new Date()): Promise<Suggestion[] | null> {
  if (!viewer.suggestions_opt_in) return null
  const rows = await findSuggestions(db, { ...seedOf(viewer, now), communityId: null, eventId, limit: EVENT_SUGGESTIONS })
  return rows.map((r) => suggestionOf(r, viewer))
}
