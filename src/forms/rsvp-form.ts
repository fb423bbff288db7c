import { Type } from 'typebox'
import { RSVP_CHOICES, type RsvpChoice } from '../domain/rsvps/rsvps.service.js'
import { checkbox, form, oneOf } from '../lib/schema.js'
import { checkForm } from '../lib/validation.js'
import { ticked } from './place-fields.js'

const CHOOSE = 'Choose going, maybe or can’t go.'

/** An answer to an event's question: absent (the question was not asked) keeps the earlier answer; empty clears it. */
const needs = (label: string) => Type.Optional(Type.String({ title: label, maxLength: 1000 }))

/** The event page's RSVP form: the answer (the button pressed), the "don't list me" box and the event's questions. */
export const RsvpForm = form({
  choice: oneOf('your answer', RSVP_CHOICES, { errorMessage: CHOOSE }),
  unlisted: checkbox('hiding your name'),
  accessibility_needs: needs('your accessibility needs'),
  dietary_needs: needs('your dietary needs')
})

/** What the RSVP form asks the domain to record. */
export interface RsvpFormInput {
  choice: RsvpChoice
  listed: boolean
  accessibilityNeeds?: string
  dietaryNeeds?: string
}

/** Reads the RSVP form; `input` is set only when there are no errors (`errors.choice`: no answer was chosen). */
export function readRsvpForm (body: unknown): { values: Record<string, string>, errors: Record<string, string>, input?: RsvpFormInput } {
  const errors = checkForm(RsvpForm, body)
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const text = (name: string) => typeof b[name] === 'string' ? b[name] : undefined
  const values: Record<string, string> = {}
  for (const name of ['accessibility_needs', 'dietary_needs']) {
    const v = text(name)
    if (v !== undefined) values[name] = v
  }
  const choice = text('choice')
  if (!choice) errors.choice ??= CHOOSE
  if (Object.keys(errors).length) return { values, errors }
  return {
    values,
    errors,
    input: {
      choice: choice as RsvpChoice,
      listed: !ticked(b, 'unlisted'),
      accessibilityNeeds: text('accessibility_needs'),
      dietaryNeeds: text('dietary_needs')
    }
  }
}
