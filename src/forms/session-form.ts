import { Type } from 'typebox'
import type { SessionInput } from '../domain/agenda/sessions.service.js'
import { SESSION_LIMITS } from '../domain/agenda/sessions.service.js'
import { clockTime, date, form, multiline, text } from '../lib/schema.js'
import { readForm } from './read-form.js'

/** An agenda session as organizers add or edit it (the times in the event's zone). */
export const SessionForm = form({
  // Empty: no talk (a break, keynote or panel).
  proposal_id: Type.Optional(Type.String({ title: 'the talk', pattern: '^([1-9][0-9]{0,8})?$', default: '', errorMessage: 'Choose a talk from the list, or none.' })),
  title: text('the title', SESSION_LIMITS.title),
  why_this_matters: multiline('why this matters', SESSION_LIMITS.whyThisMatters),
  date: date('the date', { required: true, errorMessage: 'Choose the day of the session.' }),
  start_time: clockTime('the start time', { required: true }),
  end_time: clockTime('the end time', { required: true }),
  room: text('the room', SESSION_LIMITS.room),
  track: text('the track', SESSION_LIMITS.track)
})

/** Reads the session form: the text as typed (re-shown on error), its errors, and the input when there are none. */
export function readSessionForm (body: unknown): { values: Record<string, string>, errors: Record<string, string>, input?: SessionInput } {
  const { values, errors } = readForm(SessionForm, body)
  if (Object.keys(errors).length) return { values, errors }
  return {
    values,
    errors,
    input: {
      proposalId: values.proposal_id ? Number(values.proposal_id) : null,
      title: values.title,
      whyThisMatters: values.why_this_matters,
      date: values.date,
      startTime: values.start_time,
      endTime: values.end_time,
      room: values.room,
      track: values.track
    }
  }
}
