import { date, form, text } from '../lib/schema.js'
import { normaliseEmail } from '../lib/forms.js'
import { checkForm } from '../lib/validation.js'
import { field } from './place-fields.js'

/** The "add an organizer" form: a member's email address and the term's first and last days. */
export const OrganizerTermForm = form({
  email: text('the email address', 254),
  starts_on: date('the start date', { errorMessage: 'Enter the start date as a real date, like 2026-01-31.' }),
  ends_on: date('the end date', { errorMessage: 'Enter the end date as a real date, like 2026-12-31, or leave it empty.' })
})

/** What the organizer form says, as typed (re-shown on error). */
export interface OrganizerTermValues { email: string, starts_on: string, ends_on: string }

/**
 * Reads the "add an organizer" form. `input` (with the address normalised, '' when left empty: the domain asks
 * for one) is set only when the schema found nothing wrong.
 */
export function readOrganizerTermForm (body: unknown): { values: OrganizerTermValues, errors: Record<string, string>, input?: OrganizerTermValues } {
  const errors = checkForm(OrganizerTermForm, body)
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const values = { email: field(b, 'email'), starts_on: field(b, 'starts_on'), ends_on: field(b, 'ends_on') }
  const email = values.email ? normaliseEmail(values.email) : ''
  if (email === null) errors.email ??= 'Enter an email address in the format name@agency.gov.'
  return Object.keys(errors).length || email === null ? { values, errors } : { values, errors, input: { ...values, email } }
}
