import { form, text } from '../lib/schema.js'
import { readForm, type ReadForm } from './read-form.js'

/** The site admin page's form that makes a member a site admin (the address is checked by `makeAdmin`). */
export const AddAdminForm = form({ email: text('the member’s email address', 254) })

/** Reads the add-a-site-admin form. */
export function readAddAdminForm (body: unknown): ReadForm {
  return readForm(AddAdminForm, body)
}
