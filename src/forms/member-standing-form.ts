import { form, multiline } from '../lib/schema.js'
import { readForm, type ReadForm } from './read-form.js'

/** An organizer's suspension or removal of a member: the reason is required and kept in the audit log. */
const REASON_ERROR = 'Enter the reason (up to 500 characters): it is kept in the audit log.'

export const MemberStandingForm = form({
  reason: multiline('the reason', 500, { required: true, errorMessage: REASON_ERROR })
})

/** Reads the suspend / remove / deactivate form: a reason of spaces only is no reason. */
export function readMemberStandingForm (body: unknown): ReadForm {
  const read = readForm(MemberStandingForm, body)
  if (!read.errors.reason && !read.values.reason.trim()) read.errors.reason = REASON_ERROR
  return read
}
