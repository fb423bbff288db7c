import { DateTime } from 'luxon'
/** The result of reading a form: the values to keep (re-shown on error) and a message per field in error. */
export interface FormResult<T> {
  values: T
  errors: Record<string, string>
}

export type Body = Record<string, unknown>

/**
 * A real calendar date written YYYY-MM-DD (not 2026-02-30), in the years 1900 to 2200 — any date a community
 * plans for; beyond that is a typo, and far-off years break date arithmetic further on.
 */
export function isIsoDate (s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const year = Number(s.slice(0, 4))
  return year >= 1900 && year <= 2200 && DateTime.fromISO(s).isValid
}

/** A row id typed or posted as text ("42"), or null: at most 9 digits, so it always fits PostgreSQL's integer. */
export function parseId (raw: unknown): number | null {
  return typeof raw === 'string' && /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : null
}

/** A clock time HH:MM on the 24-hour clock (00:00 to 23:59). */
export function isClockTime (s: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(s)
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

const EMAIL_RE = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/

/** Lower-cases and checks an email address; returns null when it is not one. */
export function normaliseEmail (raw: string): string | null {
  const email = raw.trim().toLowerCase()
  return email.length <= 254 && EMAIL_RE.test(email) ? email : null
}
