import { Type } from 'typebox'
import { form, multiline } from '../lib/schema.js'
import { checkForm } from '../lib/validation.js'
import { field } from './place-fields.js'

/** The note an organizer may send with a declined request to join (emailed to the person as written). */
export const DeclineRequestForm = form({
  decision_note: multiline('the note with a decline', 2000),
  /** Sent by the confirmation page's button: without it, the organizer is asked to confirm first. */
  confirm: Type.Optional(Type.Literal('yes'))
})

/** Reads the decline form: the note as typed, and a message when it is too long (never cut). */
export function readDeclineForm (body: unknown): { note: string, confirmed: boolean, error?: string } {
  const errors = checkForm(DeclineRequestForm, body)
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const note = field(b, 'decision_note')
  const confirmed = b.confirm === 'yes'
  return errors.decision_note ? { note, confirmed, error: errors.decision_note } : { note, confirmed }
}
