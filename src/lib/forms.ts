/** The result of reading a form: the values to keep (re-shown on error) and a message per field in error. */
export interface FormResult<T> {
  values: T
  errors: Record<string, string>
}

export type Body = Record<string, unknown>

/** A trimmed string field; arrays (a repeated field) and non-strings become ''. */
export function str (body: unknown, name: string, max = 2000): string {
  const v = body && typeof body === 'object' ? (body as Body)[name] : undefined
  return typeof v === 'string' ? v.trim().slice(0, max) : ''
}

/** A checkbox: present with any value means checked. */
export function bool (body: unknown, name: string): boolean {
  const v: unknown = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined
  // Booleans too: form values read back from a row (`eventFormValues`) go through the same reader.
  if (typeof v === 'boolean') return v
  return v !== undefined && v !== '' && v !== 'false'
}

/** A list typed one item per line (or comma-separated when `commas`); blank items dropped, duplicates kept once. */
export function lines (text: string, commas = false): string[] {
  const parts = text.split(commas ? /[\n,]/ : /\n/).map((s) => s.trim()).filter(Boolean)
  return [...new Set(parts)]
}

/** Checks a value against a length limit and whether it is required; records the message in `errors`. */
export function check (errors: Record<string, string>, field: string, value: string, label: string,
  opts: { required?: boolean, max?: number } = {}): void {
  if (opts.required && !value) errors[field] = `Enter ${label}.`
  else if (opts.max && value.length > opts.max) errors[field] = `${capitalise(label)} must be ${opts.max} characters or fewer.`
}

export function capitalise (s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

const EMAIL_RE = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/

/** Lower-cases and checks an email address; returns null when it is not one. */
export function normaliseEmail (raw: string): string | null {
  const email = raw.trim().toLowerCase()
  return email.length <= 254 && EMAIL_RE.test(email) ? email : null
}
