/*
 * Ajv's validation errors (from the route schemas, src/lib/schema.ts) as sentences a person can act on, one per
 * field: "Enter the start date as YYYY-MM-DD.", "A summary must be 5000 characters or fewer (you entered 10000)."
 * Each names the field by the label in its schema and never repeats more than a short prefix of what was sent.
 */

import { Ajv, type ValidateFunction } from 'ajv'
import type { TSchema } from 'typebox'
import { formats, SINGLE_LINE_PATTERN } from './schema.js'

/**
 * How route schemas are checked, here and by Fastify (build.ts passes the same options): every problem at once
 * (`allErrors`: bodies are bounded by bodyLimit, lists by maxItems, and no pattern backtracks), with the schema
 * that failed (`verbose`) so the message can name the field; Fastify's defaults besides (a single value where a
 * list is expected becomes a list; defaults filled in; fields a form does not have dropped).
 */
export const ajvOptions = {
  coerceTypes: 'array' as const,
  useDefaults: true,
  removeAdditional: true,
  allErrors: true,
  verbose: true,
  formats,
  keywords: ['errorMessage']
}

const ajv = new Ajv(ajvOptions)
const compiled = new WeakMap<TSchema, ValidateFunction>()

/**
 * Checks `body` against a form's schema as the route did (defaults filled in, unknown fields dropped, in
 * place) and returns one message per field in error. Form readers (src/forms) call it, so that a form read
 * outside a request (the demo, a test) gets the same checks as one posted.
 */
export function checkForm (schema: TSchema, body: unknown): Record<string, string> {
  let validate = compiled.get(schema)
  if (!validate) compiled.set(schema, validate = ajv.compile(schema))
  return validate(body) ? {} : fieldErrors(validate.errors as SchemaError[])
}

/** The parts of an Ajv error this module reads (Fastify's `FastifySchemaValidationError` with `verbose` on). */
export interface SchemaError {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  message?: string
  parentSchema?: { title?: string, errorMessage?: string, format?: string, items?: { title?: string } }
  data?: unknown
}

/** What each format asks for, after "Enter <label> ". */
const FORMAT_WORDING: Record<string, string> = {
  'form-date': 'as YYYY-MM-DD',
  'clock-time': 'as HH:MM (24-hour)',
  'https-url': 'starting with https://',
  digits: 'as a whole number',
  'row-id': 'from the list',
  'time-zone': 'from the list, such as America/New_York',
  'known-time-zone': 'from the list'
}

/** The first letter upper-cased. */
export function capitalise (s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

/** At most `max` characters of what someone typed, in quotes, with "…" when cut — for messages that quote input. */
export function quote (value: string, max = 40): string {
  const chars = [...value]
  return `“${chars.length > max ? chars.slice(0, max).join('') + '…' : value}”`
}

/** The form field an error is about: the first segment of its path (`/hosts/3` → `hosts`), or the missing property. */
function fieldOf (e: SchemaError): string {
  if (e.keyword === 'required' && typeof e.params.missingProperty === 'string') return e.params.missingProperty
  const first = e.instancePath.split('/')[1] ?? ''
  return first.replace(/~1/g, '/').replace(/~0/g, '~')
}

/** One sentence for one Ajv error. */
export function sentence (e: SchemaError): string {
  const schema = e.parentSchema ?? {}
  if (schema.errorMessage) return schema.errorMessage
  const field = fieldOf(e)
  const label = schema.title ?? schema.items?.title ?? (field ? `the ${field.replace(/_/g, ' ')} field` : 'the form')
  switch (e.keyword) {
    case 'required':
      return `Enter ${e.params.missingProperty === field ? label : 'every required field'}.`
    case 'minLength':
      if (Number(e.params.limit) <= 1) return schema.format && FORMAT_WORDING[schema.format] ? `Enter ${label} ${FORMAT_WORDING[schema.format]}.` : `Enter ${label}.`
      return `${capitalise(label)} must be at least ${String(e.params.limit)} characters.`
    case 'maxLength': {
      const length = typeof e.data === 'string' ? [...e.data].length : undefined
      return `${capitalise(label)} must be ${String(e.params.limit)} characters or fewer${length ? ` (you entered ${length})` : ''}.`
    }
    case 'format':
      return `Enter ${label} ${FORMAT_WORDING[String(e.params.format)] ?? 'in the form shown'}.`
    case 'pattern':
      if (e.params.pattern === SINGLE_LINE_PATTERN) return `${capitalise(label)} must be one line, without line breaks or tabs.`
      return `Enter ${label} in the form shown.`
    case 'enum':
      return `Choose ${label} from the list.`
    case 'maxItems':
      return `Choose at most ${String(e.params.limit)} for ${label}.`
    case 'type':
      return Array.isArray(e.data) ? `${capitalise(label)} was sent more than once: send it once.` : `Enter ${label} as text.`
    case 'additionalProperties':
      return 'The form sent a field it does not have. Reload the page and try again.'
    default:
      return `Check ${label}.`
  }
}

/** One message per field (the first problem found with it), keyed by the form field's name. */
export function fieldErrors (errors: readonly SchemaError[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of errors ?? []) {
    const field = fieldOf(e) || '_form'
    if (!(field in out)) out[field] = sentence(e)
  }
  return out
}
