import type { TObject } from 'typebox'
import { checkForm } from '../lib/validation.js'
import { normaliseEmail } from '../lib/forms.js'

/** A short form as typed: each field's text (uncut, re-shown on error) and one message per field in error. */
export interface ReadForm {
  values: Record<string, string>
  errors: Record<string, string>
}

/**
 * Reads a short form of text fields: the schema's checks (as the route made them), then the text of every
 * field the schema lists (the CSRF token aside) — '' for a field absent or sent twice, whose error says so.
 */
export function readForm (schema: TObject, body: unknown): ReadForm {
  const errors = checkForm(schema, body)
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const values: Record<string, string> = {}
  for (const name of Object.keys(schema.properties)) {
    if (name === '_csrf') continue
    const v = b[name]
    values[name] = typeof v === 'string' ? v : ''
  }
  return { values, errors }
}

/** The message for text that is not an email address. */
export const NOT_AN_EMAIL = 'Enter an email address in the format name@agency.gov.'

/**
 * An email address field of a form read by `readForm`: lower-cased, or null with the field's error set when it
 * is not an address (the schema has already reported a missing or over-long one).
 */
export function readEmail (form: ReadForm, name = 'email'): string | null {
  if (form.errors[name] || !form.values[name]) return null
  const email = normaliseEmail(form.values[name])
  if (!email) form.errors[name] = NOT_AN_EMAIL
  return email
}
