import type { FastifyReply } from 'fastify'

/** Headers for pages reached from an emailed token link: the token must not leak or be cached. */
export function tokenPageHeaders (reply: FastifyReply): FastifyReply {
  return reply.header('Referrer-Policy', 'no-referrer').header('Cache-Control', 'no-store')
}

/** A local path to return to after sign-in; anything else (another site, //host) becomes '/'. */
export function safeNext (raw: unknown): string {
  return typeof raw === 'string' && /^\/(?![/\\])/.test(raw) ? raw : '/'
}
