import { checkbox, form, multiline, text } from '../lib/schema.js'
import { readEmail, readForm, type ReadForm } from './read-form.js'

/** The token of an emailed link, as a form or query field (ours are 43 characters; longer is no link of ours). */
export const linkToken = (label: string) => text(label, 500)

/** The ask-to-join form of a community (a signed-in member sends only the note). */
export const JoinRequestForm = form({
  email: text('your work email address', 254),
  full_name: text('your full name', 200),
  agency: text('your agency', 200),
  note: multiline('your note', 1000)
})

/** The ask-to-join form, read: `input` is set only when there are no errors; `email` is normalised. */
export interface JoinRequestRead extends ReadForm {
  input?: { email: string, fullName: string, agency: string, note: string }
}

/**
 * Reads the ask-to-join form. `signedIn`: the person is a member of Convene already and sends only a note;
 * everyone else gives their address, name and agency.
 */
export function readJoinRequestForm (body: unknown, signedIn: boolean): JoinRequestRead {
  const read = readForm(JoinRequestForm, body)
  const { values, errors } = read
  if (signedIn) {
    for (const name of ['email', 'full_name', 'agency']) delete errors[name]
    return Object.keys(errors).length ? read : { ...read, input: { email: '', fullName: '', agency: '', note: values.note } }
  }
  if (!values.email) errors.email ??= 'Enter your work email address.'
  const email = readEmail(read)
  if (!values.full_name) errors.full_name ??= 'Enter your full name.'
  if (!values.agency) errors.agency ??= 'Enter your agency.'
  if (Object.keys(errors).length || !email) return read
  return { ...read, input: { email, fullName: values.full_name, agency: values.agency, note: values.note } }
}

/** The norms page's form: one box to tick. */
export const NormsForm = form({ accept_norms: checkbox('accepting the norms') })

/** The invitation's button, then (for someone without an account) its short form: name and agency. */
export const InvitationForm = form({
  token: linkToken('the invitation link'),
  profile: checkbox('the about-you form'),
  full_name: text('your full name', 200),
  agency: text('your agency', 200)
})

/**
 * Reads the invitation's about-you form (sent with `profile`): `profile` is set only when name and agency are
 * given and within their limits.
 */
export function readInvitationForm (body: unknown): ReadForm & { profileSent: boolean, profile?: { fullName: string, agency: string } } {
  const read = readForm(InvitationForm, body)
  const { values, errors } = read
  const profileSent = values.profile !== ''
  if (!values.full_name) errors.full_name ??= 'Enter your full name.'
  if (!values.agency) errors.agency ??= 'Enter your agency.'
  delete errors.token
  delete errors.profile
  if (Object.keys(errors).length) return { ...read, profileSent }
  return { ...read, profileSent, profile: { fullName: values.full_name, agency: values.agency } }
}

