import { normaliseEmail } from '../lib/forms.js'
import { form, text } from '../lib/schema.js'
import { readForm, type ReadForm } from './read-form.js'

/** Deleting one's account: the member types their email address to confirm. */
export const DeleteAccountForm = form({
  email: text('your email address', 254, { required: true })
})

/** Reads the confirmation; `confirmed` only when the address typed is the member's own (case and spaces aside). */
export function readDeleteAccountForm (body: unknown, ownEmail: string): ReadForm & { confirmed: boolean } {
  const read = readForm(DeleteAccountForm, body)
  if (!read.errors.email && normaliseEmail(read.values.email) !== ownEmail.toLowerCase()) {
    read.errors.email = `Type your email address, ${ownEmail}, exactly as shown to confirm.`
  }
  return { ...read, confirmed: !Object.keys(read.errors).length }
}
