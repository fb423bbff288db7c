import type { MailPreferences } from '../domain/members/members.service.js'
import { checkbox, form } from '../lib/schema.js'
import { checkForm } from '../lib/validation.js'
import { ticked } from './place-fields.js'

/** The profile's email preferences: a checkbox for each kind of mail a member may turn off. */
export const MailPreferencesForm = form({
  mail_reminders: checkbox('reminders before events'),
  mail_calendar: checkbox('calendar invitations'),
  mail_met: checkbox('"who did you meet?" after in-person events')
})

/** Reads the email preferences form (checkboxes: ticked or not); `input` is set only when there are no errors. */
export function readMailPreferencesForm (body: unknown): { errors: Record<string, string>, input?: MailPreferences } {
  const errors = checkForm(MailPreferencesForm, body)
  if (Object.keys(errors).length) return { errors }
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  return { errors, input: { reminders: ticked(b, 'mail_reminders'), calendar: ticked(b, 'mail_calendar'), met: ticked(b, 'mail_met') } }
}
