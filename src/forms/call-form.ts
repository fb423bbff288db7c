import { Type } from 'typebox'
import type { Call, CallFormat, TalkTemplate, TemplateField } from '../db/database.js'
import type { CallInput } from '../domain/proposals/calls.service.js'
import { DEFAULT_FORMATS } from '../domain/proposals/templates.js'
import { instantToLocal, localToInstant } from '../domain/series/recurrence.js'
import { checkbox, clockTime, date, form, formatted, idList, text } from '../lib/schema.js'
import { bool } from '../lib/forms.js'
import { checkForm } from '../lib/validation.js'

/*
 * The organizers' call form (new and edit) and talk-template form. Each reader returns { values, errors,
 * input? }: `values` as typed (lists kept as lists), `input` only when nothing is wrong.
 */

/** Format rows the form shows: the call's own plus this many empty ones to add a format. */
export const SPARE_FORMAT_ROWS = 2
const MAX_FORMATS = 12

const list = (label: string, max: number, maxItems: number) =>
  Type.Optional(Type.Array(Type.String({ title: label, maxLength: max }), { title: label, maxItems }))

export const CallForm = form({
  // New calls only: what the call is on, `event-12` or `series-3`.
  target: text('what the call is on', 30),
  title: text('a title', 200, { required: true }),
  looking_for: text('what you are looking for', 3000),
  opens_date: date('the opening date', { required: true }),
  opens_time: clockTime('the opening time', { required: true }),
  closes_date: date('the closing date', { required: true }),
  closes_time: clockTime('the closing time', { required: true }),
  format_key: list('a format', 40, MAX_FORMATS + SPARE_FORMAT_ROWS),
  format_label: list('the name of a format', 60, MAX_FORMATS + SPARE_FORMAT_ROWS),
  format_minutes: list('the minutes of a format', 4, MAX_FORMATS + SPARE_FORMAT_ROWS),
  topics: list('the topics', 200, 100),
  template_ids: idList('the talk templates', 50),
  max_per_person: formatted('the cap on proposals per person', 'digits', 2, { required: true, errorMessage: 'Enter the cap on proposals per person, from 1 to 20.' }),
  blind_review: checkbox('blind review')
})

export interface CallFormValues {
  target: string
  title: string
  looking_for: string
  opens_date: string
  opens_time: string
  closes_date: string
  closes_time: string
  formats: Array<{ key: string, label: string, minutes: string }>
  topics: string[]
  template_ids: string[]
  max_per_person: string
  blind_review: boolean
}

function strings (v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : typeof v === 'string' ? [v] : []
}

function str (b: Record<string, unknown>, name: string): string {
  return typeof b[name] === 'string' ? b[name] : ''
}

/** A format's key from its name: `Lightning talk` → `lightning-talk`. */
function keyOf (label: string): string {
  return label.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'format'
}

/** The values a new call's form starts with. */
export function newCallValues (target: string, templates: TalkTemplate[]): CallFormValues {
  return {
    target, title: '', looking_for: '', opens_date: '', opens_time: '09:00', closes_date: '', closes_time: '17:00',
    formats: DEFAULT_FORMATS.map((f) => ({ key: f.key, label: f.label, minutes: String(f.minutes) })),
    topics: [], template_ids: templates.map((t) => String(t.id)), max_per_person: '3', blind_review: true
  }
}

/** The edit form's values for a call. */
export function callFormValues (call: Call): CallFormValues {
  const [od, ot] = instantToLocal(call.opens_at, call.time_zone).split('T')
  const [cd, ct] = instantToLocal(call.closes_at, call.time_zone).split('T')
  return {
    target: '', title: call.title, looking_for: call.looking_for, opens_date: od, opens_time: ot, closes_date: cd, closes_time: ct,
    formats: (call.formats as unknown as CallFormat[]).map((f) => ({ key: f.key, label: f.label, minutes: String(f.minutes) })),
    topics: [...call.topics], template_ids: call.template_ids.map(String), max_per_person: String(call.max_proposals_per_person), blind_review: call.blind_review
  }
}

/**
 * Reads the call form. `zone`: the event's or series' time zone the dates are in (null when the target is not
 * known yet: the route reports that). `topicChoices` and `templateChoices`: what the community offers.
 */
export function readCallForm (body: unknown, ctx: { zone: string | null, topicChoices: string[], templateChoices: number[] }):
{ values: CallFormValues, errors: Record<string, string>, input?: Omit<CallInput, 'target'> } {
  const errors = checkForm(CallForm, body)
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const keys = strings(b.format_key)
  const labels = strings(b.format_label)
  const minutes = strings(b.format_minutes)
  const rows = Array.from({ length: Math.max(keys.length, labels.length, minutes.length) }, (_, i) => ({
    key: keys[i] ?? '', label: (labels[i] ?? '').trim(), minutes: (minutes[i] ?? '').trim()
  }))
  const values: CallFormValues = {
    target: str(b, 'target'), title: str(b, 'title'), looking_for: str(b, 'looking_for'),
    opens_date: str(b, 'opens_date'), opens_time: str(b, 'opens_time'), closes_date: str(b, 'closes_date'), closes_time: str(b, 'closes_time'),
    formats: rows, topics: strings(b.topics), template_ids: strings(b.template_ids), max_per_person: str(b, 'max_per_person'),
    blind_review: bool(b, 'blind_review')
  }
  // Formats: rows with a name; each needs whole minutes from 1 to 480; names unique.
  const formats: CallFormat[] = []
  for (const row of rows) {
    if (!row.label && !row.minutes) continue
    if (!row.label) { errors.format_label ??= 'Every format with minutes needs a name.'; continue }
    const m = /^\d{1,3}$/.test(row.minutes) ? Number(row.minutes) : NaN
    if (!(m >= 1 && m <= 480)) { errors.format_minutes ??= `${row.label}: enter its length in minutes, from 1 to 480.`; continue }
    let key = row.key && /^[a-z0-9-]{1,40}$/.test(row.key) ? row.key : keyOf(row.label)
    while (formats.some((f) => f.key === key)) key = `${key}-2`.slice(-40)
    if (formats.some((f) => f.label.toLowerCase() === row.label.toLowerCase())) { errors.format_label ??= `Two formats are both called "${row.label}".`; continue }
    formats.push({ key, label: row.label, minutes: m })
  }
  if (!formats.length && !errors.format_label && !errors.format_minutes) errors.format_label = 'Offer at least one format, such as “Talk, 20 minutes”.'
  if (formats.length > MAX_FORMATS) errors.format_label ??= `Offer at most ${MAX_FORMATS} formats.`
  const topics = [...new Set(values.topics)]
  if (topics.some((t) => !ctx.topicChoices.includes(t))) errors.topics ??= 'Choose the topics from the community’s shared requirements.'
  const templateIds = [...new Set(values.template_ids.map(Number))]
  if (!templateIds.length) errors.template_ids ??= 'Allow at least one talk template.'
  else if (templateIds.some((id) => !ctx.templateChoices.includes(id))) errors.template_ids ??= 'Choose the talk templates from the list.'
  const cap = /^\d{1,2}$/.test(values.max_per_person) ? Number(values.max_per_person) : NaN
  if (!(cap >= 1 && cap <= 20)) errors.max_per_person ??= 'Enter the cap on proposals per person, from 1 to 20.'
  let opensAt: Date | null = null
  let closesAt: Date | null = null
  // Without the target's zone yet (none chosen), the order of the dates is still checked, in UTC.
  const zone = ctx.zone ?? 'UTC'
  if (!errors.opens_date && !errors.opens_time) opensAt = localToInstant(`${values.opens_date}T${values.opens_time}`, zone)
  if (!errors.closes_date && !errors.closes_time) closesAt = localToInstant(`${values.closes_date}T${values.closes_time}`, zone)
  if (opensAt && closesAt && closesAt <= opensAt) errors.closes_date ??= 'The call must close after it opens: enter a later closing date or time.'
  if (Object.keys(errors).length || !ctx.zone || !opensAt || !closesAt) return { values, errors }
  return {
    values,
    errors,
    input: {
      title: values.title, lookingFor: values.looking_for, opensAt, closesAt, formats, topics, templateIds, maxPerPerson: cap, blindReview: values.blind_review
    }
  }
}

/** The template form: its name, description, and per field (in the template's order) label, guidance, example, min, max. */
export const TemplateForm = form({
  name: text('the template’s name', 100, { required: true }),
  description: text('the description', 1000),
  field_key: list('a field', 40, 20),
  field_label: list('the label of a field', 100, 20),
  field_guidance: list('the guidance of a field', 1000, 20),
  field_example: list('the example of a field', 1000, 20),
  field_min: list('the shortest length of a field', 5, 20),
  field_max: list('the longest length of a field', 5, 20)
})

export interface TemplateFormValues {
  name: string
  description: string
  fields: Array<{ key: string, label: string, guidance: string, example: string, min: string, max: string }>
}

export function templateFormValues (t: TalkTemplate): TemplateFormValues {
  return {
    name: t.name,
    description: t.description,
    fields: t.fields.map((f) => ({ key: f.key, label: f.label, guidance: f.guidance, example: f.example, min: String(f.min), max: String(f.max) }))
  }
}

/**
 * Reads the template form against the template as it is: its fields keep their keys, order and kind (one line or
 * several; which becomes "why this matters"); only their texts and limits change. Errors are keyed
 * `field_<key>` (the fieldset of that field).
 */
export function readTemplateForm (body: unknown, current: TalkTemplate): { values: TemplateFormValues, errors: Record<string, string>, input?: { name: string, description: string, fields: TemplateField[] } } {
  const errors = checkForm(TemplateForm, body)
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const cols = ['field_key', 'field_label', 'field_guidance', 'field_example', 'field_min', 'field_max'].map((n) => strings(b[n]))
  const sent = cols[0].map((key, i) => ({ key, label: (cols[1][i] ?? '').trim(), guidance: (cols[2][i] ?? '').trim(), example: (cols[3][i] ?? '').trim(), min: (cols[4][i] ?? '').trim(), max: (cols[5][i] ?? '').trim() }))
  const values: TemplateFormValues = {
    name: str(b, 'name').trim(),
    description: str(b, 'description').trim(),
    fields: current.fields.map((f) => sent.find((s) => s.key === f.key) ?? { key: f.key, label: f.label, guidance: f.guidance, example: f.example, min: String(f.min), max: String(f.max) })
  }
  const fields: TemplateField[] = []
  for (const [i, f] of current.fields.entries()) {
    const v = values.fields[i]
    const min = /^\d{1,4}$/.test(v.min) ? Number(v.min) : NaN
    const max = /^\d{1,4}$/.test(v.max) ? Number(v.max) : NaN
    const name = v.label || f.label
    if (!v.label) errors[`field_${f.key}`] ??= `${f.label}: every field needs a label.`
    else if (Number.isNaN(min) || Number.isNaN(max)) errors[`field_${f.key}`] ??= `${name}: enter the shortest and longest lengths as whole numbers.`
    else if (min > max) errors[`field_${f.key}`] ??= `${name}: the shortest length (${min}) must not be more than the longest (${max}).`
    else if (max < 1 || max > 5000) errors[`field_${f.key}`] ??= `${name}: the longest length must be from 1 to 5,000 characters.`
    fields.push({ ...f, label: v.label, guidance: v.guidance, example: v.example, min, max })
  }
  if (Object.keys(errors).length) return { values, errors }
  return { values, errors, input: { name: values.name, description: values.description, fields } }
}
