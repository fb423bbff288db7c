import type { EventKind } from '../db/database.js'
import { EVENT_KINDS, placeProblem, type PlaceInput } from '../domain/events/events.service.js'
import { formatted, httpsUrl, multiline, oneOf, text } from '../lib/schema.js'

/*
 * The fields the event form and the series forms share: what the meeting is (title, kind, texts) and where it
 * happens (venue, join link, captions, places). Limits live here, once; each names its field in the error.
 */

/** Form values as the page re-shows them: what was typed, and ticked boxes as booleans. */
export type FormValues = Record<string, string | boolean>

/** What the meeting is: title, kind, summary and "why this matters". */
export const contentFields = {
  title: text('a title', 200, { required: true }),
  kind: oneOf('the kind of event', EVENT_KINDS.map((k) => k.value), { required: true, errorMessage: 'Choose the kind of event.' }),
  summary: multiline('the summary', 5000),
  why_it_matters: text('why this matters to members', 300, { required: true })
}

/** Where it happens and how to join. */
export const placeFields = {
  venue_name: text('the venue name', 500),
  venue_address: text('the venue address', 500),
  venue_room: text('the room', 500),
  accessibility_notes: multiline('the accessibility notes', 500),
  region: text('the region', 500),
  online_url: httpsUrl('the join link'),
  live_transcript_url: httpsUrl('the live-transcript link'),
  capacity: formatted('the number of places', 'digits', 6, {
    errorMessage: 'Enter the number of places as a whole number, or leave it empty for no limit.'
  })
}

/** A posted body's string field ('' when absent: the schema has checked and defaulted it). */
export function field (body: Record<string, unknown>, name: string): string {
  const v = body[name]
  return typeof v === 'string' ? v : ''
}

/** A checkbox of a posted body: ticked unless absent, empty or "false". */
export function ticked (body: Record<string, unknown>, name: string): boolean {
  const v = body[name]
  if (typeof v === 'boolean') return v
  return v !== undefined && v !== '' && v !== 'false'
}

/**
 * Reads the content and place fields (already checked by the schema) into the domain's terms, with the rules
 * that span them: a place needs a venue, a join link, or both; places are 1 to 100,000.
 */
export function readContentAndPlace (body: Record<string, unknown>, values: FormValues, errors: Record<string, string>) {
  for (const name of [...Object.keys(contentFields), ...Object.keys(placeFields)]) values[name] = field(body, name)
  const orNull = (name: string) => field(body, name) || null
  const place: PlaceInput = {
    venueName: orNull('venue_name'),
    venueAddress: orNull('venue_address'),
    venueRoom: orNull('venue_room'),
    accessibilityNotes: orNull('accessibility_notes'),
    onlineUrl: orNull('online_url'),
    region: orNull('region'),
    liveTranscriptUrl: orNull('live_transcript_url'),
    capacity: null
  }
  // A join link that is not a link still counts as one here: its own error says what is wrong.
  const problem = placeProblem({ ...place, onlineUrl: place.onlineUrl ?? (errors.online_url ? 'given' : null) })
  if (problem) errors.venue_name ??= problem
  const capacity = field(body, 'capacity')
  if (capacity && !errors.capacity) {
    if (Number(capacity) < 1 || Number(capacity) > 100_000) errors.capacity = 'Enter the number of places as a whole number, or leave it empty for no limit.'
    else place.capacity = Number(capacity)
  }
  return {
    title: field(body, 'title'),
    kind: field(body, 'kind') as EventKind,
    summary: field(body, 'summary'),
    whyItMatters: field(body, 'why_it_matters'),
    place
  }
}

/** What an event or a series row says of its content and place, as the form shows it (the other way round from readContentAndPlace). */
export function contentAndPlaceValues (row: {
  title: string, kind: string, summary: string, why_it_matters: string, venue_name: string | null, venue_address: string | null,
  venue_room: string | null, accessibility_notes: string | null, online_url: string | null, region: string | null,
  live_transcript_url: string | null, capacity: number | null
}): FormValues {
  return {
    title: row.title,
    kind: row.kind,
    summary: row.summary,
    why_it_matters: row.why_it_matters,
    venue_name: row.venue_name ?? '',
    venue_address: row.venue_address ?? '',
    venue_room: row.venue_room ?? '',
    accessibility_notes: row.accessibility_notes ?? '',
    online_url: row.online_url ?? '',
    region: row.region ?? '',
    live_transcript_url: row.live_transcript_url ?? '',
    capacity: row.capacity === null ? '' : String(row.capacity)
  }
}
