import { form, multiline } from '../lib/schema.js'
import { checkForm } from '../lib/validation.js'
import { field } from './place-fields.js'

/** The note an organizer may send with a declined request to join (emailed to the person as written). */
export const DeclineRequestForm = form({
  decision_note: multiline('the note with a decline', 2000)
})

/** Reads the decline form: the note as typed, and a message when it is too long (never cut). */
export function readDeclineForm (body: unknown): { note: string, error?: string } {
  const errors = checkForm(DeclineRequestForm, body)
  const note = field((body && typeof body === 'object' ? body : {}) as Record<string, unknown>, 'decision_note')
  return errors.decision_note ? { note, error: errors.decision_note } : { note }
}
