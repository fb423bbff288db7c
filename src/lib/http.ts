import type { FastifyReply, FastifyRequest } from 'fastify'
import { badRequest, notFound } from './errors.js'
import { parseId } from './forms.js'

/** Headers for pages reached from an emailed token link: the token must not leak or be cached. */
export function tokenPageHeaders (reply: FastifyReply): FastifyReply {
  return reply.header('Referrer-Policy', 'no-referrer').header('Cache-Control', 'no-store')
}

/**
 * A local path to return to after sign-in; anything else becomes '/': another site, `//host`, and paths with a
 * backslash, white space or control characters (browsers drop tabs and new lines, so `/\t/evil.com` would
 * become `//evil.com`).
 */
export function safeNext (raw: unknown): string {
  return typeof raw === 'string' && raw.length <= 500 && /^\/(?![/\\])[^\\\s\p{Cc}]*$/u.test(raw) ? raw : '/'
}

/** Deeper than any form or query string nests (forms are flat; `a[b][c]` is not parsed into objects). */
const MAX_DEPTH = 8
/** A lone surrogate: text no keyboard types and no encoder writes; `encodeURIComponent` and PostgreSQL refuse it. */
const LONE_SURROGATE = /\p{Surrogate}/u

/**
 * A request's strings as the app's readers expect them: NUL characters removed (nobody types one, and
 * PostgreSQL refuses them in text), everywhere in arrays and objects; with `trim`, white space around each value
 * removed (what a person typed around a field is never part of it, and limits count what is kept); with
 * `firstOfRepeated`, a repeated parameter (`?token=a&token=b`) keeps its first value, since every page reads
 * one value per query parameter. Text that is not valid Unicode, and nesting deeper than MAX_DEPTH, are a 400.
 */
export function cleanInput (value: unknown, opts: { firstOfRepeated?: boolean, trim?: boolean } = {}, depth = 0): unknown {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw badRequest('Something you sent is not valid text (it holds a broken Unicode character). Check it and send it again.')
    const clean = value.includes('\0') ? value.replace(/\0/g, '') : value
    return opts.trim ? clean.trim() : clean
  }
  if (depth >= MAX_DEPTH && value && typeof value === 'object') throw badRequest('What you sent is nested too deeply to be a form.')
  if (Array.isArray(value)) return opts.firstOfRepeated ? cleanInput(value[0], opts, depth + 1) : value.map((v) => cleanInput(v, opts, depth + 1))
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[cleanInput(k, {}, depth + 1) as string] = cleanInput(v, opts, depth + 1)
    return out
  }
  return value
}

/** The row id in the URL parameter `name` (`/events/:id`); anything but a plain id is a 404 for `what`. */
export function idParam (request: FastifyRequest, what = 'page', name = 'id'): number {
  const id = parseId((request.params as Record<string, unknown>)[name])
  if (id === null) throw notFound(what)
  return id
}
