import fp from 'fastify-plugin'
import cookie, { Signer } from '@fastify/cookie'
import formbody from '@fastify/formbody'
import csrf from '@fastify/csrf-protection'
import helmet from 'helmet'
import rateLimit from '@fastify/rate-limit'
import { LRUCache } from 'lru-cache'
import qs from 'node:querystring'
import { randomBytes } from 'node:crypto'
import type { FastifyReply } from 'fastify'
import { PgRateLimitStore } from '../../infra/rate-limit-store.js'
import { headersOf } from '../../lib/overrides/helmet-headers.js'
import { cleanInput } from '../../lib/http.js'

/**
 * Cookies, form bodies, CSRF, security headers and rate limits: the ecosystem plugins every route relies on.
 * CSRF is checked for every POST in a preHandler (the body is parsed by then), except routes that opt out with
 * `config: { csrf: false }` (machine endpoints authenticated another way).
 */
export default fp(async (app) => {
  await app.register(cookie, { secret: rememberingSigner(app.secret), parseOptions: { httpOnly: true, sameSite: 'lax', path: '/' } })
  await app.register(formbody, { parser: (body) => qs.parse(body), bodyLimit: 1024 * 1024 })
  // Pages take forms, not JSON: no route reads a JSON body, so none is parsed (a deeply nested or huge JSON
  // body was work — and a crash — before CSRF and sign-in were even checked). A JSON request gets a 415 page.
  app.removeContentTypeParser('application/json')
  const tls = app.config.PUBLIC_URL.startsWith('https://')
  // Over TLS the __Host- prefix: the browser takes the cookie only from this host, secure, for every path — a
  // neighbouring subdomain cannot plant one.
  const csrfCookie = tls ? '__Host-convene_csrf' : 'convene_csrf'
  const csrfCookieOpts = { httpOnly: true, sameSite: 'lax', path: '/', signed: true, secure: tls ? true : 'auto' } as const
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: csrfCookie,
    cookieOpts: csrfCookieOpts,
    getToken: (req) => ((req.body as Record<string, string> | undefined)?._csrf) ?? (req.headers['x-csrf-token'] as string | undefined)
  })
  // A new CSRF secret when a session starts or ends (reply.signIn, reply.signOut): a secret someone planted or
  // read before — and every token made from it — stops working, so it cannot be used with the new session.
  app.decorateReply('renewCsrf', function (this: FastifyReply) {
    // What @fastify/csrf's secretSync makes (18 random bytes, base64url).
    const secret = randomBytes(18).toString('base64url')
    this.setCookie(csrfCookie, secret, csrfCookieOpts)
    // A page rendered by this same response makes its tokens from the new secret too.
    this.request.cookies[csrfCookie] = this.signCookie(secret)
  })
  // Cleaned once for every route rather than in each form reader (see cleanInput).
  app.addHook('preValidation', async (request) => {
    request.query = cleanInput(request.query, { firstOfRepeated: true, trim: true })
    request.params = cleanInput(request.params)
    // Form fields are trimmed; a raw body (an inbound message) is kept as sent.
    request.body = cleanInput(request.body, { trim: typeof request.body === 'object' })
  })
  app.addHook('preHandler', (request, reply, done) => {
    const routeConfig = request.routeOptions.config as { csrf?: boolean }
    if (request.method !== 'POST' || routeConfig.csrf === false) return done()
    app.csrfProtection(request, reply, done)
  })
  // Security headers from helmet, computed once (see headersOf): the same on every response (no nonces).
  const securityHeaders = headersOf(helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null
      }
    },
    // Pages are same-origin only; links to other sites (join links, captions) must not leak our URLs.
    referrerPolicy: { policy: 'same-origin' },
    // Browsers keep to https for this host once they have seen it over TLS (HSTS_MAX_AGE; 0 turns it off).
    strictTransportSecurity: tls && app.config.HSTS_MAX_AGE > 0 ? { maxAge: app.config.HSTS_MAX_AGE, includeSubDomains: false } : false
  }))
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(securityHeaders)
    done()
  })

  await app.register(rateLimit, {
    global: false,
    store: PgRateLimitStore.factory(app.db),
    keyGenerator: (req) => req.ip
  })

  // Per address, on top of the routes' per-IP limits: a whole agency behind one NAT address (or a venue's
  // Wi-Fi) shares an IP, so the IP limit is generous; what must stay small is how often one mailbox is sent
  // links, whoever asks. Reaching it sends no more mail but refuses nobody: a 429 for an address would let
  // anyone lock its owner out by asking five times (see addressLimit below).
  const counts = new PgRateLimitStore(app.db, 'address:')
  const windowMs = ADDRESS_LIMIT.minutes * 60_000
  app.decorate('addressLimit', {
    take: async (form: string, address: string) => (await counts.hit(`${form}:${address}`, windowMs)).current <= ADDRESS_LIMIT.max,
    clear: (form: string, address: string) => counts.reset(`${form}:${address}`)
  })
}, { name: 'security', dependencies: ['db', 'secret'] })

/**
 * @fastify/cookie's signer, remembering what it unsigned: every page unsigns the CSRF cookie (an HMAC), and a
 * browser sends the same signed value on every request. The answer for a given string never changes.
 */
function rememberingSigner (secret: string) {
  const signer = new Signer(secret)
  const unsigned = new LRUCache<string, ReturnType<Signer['unsign']>>({ max: 20_000 })
  return {
    sign: (value: string) => signer.sign(value),
    unsign: (value: string) => {
      let result = unsigned.get(value)
      if (!result) unsigned.set(value, result = Object.freeze(signer.unsign(value)))
      return result
    }
  }
}

/** Links mailed to one address, per form, per 15 minutes. */
export const ADDRESS_LIMIT = { max: 5, minutes: 15 }

declare module 'fastify' {
  interface FastifyReply {
    /** Replaces the CSRF secret (cookie): tokens made before stop working. Called at sign-in and sign-out. */
    renewCsrf (): void
  }
  interface FastifyInstance {
    /**
     * How often a form mails one address (`form`: the form's route, such as '/sign-in'). `take` counts this
     * request and says whether it may send mail: false past ADDRESS_LIMIT.max in the window. The form then
     * answers exactly as it would have, without mailing: no 429, which would tell and block the address's
     * owner whoever had asked. `clear` forgets the count (the owner used a link: they are in control).
     */
    addressLimit: {
      take (form: string, address: string): Promise<boolean>
      clear (form: string, address: string): Promise<void>
    }
  }
}
