import { form, text } from '../lib/schema.js'
import { readEmail, readForm, type ReadForm } from './read-form.js'

/** The profile's "change your email address" form. */
export const EmailChangeForm = form({
  new_email: text('your new email address', 254, { required: true })
})

/** Reads it; `email` is the normalised new address, set only when the form has no errors. */
export function readEmailChangeForm (body: unknown): ReadForm & { email: string | null } {
  const read = readForm(EmailChangeForm, body)
  const email = readEmail(read, 'new_email')
  return { ...read, email: Object.keys(read.errors).length ? null : email }
}
