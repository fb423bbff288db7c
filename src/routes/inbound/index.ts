import crypto from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ingestCalendarReply } from '../../domain/inbound/inbound.service.js'
import { Type } from 'typebox'
import { notFound } from '../../lib/errors.js'
import { NoQuery } from '../../lib/schema.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: the security plugin skips the CSRF check (machine endpoints authenticated another way). */
    csrf?: boolean
  }
}

const BODY_LIMIT = 10 * 1024 * 1024

/**
 * The body as the parsers below hand it over: the raw message as a Buffer, which JSON Schema cannot describe
 * (Ajv checks JSON values) — so any value passes here, its size is bounded by BODY_LIMIT, and the handler
 * refuses what is not a Buffer (a JSON or form body) with 415 and an empty message with 400.
 */
const RawMessage = Type.Unknown({ description: 'the raw message (message/rfc822 or text/plain), as a Buffer' })

/** Equal strings in constant time (hashing first makes the lengths equal, so no length leaks either). */
function sameToken (given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest()
  const b = crypto.createHash('sha256').update(expected).digest()
  return crypto.timingSafeEqual(a, b)
}

/**
 * `POST /inbound/mail`: a mail provider's inbound webhook delivers one raw message (message/rfc822 or
 * text/plain) addressed to a community mailbox; iTIP REPLYs in it update RSVPs. Authenticated with
 * `Authorization: Bearer <INBOUND_MAIL_TOKEN>`; without that setting the endpoint does not exist (404).
 * Processed and ignored messages both answer 200, so the provider does not retry them; an internal error
 * answers 500 and the provider retries.
 */
export default async function inboundRoutes (app: FastifyInstance) {
  // Raw bodies for this plugin only (encapsulated): the message must reach mailparser byte for byte.
  app.removeContentTypeParser('text/plain')
  app.addContentTypeParser(['message/rfc822', 'text/plain'], { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body))
  // JSON is parsed nowhere in the app; here it is named only to be refused in this endpoint's JSON (unread).
  app.addContentTypeParser('application/json', (_req, _payload, done) => done(null, {}))

  app.post('/inbound/mail', {
    bodyLimit: BODY_LIMIT,
    schema: { querystring: NoQuery, body: RawMessage },
    // onRequest: a request without the token is turned away before its body is read.
    onRequest: authenticate,
    config: { csrf: false, rateLimit: { max: 600, timeWindow: '1 minute' } }
  }, receiveMail)

  async function authenticate (request: FastifyRequest, reply: FastifyReply) {
    const expected = app.config.INBOUND_MAIL_TOKEN
    if (!expected) throw notFound()
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
    if (!m || !sameToken(m[1], expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="convene-inbound"')
        .send({ status: 'error', reason: 'unauthorized' })
    }
  }

  async function receiveMail (request: FastifyRequest, reply: FastifyReply) {
    const body = request.body
    if (body !== undefined && body !== null && !Buffer.isBuffer(body)) {
      // Parsed by another of the app's parsers (JSON, form): not a raw message.
      return reply.code(415).send({ status: 'error', reason: 'send the raw message as message/rfc822 or text/plain' })
    }
    if (!body || !body.toString('latin1').trim()) {
      return reply.code(400).send({ status: 'error', reason: 'empty-body' })
    }
    const result = await ingestCalendarReply(app.db, { mailer: app.mailer, log: request.log }, body)
    return reply.code(200).send({ status: result.status, reason: result.reason })
  }
}
