import { form, multiline, oneOf } from '../lib/schema.js'
import { lines, normaliseEmail } from '../lib/forms.js'
import { checkForm, quote } from '../lib/validation.js'
import { field } from './place-fields.js'

/*
 * The forms that take a pasted list of email addresses: invitations to join the community, and calendar
 * invitations for one event. An entry that is not an address is reported as typed (quoted by a short prefix;
 * the view escapes it), never read as some other address.
 */

/** The list's limit: enough for the most addresses either form takes at once. */
const MAX_LIST_CHARS = 50_000

/** "“a”, “b” and 3 more are not email addresses." for the entries that are not addresses. */
function notAddresses (bad: string[]): string {
  const named = bad.slice(0, 3).map((b) => quote(b)).join(', ')
  return `${named}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''} ${bad.length === 1 ? 'is not an email address' : 'are not email addresses'}.`
}

/** The community's "invite people" form: addresses one per line (or separated by commas). */
export const InvitationsForm = form({
  emails: multiline('the email addresses', MAX_LIST_CHARS)
})

/** Reads the community's "invite people" form: at least one address, at most 200, each a real address. */
export function readInvitationsForm (body: unknown): { values: { emails: string }, errors: Record<string, string>, emails?: string[] } {
  const errors = checkForm(InvitationsForm, body)
  const values = { emails: field((body && typeof body === 'object' ? body : {}) as Record<string, unknown>, 'emails') }
  if (errors.emails) return { values, errors }
  const raw = lines(values.emails, true)
  const emails: string[] = []
  const bad: string[] = []
  for (const line of raw) {
    const e = normaliseEmail(line)
    if (e) { if (!emails.includes(e)) emails.push(e) } else bad.push(line)
  }
  if (!raw.length) errors.emails = 'Enter at least one email address, one per line.'
  else if (bad.length) errors.emails = `${notAddresses(bad)} Write one address per line, like name@agency.gov.`
  else if (emails.length > 200) errors.emails = 'Invite at most 200 people at a time.'
  return Object.keys(errors).length ? { values, errors } : { values, errors, emails }
}

/** The most addresses an event's invite list takes at once. */
export const MAX_INVITE_ADDRESSES = 500

/** An event's "invite members" form: everyone, or the members whose addresses are pasted. */
export const InviteListForm = form({
  who: oneOf('who should get an invitation', ['list', 'everyone']),
  emails: multiline('the email addresses', MAX_LIST_CHARS)
})

/**
 * Splits a pasted list into addresses, in order and without repeats, and the entries that are not addresses,
 * as typed. Entries are separated by commas, semicolons or new lines; an entry in the form `"Name" <a@b>` or
 * `Name <a@b>` gives the address in brackets, any other entry each of its words (so a list separated by spaces
 * works too).
 */
export function splitEmailList (text: string): { emails: string[], bad: string[] } {
  const emails: string[] = []
  const bad: string[] = []
  for (const entry of text.split(/[,;\r\n]+/)) {
    const bracketed = /<([^<>]*)>/.exec(entry)
    const words = bracketed ? [bracketed[1]] : entry.split(/\s+/)
    for (const word of words) {
      const s = word.replace(/^["'(]+|["')]+$/g, '').trim()
      if (!s) continue
      const email = normaliseEmail(s)
      // What was typed: the whole entry when its brackets held no address ("<script>…" is not "script").
      const typed = bracketed ? entry.trim() : word
      if (email) { if (!emails.includes(email)) emails.push(email) } else if (!bad.includes(typed)) bad.push(typed)
    }
  }
  return { emails, bad }
}

/**
 * Reads an event's "invite members" form. The members among the valid addresses are invited; entries that are
 * not addresses come back in `invalid`, as typed, for the page to list. A list with no address at all is an
 * error. `input` is set only when there is something to send.
 */
export function readInviteListForm (body: unknown): {
  values: { who: string, emails: string }, errors: Record<string, string>, input?: { everyone: boolean, emails: string[], invalid: string[] }
} {
  const errors = checkForm(InviteListForm, body)
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const who = field(b, 'who') === 'everyone' ? 'everyone' : 'list'
  const values = { who, emails: field(b, 'emails') }
  if (Object.keys(errors).length) return { values, errors }
  if (who === 'everyone') return { values, errors, input: { everyone: true, emails: [], invalid: [] } }
  const { emails, bad } = splitEmailList(values.emails)
  const ask = 'Paste the email addresses of the members to invite, or choose everyone in the community.'
  if (!emails.length) errors.emails = bad.length ? `${notAddresses(bad)} ${ask}` : ask
  else if (emails.length > MAX_INVITE_ADDRESSES) errors.emails = `Paste at most ${MAX_INVITE_ADDRESSES} addresses at a time.`
  return Object.keys(errors).length ? { values, errors } : { values, errors, input: { everyone: false, emails, invalid: bad.map((e) => quote(e)) } }
}
