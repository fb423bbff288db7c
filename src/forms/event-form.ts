import { DateTime } from 'luxon'
import { Type } from 'typebox'
import type { Event } from '../db/database.js'
import { eventProblems, type EventInput } from '../domain/events/events.service.js'
import type { HostsForm } from '../domain/events/hosts.service.js'
import { DEFAULT_OFFSETS, formatOffsets, readOffsets } from '../domain/reminders/offsets.js'
import { localToInstant } from '../domain/series/recurrence.js'
import { checkbox, clockTime, date, form, formatted, httpsUrl, idList, text } from '../lib/schema.js'
import { checkForm } from '../lib/validation.js'
import { contentAndPlaceValues, contentFields, field, placeFields, readContentAndPlace, ticked, type FormValues } from './place-fields.js'

/** The hosts part of the event and series forms: ticked members, one more by email, and a marker that it was shown. */
export const hostFields = {
  hosts: idList('the hosts'),
  host_email: text('the new host’s email address', 254),
  hosts_shown: Type.Optional(Type.String({ maxLength: 3 }))
}

/** The hosts the form shows for these member ids (an event's or a series' current hosts). */
export function hostsFormValues (hostIds: number[]): HostsForm {
  return { hosts: hostIds.map(String), host_email: '', shown: true }
}

/** Reads the hosts part of a form (checked by the schema): `hosts`, `host_email` and the marker `hosts_shown`. */
export function readHostsForm (body: unknown): HostsForm {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const raw = Array.isArray(b.hosts) ? b.hosts : typeof b.hosts === 'string' ? [b.hosts] : []
  const hosts = [...new Set(raw.filter((v): v is string => typeof v === 'string' && /^\d{1,9}$/.test(v)))]
  return { hosts, host_email: field(b, 'host_email'), shown: b.hosts_shown === 'yes' }
}

/** The event form (new and edit). */
export const EventForm = form({
  ...contentFields,
  ...placeFields,
  ...hostFields,
  time_zone: formatted('a time zone', 'time-zone', 100, { required: true, errorMessage: 'Choose a time zone, such as America/New_York.' }),
  start_date: date('the start date', { required: true }),
  start_time: clockTime('the start time', { required: true }),
  end_date: date('the end date'),
  end_time: clockTime('the end time', { required: true }),
  recording_url: httpsUrl('the recording or transcript link'),
  speaker_name: text('the speaker', 200),
  rsvp_closes_date: date('the date RSVPs close', { errorMessage: 'Enter the date RSVPs close as YYYY-MM-DD, or leave it empty.' }),
  // Absent (a form of before the field): the event's opening is kept, so no default.
  rsvp_opens_date: Type.Optional(Type.String({
    title: 'the date RSVPs open', maxLength: 10, format: 'form-date',
    errorMessage: 'Enter the date RSVPs open as YYYY-MM-DD, or leave it empty to open them now.'
  })),
  ask_accessibility: checkbox('ask about accessibility needs'),
  ask_dietary: checkbox('ask about dietary needs'),
  // Absent: the event's reminders are kept; present and empty: none.
  reminders: Type.Optional(Type.String({ title: 'the reminders', maxLength: 200 }))
})

/** Where each of the domain's event rules shows on the form. */
const PROBLEM_FIELDS = { end: 'end_time', length: 'end_date', rsvpOpens: 'rsvp_opens_date' } as const

/**
 * Reads the event form: the schema's checks, then the form's dates and times placed in the event's zone, then
 * the domain's rules that span fields. `input` is set only when there are no errors.
 */
export function readEventForm (body: unknown): { values: FormValues, errors: Record<string, string>, input?: EventInput } {
  const errors = checkForm(EventForm, body)
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const values: FormValues = {}
  const common = readContentAndPlace(b, values, errors)
  for (const name of ['time_zone', 'start_date', 'start_time', 'end_date', 'end_time', 'recording_url', 'speaker_name', 'rsvp_closes_date', 'rsvp_opens_date']) {
    values[name] = field(b, name)
  }
  const askAccessibility = ticked(b, 'ask_accessibility')
  const askDietary = ticked(b, 'ask_dietary')
  Object.assign(values, { ask_accessibility: askAccessibility, ask_dietary: askDietary })
  const hasReminders = typeof b.reminders === 'string'
  const reminders = hasReminders ? readOffsets(field(b, 'reminders')) : { text: formatOffsets(DEFAULT_OFFSETS), offsets: undefined }
  values.reminders = reminders.text
  if ('error' in reminders && reminders.error) errors.reminders ??= reminders.error
  if (Object.keys(errors).length) return { values, errors }

  const zone = field(b, 'time_zone')
  const startDate = field(b, 'start_date')
  const endDate = field(b, 'end_date') || startDate
  const closesDate = field(b, 'rsvp_closes_date')
  const opensDate = field(b, 'rsvp_opens_date')
  const input: EventInput = {
    ...common.place,
    kind: common.kind,
    title: common.title,
    summary: common.summary,
    whyItMatters: common.whyItMatters,
    startsAt: localToInstant(`${startDate}T${field(b, 'start_time')}`, zone),
    endsAt: localToInstant(`${endDate}T${field(b, 'end_time')}`, zone),
    timeZone: zone,
    recordingUrl: field(b, 'recording_url') || null,
    speakerName: field(b, 'speaker_name') || null,
    // RSVPs close at the end of that day in the event's zone, and open at its start.
    rsvpClosesAt: closesDate ? DateTime.fromISO(closesDate, { zone }).endOf('day').toJSDate() : null,
    rsvpOpensAt: typeof b.rsvp_opens_date !== 'string' ? undefined : opensDate ? DateTime.fromISO(opensDate, { zone }).startOf('day').toJSDate() : null,
    askAccessibility,
    askDietary,
    reminderOffsets: reminders.offsets
  }
  for (const [rule, message] of Object.entries(eventProblems(input))) errors[PROBLEM_FIELDS[rule as keyof typeof PROBLEM_FIELDS]] ??= message
  return Object.keys(errors).length ? { values, errors } : { values, errors, input }
}

/** The form's values for an existing event (the edit page). */
export function eventFormValues (e: Event): FormValues {
  const start = DateTime.fromJSDate(e.starts_at, { zone: e.time_zone })
  const end = DateTime.fromJSDate(e.ends_at, { zone: e.time_zone })
  const day = (d: Date | null) => d ? DateTime.fromJSDate(d, { zone: e.time_zone }).toISODate()! : ''
  return {
    ...contentAndPlaceValues(e),
    time_zone: e.time_zone,
    start_date: start.toISODate()!,
    start_time: start.toFormat('HH:mm'),
    end_date: end.toISODate()!,
    end_time: end.toFormat('HH:mm'),
    recording_url: e.recording_url ?? '',
    speaker_name: e.speaker_name ?? '',
    rsvp_closes_date: day(e.rsvp_closes_at),
    rsvp_opens_date: day(e.rsvp_opens_at),
    ask_accessibility: e.ask_accessibility,
    ask_dietary: e.ask_dietary,
    reminders: formatOffsets(e.reminder_offsets_minutes)
  }
}
