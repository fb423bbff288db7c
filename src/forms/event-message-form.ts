import { form, multiline, oneOf, text } from '../lib/schema.js'
import { readForm, type ReadForm } from './read-form.js'

export const MESSAGE_SUBJECT_MAX = 150
export const MESSAGE_BODY_MAX = 5000

/** An organizer's message to those going to an event and/or its waitlist. */
export const EventMessageForm = form({
  audience: oneOf('who gets the message', ['going', 'waitlist', 'both'], { required: true, errorMessage: 'Choose who gets the message: those going, the waitlist, or both.' }),
  subject: text('the subject', MESSAGE_SUBJECT_MAX, { required: true }),
  body: multiline('the message', MESSAGE_BODY_MAX, { required: true })
})

/** Reads the message form: the text as typed, and one error per field (limits named, nothing cut). */
export function readEventMessageForm (body: unknown): ReadForm {
  return readForm(EventMessageForm, body)
}
