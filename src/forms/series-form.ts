import { Type } from 'typebox'
import type { Series } from '../db/database.js'
import { DateTime } from 'luxon'
import { buildRule, localToInstant, type RulePattern } from '../domain/series/recurrence.js'
import type { ScheduleChange } from '../domain/series/series-changes.js'
import { RULE_PATTERNS, SPEAKER_FORM_MEETINGS, type MeetingSpeaker, type SeriesContent, type SeriesInput } from '../domain/series/series.service.js'
import { checkbox, clockTime, csrfField, date, form, formatted, oneOf, SINGLE_LINE_PATTERN } from '../lib/schema.js'
import { checkForm } from '../lib/validation.js'
import { hostFields } from './event-form.js'
import { contentAndPlaceValues, contentFields, field, placeFields, readContentAndPlace, type FormValues } from './place-fields.js'

/*
 * The series forms: a new series, what an existing series' meetings say (edit), its schedule "from this meeting
 * on", and moving one meeting. Each reader returns { values, errors, input? }: `input` only when nothing is wrong.
 */

const INTERVAL_MESSAGE = 'Enter how many weeks or months apart, from 1 to 12.'
const DURATION_MESSAGE = 'Enter the length in minutes, from 5 to 1440.'
const ZONE_MESSAGE = 'Choose a time zone, such as America/New_York.'
const FIRST_DATE_MESSAGE = 'The first date must be today or later: the first meeting is on this date.'

/** How often and from when a series meets: the fields the new-series and schedule forms share. */
const ruleFields = {
  pattern: oneOf('how often the series meets', RULE_PATTERNS.map((p) => p.value), { required: true, errorMessage: 'Choose how often the series meets.' }),
  // Empty: every week or month.
  interval: formatted('how many weeks or months apart', 'digits', 3, { errorMessage: INTERVAL_MESSAGE }),
  start_time: clockTime('the start time', { required: true }),
  time_zone: formatted('a time zone', 'time-zone', 100, { required: true, errorMessage: ZONE_MESSAGE })
}

const durationField = {
  duration_minutes: formatted('the length in minutes', 'digits', 5, { required: true, errorMessage: DURATION_MESSAGE })
}

/** The new-series form. */
export const SeriesForm = form({
  ...contentFields,
  ...placeFields,
  ...ruleFields,
  ...durationField,
  first_date: date('the first date', { required: true }),
  publish: oneOf('whether to publish the meetings now', ['yes', 'no']),
  publish_without_captions: checkbox('publish the meetings without a captions link')
})

/** The series edit form: what its meetings say, their length and hosts. */
export const SeriesEditForm = form({ ...contentFields, ...placeFields, ...durationField, ...hostFields })

/** The "change the schedule from this meeting on" form. */
export const ScheduleForm = form({
  from_event: Type.String({ title: 'the first meeting', format: 'row-id', errorMessage: 'Choose the first meeting the new schedule applies to.' }),
  ...ruleFields,
  // Empty: the new schedule starts on the chosen meeting's date.
  first_date: date('the new first date')
})

/** The series page's "move one meeting" form. */
export const MoveOccurrenceForm = form({
  // '' is "- Choose -": the reader's message asks for a meeting.
  event_id: Type.Optional(Type.String({ title: 'the meeting', maxLength: 12, default: '' })),
  new_date: date('the new date', { required: true }),
  new_time: clockTime('the new start time', { required: true })
})

/** The series page's "cancel one meeting" form. */
export const CancelOccurrenceForm = form({
  event_id: Type.Optional(Type.String({ title: 'the meeting', maxLength: 12, default: '' }))
})

export const SPEAKER_MAX = 200
export const WHY_MAX = 300

/**
 * The speakers form: for each listed upcoming meeting, `speaker_<id>` and `why_<id>`. Fields of meetings no
 * longer listed (started since) are ignored by the reader.
 */
export const SpeakersForm = Type.Object({ _csrf: csrfField }, {
  additionalProperties: false,
  maxProperties: 2 * SPEAKER_FORM_MEETINGS + 1,
  patternProperties: {
    '^speaker_[1-9][0-9]{0,8}$': Type.String({ title: 'the speaker', maxLength: SPEAKER_MAX, pattern: SINGLE_LINE_PATTERN }),
    '^why_[1-9][0-9]{0,8}$': Type.String({ title: 'why this meeting matters', maxLength: WHY_MAX })
  }
})

/**
 * Reads the speakers form for these meetings (`label` names each in messages). An empty speaker is none; an
 * empty "why this matters" is the series' own text (`seriesWhy`).
 */
export function readSpeakersForm (body: unknown, meetings: { id: number, label: string }[], seriesWhy: string): { values: FormValues, errors: Record<string, string>, input?: MeetingSpeaker[] } {
  const schemaErrors = checkForm(SpeakersForm, body)
  const b = asBody(body)
  const values: FormValues = {}
  const errors: Record<string, string> = {}
  const rows: MeetingSpeaker[] = []
  for (const m of meetings) {
    const speaker = `speaker_${m.id}`
    const why = `why_${m.id}`
    if (!(speaker in b) && !(why in b)) continue
    values[speaker] = field(b, speaker)
    values[why] = field(b, why)
    for (const name of [speaker, why]) if (schemaErrors[name]) errors[name] = `${m.label}: ${schemaErrors[name].charAt(0).toLowerCase()}${schemaErrors[name].slice(1)}`
    rows.push({ eventId: m.id, speakerName: (values[speaker] as string).trim() || null, whyItMatters: (values[why] as string).trim() || seriesWhy })
  }
  // Anything else the schema refused (a field sent twice, too many fields) is about the whole form.
  // (Fields of meetings no longer listed are ignored, even when too long.)
  const other = Object.entries(schemaErrors).find(([name]) => !/^(speaker|why)_\d+$/.test(name))
  if (other) errors._form = other[1]
  return Object.keys(errors).length ? { values, errors } : { values, errors, input: rows }
}

/** A whole number from `min` to `max` written in digits, or null. */
function between (value: string, min: number, max: number): number | null {
  return /^\d+$/.test(value) && +value >= min && +value <= max ? +value : null
}

function asBody (body: unknown): Record<string, unknown> {
  return (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
}

/** Today's date, 'YYYY-MM-DD', in a zone (UTC when the zone is unknown). */
function todayIn (zone: string, now: Date): string {
  const d = DateTime.fromJSDate(now, { zone })
  return (d.isValid ? d : DateTime.fromJSDate(now, { zone: 'UTC' })).toISODate()!
}

/**
 * Reads the new-series form (pattern, every N, first date, time, zone, length) into a SeriesInput with its RRULE.
 * The first date is the first meeting: it may not be before today (in the series' zone), nor today at a time
 * already gone.
 */
export function readSeriesForm (body: unknown, now = new Date()): { values: FormValues, errors: Record<string, string>, input?: SeriesInput } {
  const errors = checkForm(SeriesForm, body)
  const b = asBody(body)
  const values: FormValues = {}
  const common = readContentAndPlace(b, values, errors)
  const pattern = field(b, 'pattern') as RulePattern
  const interval = field(b, 'interval') || '1'
  const publish = field(b, 'publish') !== 'no'
  for (const name of ['first_date', 'start_time', 'duration_minutes', 'time_zone']) values[name] = field(b, name)
  Object.assign(values, { pattern, interval, publish: publish ? 'yes' : 'no' })
  const every = between(interval, 1, 12)
  if (every === null) errors.interval ??= INTERVAL_MESSAGE
  const duration = between(field(b, 'duration_minutes'), 5, 24 * 60)
  if (duration === null) errors.duration_minutes ??= DURATION_MESSAGE
  const firstDate = field(b, 'first_date')
  if (!errors.first_date && !errors.time_zone && firstDate) {
    const today = todayIn(field(b, 'time_zone'), now)
    if (firstDate < today) errors.first_date = FIRST_DATE_MESSAGE
    else if (firstDate === today && !errors.start_time && field(b, 'start_time') &&
      localToInstant(`${firstDate}T${field(b, 'start_time')}`, field(b, 'time_zone')) <= now) {
      errors.start_time = 'The start time today has already passed: choose a later time, or a later first date.'
    }
  }
  if (Object.keys(errors).length || every === null || duration === null) return { values, errors }
  return {
    values,
    errors,
    input: {
      ...common.place,
      kind: common.kind,
      title: common.title,
      summary: common.summary,
      whyItMatters: common.whyItMatters,
      durationMinutes: duration,
      rrule: buildRule(pattern, every, firstDate),
      dtstartLocal: `${firstDate}T${field(b, 'start_time')}`,
      timeZone: field(b, 'time_zone'),
      publishOccurrences: publish
    }
  }
}

/** Whether the new-series form confirms publishing online meetings without a captions link. */
export function confirmsNoCaptions (body: unknown): boolean {
  return field(asBody(body), 'publish_without_captions') === 'yes'
}

/** Reads what the series' meetings say (the edit form). `input` is set only when there are no errors. */
export function readSeriesEditForm (body: unknown): { values: FormValues, errors: Record<string, string>, input?: SeriesContent } {
  const errors = checkForm(SeriesEditForm, body)
  const b = asBody(body)
  const values: FormValues = {}
  const common = readContentAndPlace(b, values, errors)
  values.duration_minutes = field(b, 'duration_minutes')
  const duration = between(field(b, 'duration_minutes'), 5, 24 * 60)
  if (duration === null) errors.duration_minutes ??= DURATION_MESSAGE
  if (Object.keys(errors).length || duration === null) return { values, errors }
  return {
    values,
    errors,
    input: { ...common.place, kind: common.kind, title: common.title, summary: common.summary, whyItMatters: common.whyItMatters, durationMinutes: duration }
  }
}

/**
 * Reads the "change the schedule from this meeting on" form. An empty first date is the chosen meeting's date
 * (`fromDate`, looked up by the caller; undefined when the meeting is not one of the series').
 */
export function readScheduleForm (body: unknown, fromDate?: string): { values: FormValues, errors: Record<string, string>, input?: ScheduleChange } {
  const errors = checkForm(ScheduleForm, body)
  const b = asBody(body)
  const values: FormValues = {}
  for (const name of ['from_event', 'pattern', 'first_date', 'start_time', 'time_zone']) values[name] = field(b, name)
  const interval = field(b, 'interval') || '1'
  values.interval = interval
  const every = between(interval, 1, 12)
  if (every === null) errors.interval ??= INTERVAL_MESSAGE
  if (!field(b, 'first_date') && !fromDate) errors.from_event ??= 'Choose an upcoming meeting of this series.'
  if (Object.keys(errors).length || every === null) return { values, errors }
  const firstDate = field(b, 'first_date') || fromDate!
  return {
    values,
    errors,
    input: {
      fromEventId: Number(field(b, 'from_event')),
      rrule: buildRule(field(b, 'pattern') as RulePattern, every, firstDate),
      dtstartLocal: `${firstDate}T${field(b, 'start_time')}`,
      timeZone: field(b, 'time_zone')
    }
  }
}

/**
 * Reads the "move one meeting" form: the meeting (checked against the series by the caller), and its new local
 * start, which may not be more than two days in the past (a typo in the year, not a move).
 */
export function readMoveOccurrenceForm (body: unknown, now = new Date()): { values: FormValues, errors: Record<string, string>, input?: { eventId: number | null, startLocal: string } } {
  const errors = checkForm(MoveOccurrenceForm, body)
  const b = asBody(body)
  const values: FormValues = { event_id: field(b, 'event_id'), new_date: field(b, 'new_date'), new_time: field(b, 'new_time') }
  const id = /^[1-9]\d{0,8}$/.test(values.event_id as string) ? Number(values.event_id) : null
  if (!errors.new_date && !errors.new_time && new Date(`${values.new_date as string}T${values.new_time as string}:00Z`).getTime() < now.getTime() - 2 * 86_400_000) {
    errors.new_date = 'Enter a date in the future.'
  }
  return Object.keys(errors).length ? { values, errors } : { values, errors, input: { eventId: id, startLocal: `${values.new_date as string}T${values.new_time as string}` } }
}

/** The series edit form's values for an existing series. */
export function seriesFormValues (s: Series): FormValues {
  return { ...contentAndPlaceValues(s), duration_minutes: String(s.duration_minutes) }
}

/** The values the schedule form starts with: the series' current rule, from its next meeting. */
export function scheduleFormValues (s: Series, next: { id: number, starts_at: Date } | undefined): FormValues {
  const parts = Object.fromEntries(s.rrule.split(';').map((p) => p.split('=') as [string, string]))
  const pattern: RulePattern = parts.FREQ === 'WEEKLY' ? 'weekly' : parts.BYMONTHDAY ? 'monthly-day' : 'monthly-weekday'
  return {
    from_event: next ? String(next.id) : '',
    pattern,
    interval: parts.INTERVAL ?? '1',
    // Empty: the new schedule starts on the chosen meeting's date (the organizer may give a later one).
    first_date: '',
    start_time: s.dtstart_local.slice(11),
    time_zone: s.time_zone
  }
}
