import { COACHING_NOTE_MAX, NOTE_MAX } from '../domain/proposals/speakers.service.js'
import { buttonForm, form, multiline, oneOf, text } from '../lib/schema.js'
import { readEmail, readForm } from './read-form.js'

/*
 * The small forms around a proposal's people: inviting a co-speaker (an address), answering an invitation
 * (accept or decline), an organizer's invitation to propose (a member's address and a note) and a coaching note.
 */

export const CoSpeakerForm = form({
  email: text('the co-speaker’s email address', 254, { required: true, errorMessage: 'Enter the co-speaker’s email address, in the format name@agency.gov.' })
})

export const AnswerForm = form({
  answer: oneOf('your answer', ['accept', 'decline'], { required: true, errorMessage: 'Choose accept or decline.' })
})

export const InviteToProposeForm = form({
  email: text('the member’s email address', 254, { required: true, errorMessage: 'Enter the email address of the member you invite.' }),
  note: multiline('the note', NOTE_MAX + 200, { required: true, errorMessage: 'Write a note: what story you would like them to tell.' })
})

export const CoachingNoteForm = form({
  note: multiline('the coaching note', COACHING_NOTE_MAX + 200, { required: true, errorMessage: 'Write the coaching note.' })
})

export const StartDraftForm = buttonForm

/** The co-speaker form: the address (lower-cased) or the errors. */
export function readCoSpeakerForm (body: unknown) {
  const f = readForm(CoSpeakerForm, body)
  const email = readEmail(f)
  return { values: f.values, errors: f.errors, email: Object.keys(f.errors).length ? null : email }
}

export function readInviteToProposeForm (body: unknown) {
  const f = readForm(InviteToProposeForm, body)
  const email = readEmail(f)
  if (!f.errors.note && !f.values.note.trim()) f.errors.note = 'Write a note: what story you would like them to tell.'
  return { values: f.values, errors: f.errors, input: Object.keys(f.errors).length || !email ? null : { email, note: f.values.note.trim() } }
}
