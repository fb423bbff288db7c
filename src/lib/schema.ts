import { Type, type TSchema } from 'typebox'
import { DateTime } from 'luxon'
import { isKnownZone, isValidZone } from './time-zones.js'

/*
 * Building blocks for route schemas (TypeBox, validated by Fastify's Ajv at the edge, before any handler runs).
 *
 * A form field's schema carries what its error message needs: `title` is the field's label written as it reads
 * in a sentence ("the start date", "a title"): "Enter the start date." / "A title must be 200 characters or
 * fewer." (src/lib/validation.ts turns Ajv's errors into those sentences). A field's own wording, where the
 * generic one would not do, goes in `errorMessage`.
 *
 * HTML forms send every text input, empty or not, so a text field is `required` when it must not be empty
 * (minLength 1) and otherwise defaults to '' when a script leaves it out. Checkboxes are sent only when ticked.
 */

/** Options every form field builder takes. */
export interface FieldOptions {
  /** The error message for any problem with this field, instead of the generic sentence. */
  errorMessage?: string
}

/** Ajv formats the schemas use, each accepting '' (a field left empty; `required` rules that out). */
export const formats: Record<string, (s: string) => boolean> = {
  /** A real calendar date written YYYY-MM-DD, in the years 1900 to 2200. */
  'form-date': (s) => s === '' || isIsoDate(s),
  /** HH:MM on the 24-hour clock. */
  'clock-time': (s) => s === '' || /^([01]\d|2[0-3]):[0-5]\d$/.test(s),
  /** A link people are sent to: https only, no spaces or quotes. */
  'https-url': (s) => s === '' || /^https:\/\/[^\s<>"]+$/.test(s),
  /** A whole number written in digits. */
  digits: (s) => s === '' || /^\d+$/.test(s),
  /** An IANA time zone the runtime resolves (aliases included). */
  'time-zone': (s) => s === '' || isValidZone(s),
  /** One of the canonical zone names the profile's select offers. */
  'known-time-zone': (s) => s === '' || isKnownZone(s),
  /** A row id as typed or posted: 1 to 9 digits, so it always fits PostgreSQL's integer. */
  'row-id': (s) => /^[1-9]\d{0,8}$/.test(s)
}

/**
 * A real calendar date written YYYY-MM-DD (not 2026-02-30), in the years 1900 to 2200 — any date a community
 * plans for; beyond that is a typo, and far-off years break date arithmetic further on.
 */
export function isIsoDate (s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const year = Number(s.slice(0, 4))
  return year >= 1900 && year <= 2200 && DateTime.fromISO(s).isValid
}

function base (label: string, opts: FieldOptions) {
  return { title: label, ...(opts.errorMessage ? { errorMessage: opts.errorMessage } : {}) }
}

/**
 * What a single-line field may not hold: control characters (C0, DEL, C1: line breaks, tabs…) and the Unicode
 * line and paragraph separators. A title or a name goes into mail subjects, calendar lines and CSV cells,
 * where a line break starts something else.
 */
export const SINGLE_LINE_PATTERN = '^[^\\p{Cc}\\u2028\\u2029]*$'

/**
 * A single-line text field (an `<input>`) of at most `max` characters (after trimming); `required`: not empty.
 * A line break or any other control character is an error naming the field ("A title must be one line…").
 */
export function text (label: string, max: number, opts: FieldOptions & { required?: boolean } = {}) {
  return textField(label, max, opts, { pattern: SINGLE_LINE_PATTERN })
}

/** A multi-line text field (a `<textarea>`: descriptions, notes, lists one per line): line breaks are kept. */
export function multiline (label: string, max: number, opts: FieldOptions & { required?: boolean } = {}) {
  return textField(label, max, opts, {})
}

function textField (label: string, max: number, opts: FieldOptions & { required?: boolean }, extra: { pattern?: string }) {
  const schema = Type.String({ ...base(label, opts), maxLength: max, ...extra, ...(opts.required ? { minLength: 1 } : {}) })
  return opts.required ? schema : Type.Optional(Type.String({ ...base(label, opts), maxLength: max, ...extra, default: '' }))
}

/** A text field that must match a named format (see `formats`); empty allowed unless `required`. */
export function formatted (label: string, format: keyof typeof formats, max: number, opts: FieldOptions & { required?: boolean } = {}) {
  const schema = { ...base(label, opts), maxLength: max, format, ...(opts.required ? { minLength: 1 } : {}) }
  return opts.required ? Type.String(schema) : Type.Optional(Type.String({ ...schema, default: '' }))
}

/** A date input (YYYY-MM-DD). */
export const date = (label: string, opts: FieldOptions & { required?: boolean } = {}) => formatted(label, 'form-date', 10, opts)
/** A time input (HH:MM). */
export const clockTime = (label: string, opts: FieldOptions & { required?: boolean } = {}) => formatted(label, 'clock-time', 5, opts)
/** An https:// link. */
export const httpsUrl = (label: string, opts: FieldOptions & { required?: boolean } = {}) => formatted(label, 'https-url', 1000, opts)

/** A field whose value is one of `values` (a select or radio buttons). */
export function oneOf (label: string, values: readonly string[], opts: FieldOptions & { required?: boolean } = {}) {
  const schema = Type.String({ ...base(label, opts), enum: [...values] })
  return opts.required ? schema : Type.Optional(schema)
}

/** A checkbox: sent (with any short value) when ticked, left out when not. */
export function checkbox (label: string) {
  return Type.Optional(Type.String({ title: label, maxLength: 20 }))
}

/** Ticked checkboxes or a multi-select sharing one name: a list of row ids (a single value arrives as a list too). */
export function idList (label: string, maxItems = 500) {
  return Type.Optional(Type.Array(Type.String({ title: label, format: 'row-id' }), { title: label, maxItems }))
}

/** The CSRF token every form sends (checked by the CSRF hook; declared so the schema lists every field). */
export const csrfField = Type.Optional(Type.String({ maxLength: 200 }))

/** A form body: the given fields plus the CSRF token; other fields are dropped before the handler sees them. */
export function form<P extends Record<string, TSchema>> (fields: P) {
  return Type.Object({ ...fields, _csrf: csrfField }, { additionalProperties: false })
}

/** A body with no fields but the CSRF token (a button: publish, cancel, sign out…). */
export const buttonForm = form({})

// --- URL parts ----------------------------------------------------------------------------------------------

/** A community's address name as it appears in /c/:slug. */
export const slug = Type.String({ title: 'the community', maxLength: 100, pattern: '^[a-z0-9][a-z0-9-]*$' })
/** A row id in a URL (/events/:id). */
export const rowId = Type.String({ title: 'the page', format: 'row-id' })

/** Params of /c/:slug/… */
export const SlugParams = Type.Object({ slug })
/** Params of /c/:slug/…/:id */
export const SlugIdParams = Type.Object({ slug, id: rowId })
/** Params of /…/:id */
export const IdParams = Type.Object({ id: rowId })

/** A query string that takes nothing (unknown parameters, such as a tracker's, are dropped). */
export const NoQuery = Type.Object({}, { additionalProperties: false })

// --- Route options ------------------------------------------------------------------------------------------

/** The options of a page (GET): its params and query string (none by default). */
export function pageRoute (params: TSchema, querystring: TSchema = NoQuery) {
  return { schema: { params, querystring } }
}

/**
 * The options of a form's POST: params, no query string, the form body; the handler reads the form's errors
 * itself (config.form), so it re-shows the form with them and the input kept.
 */
export function formRoute (params: TSchema, body: TSchema) {
  return { schema: { params, querystring: NoQuery, body }, config: { form: true } }
}

/** An optional query parameter of at most `max` characters (a repeated parameter keeps its first value). */
export function queryText (label: string, max: number) {
  return Type.Optional(Type.String({ title: label, maxLength: max }))
}
