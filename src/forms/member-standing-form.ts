import { form, text } from '../lib/schema.js'
import { readForm, type ReadForm } from './read-form.js'

/** An organizer's suspension or removal of a member: the reason is required and kept in the audit log. */
export const MemberStandingForm = form({
  reason: text('the reason', 500, { required: true, errorMessage: 'Enter the reason (up to 500 characters): it is kept in the audit log.' })
})

/** Reads the suspend / remove form. */
export function readMemberStandingForm (body: unknown): ReadForm {
  return readForm(MemberStandingForm, body)
}
