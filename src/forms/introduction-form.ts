import { Type, type Static } from 'typebox'
import { NOTE_MAX } from '../domain/connections/introductions.service.js'
import { parseId } from '../lib/forms.js'
import { form, multiline, queryText, text } from '../lib/schema.js'
import { readForm, type ReadForm } from './read-form.js'

/** The introduce form's search for the other member (GET /members/:id/introduce?q=…). */
export const IntroduceQuery = Type.Object({ q: queryText('the name to search for', 100) }, { additionalProperties: false })
export type IntroduceQueryValues = Static<typeof IntroduceQuery>

/** Introducing a member to another: the other (chosen from the search results) and the note both read. */
export const IntroduceForm = form({
  other_id: text('the member to introduce them to', 12, { errorMessage: 'Choose the member to introduce them to, from the search results.' }),
  note: multiline('the note', NOTE_MAX, { required: true }),
  /** The search that listed the candidates, so the form comes back with them. */
  q: text('the name to search for', 100)
})

/** Reads the form: the chosen member's id (null when none or not an id) and the note, or the errors by field. */
export function readIntroduceForm (body: unknown): ReadForm & { otherId: number | null, note: string | null } {
  const read = readForm(IntroduceForm, body)
  const note = read.values.note.trim()
  if (!read.errors.note && !note) read.errors.note = 'Enter the note.'
  const otherId = read.errors.other_id ? null : parseId(read.values.other_id)
  return { ...read, otherId, note: read.errors.note ? null : note }
}
