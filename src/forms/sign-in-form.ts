import { form, text } from '../lib/schema.js'
import { readEmail, readForm, type ReadForm } from './read-form.js'

/** The sign-in form: the address to send a link to, and the page to return to. */
export const SignInForm = form({
  email: text('your email address', 254, { required: true }),
  next: text('the page to return to', 2000)
})

/** Reads the sign-in form; `email` is the normalised address, set only when the form has no errors. */
export function readSignInForm (body: unknown): ReadForm & { email: string | null } {
  const read = readForm(SignInForm, body)
  const email = readEmail(read)
  return { ...read, email: Object.keys(read.errors).length ? null : email }
}
