import type { FastifyReply, FastifyRequest } from 'fastify'
import { notFound } from './errors.js'
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

/**
 * A request's strings as the app's readers expect them: NUL characters removed (nobody types one, and
 * PostgreSQL refuses them in text), everywhere in arrays and objects; with `trim`, white space around each value
 * removed (what a person typed around a field is never part of it, and limits count what is kept); with
 * `firstOfRepeated`, a repeated parameter (`?token=a&token=b`) keeps its first value, since every page reads
 * one value per query parameter.
 */
export function cleanInput (value: unknown, opts: { firstOfRepeated?: boolean, trim?: boolean } = {}): unknown {
  if (typeof value === 'string') {
    const clean = value.includes('\0') ? value.replace(/\0/g, '') : value
    return opts.trim ? clean.trim() : clean
  }
  if (Array.isArray(value)) return opts.firstOfRepeated ? cleanInput(value[0], opts) : value.map((v) => cleanInput(v, opts))
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[cleanInput(k) as string] = cleanInput(v, opts)
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
