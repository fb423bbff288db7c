import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import csrf from '@fastify/csrf-protection'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import qs from 'node:querystring'
import { PgRateLimitStore } from '../../domain/site/rate-limit-store.js'

/**
 * Cookies, form bodies, CSRF, security headers and rate limits: the ecosystem plugins every route relies on.
 * CSRF is checked for every POST in a preHandler (the body is parsed by then), except routes that opt out with
 * `config: { csrf: false }` (machine endpoints authenticated another way).
 */
export default fp(async (app) => {
  await app.register(cookie, { secret: app.secret, parseOptions: { httpOnly: true, sameSite: 'lax', path: '/' } })
  await app.register(formbody, { parser: (body) => qs.parse(body), bodyLimit: 1024 * 1024 })
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'convene_csrf',
    cookieOpts: { httpOnly: true, sameSite: 'lax', path: '/', signed: true, secure: 'auto' },
    getToken: (req) => ((req.body as Record<string, string> | undefined)?._csrf) ?? (req.headers['x-csrf-token'] as string | undefined)
  })
  app.addHook('preHandler', (request, reply, done) => {
    const routeConfig = request.routeOptions.config as { csrf?: boolean }
    if (request.method !== 'POST' || routeConfig.csrf === false) return done()
    app.csrfProtection(request, reply, done)
  })
  await app.register(helmet, {
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
    strictTransportSecurity: false
  })
  await app.register(rateLimit, {
    global: false,
    store: PgRateLimitStore.factory(app.db),
    keyGenerator: (req) => req.ip
  })
}, { name: 'security', dependencies: ['db', 'secret'] })
