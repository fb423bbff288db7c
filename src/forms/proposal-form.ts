import { Type } from 'typebox'
import type { Affiliation, Proposal, TalkTemplate } from '../db/database.js'
import { AFFILIATIONS, type ProposalInput } from '../domain/proposals/proposals.service.js'
import { checkbox, form, oneOf, text } from '../lib/schema.js'
import { bool } from '../lib/forms.js'
import { checkForm } from '../lib/validation.js'

/*
 * The proposal form a speaker writes in: the template's fields (named `answer_<key>`; their lengths are the
 * template's, checked by the service so the message names the field), title, format, topic, bio, affiliation,
 * the pledge and coaching. The schema bounds everything; the service decides what a draft or a submission needs.
 */

const base = form({
  template_id: Type.String({ title: 'the talk template', format: 'row-id', errorMessage: 'Choose a talk template.' }),
  title: text('a title', 200),
  format: text('the format', 40),
  topic: text('the topic', 200),
  bio: text('your bio', 2000),
  affiliation: oneOf('your affiliation', AFFILIATIONS.map((a) => a.value), { required: true, errorMessage: 'Choose your affiliation from the list.' }),
  affiliation_note: text('the note on your affiliation', 300),
  pledge: checkbox('the pledge'),
  first_time: checkbox('first time speaking'),
  wants_coaching: checkbox('coaching'),
  intent: oneOf('what to do', ['draft', 'submit'], { required: true, errorMessage: 'Choose “Save draft” or “Submit proposal”.' })
})

/** The template's fields arrive as `answer_<key>`: any number, each bounded here (its own limit is the template's). */
export const ProposalForm = Type.Object(base.properties, {
  additionalProperties: false,
  patternProperties: { '^answer_[a-z0-9_-]{1,40}$': Type.String({ title: 'an answer', maxLength: 20000 }) }
})

export const WithdrawForm = form({
  reason: text('the reason', 1000, { required: true, errorMessage: 'Say why you withdraw the proposal (the organizers read it).' })
})

export interface ProposalFormValues {
  template_id: string
  title: string
  format: string
  topic: string
  bio: string
  affiliation: string
  affiliation_note: string
  pledge: boolean
  first_time: boolean
  wants_coaching: boolean
  answers: Record<string, string>
}

function str (b: Record<string, unknown>, name: string): string {
  return typeof b[name] === 'string' ? b[name] : ''
}

export function newProposalValues (template: TalkTemplate, format: string): ProposalFormValues {
  return {
    template_id: String(template.id), title: '', format, topic: '', bio: '', affiliation: 'government', affiliation_note: '',
    pledge: false, first_time: false, wants_coaching: false, answers: {}
  }
}

export function proposalFormValues (p: Proposal): ProposalFormValues {
  return {
    template_id: String(p.template_id), title: p.title, format: p.format, topic: p.topic ?? '', bio: p.bio, affiliation: p.affiliation,
    affiliation_note: p.affiliation_note, pledge: p.pledged_at !== null, first_time: p.first_time, wants_coaching: p.wants_coaching, answers: { ...p.answers }
  }
}

/**
 * Reads the proposal form for `template` (the one its template_id names; the route looks it up). `input` is set
 * unless the schema refused something (a value over its bound): the service then checks the rest.
 */
export function readProposalForm (body: unknown, template: TalkTemplate | null): { values: ProposalFormValues, errors: Record<string, string>, input?: ProposalInput } {
  const schemaErrors = checkForm(ProposalForm, body)
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const answers: Record<string, string> = {}
  for (const f of template?.fields ?? []) answers[f.key] = str(b, `answer_${f.key}`)
  const values: ProposalFormValues = {
    template_id: str(b, 'template_id'), title: str(b, 'title').trim(), format: str(b, 'format'), topic: str(b, 'topic'), bio: str(b, 'bio').trim(),
    affiliation: str(b, 'affiliation') || 'government', affiliation_note: str(b, 'affiliation_note').trim(),
    pledge: bool(b, 'pledge'), first_time: bool(b, 'first_time'), wants_coaching: bool(b, 'wants_coaching'), answers
  }
  // An over-long answer is reported by the service in the template's words; the schema's bound only stops abuse.
  const errors: Record<string, string> = {}
  for (const [k, m] of Object.entries(schemaErrors)) if (!k.startsWith('answer_')) errors[k] = m
  if (!template) errors.template_id ??= 'Choose a talk template.'
  if (Object.keys(errors).length || !template) return { values, errors }
  return {
    values,
    errors,
    input: {
      templateId: template.id, title: values.title, format: values.format, topic: values.topic, answers, bio: values.bio,
      affiliation: values.affiliation as Affiliation, affiliationNote: values.affiliation_note, pledge: values.pledge,
      firstTime: values.first_time, wantsCoaching: values.wants_coaching, submit: str(b, 'intent') === 'submit'
    }
  }
}
