import type { IncomingMessage, ServerResponse } from 'node:http'

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void

/**
 * OVERRIDES how helmet is meant to run (as middleware on every response): runs it ONCE against a stand-in
 * response and returns the headers it set, to be copied onto every response. Helmet's headers do not depend on
 * the request when no option takes a function (no CSP nonces), and running its chain of middlewares on every
 * request cost a twentieth of a cached page's time.
 *
 * What this relies on, and what breaks if helmet (8.x) changes:
 *  - Every header comes from `res.setHeader(name, value)`, called synchronously before `next()`. A helmet that
 *    set headers later (asynchronously) or another way (`writeHead`, `appendHeader`) would lose them: this
 *    throws when `next` was not called synchronously, and tests/lib/overrides/helmet-headers.test.ts compares
 *    the headers with those helmet sets on a real Node response.
 *  - `res.removeHeader` is ignored: helmet only removes X-Powered-By, which Fastify never sets.
 *  - Options whose values are functions of the request (CSP nonces) cannot be computed once: do not pass them.
 */
export function headersOf (middleware: Middleware): Record<string, string> {
  const headers: Record<string, string> = {}
  let called = false
  const res = {
    setHeader (name: string, value: string | number | readonly string[]) { headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value) },
    removeHeader () {}
  }
  middleware({ headers: {} } as IncomingMessage, res as unknown as ServerResponse, (err) => {
    if (err) throw err as Error
    called = true
  })
  if (!called) throw new Error('The security headers middleware did not finish synchronously.')
  return headers
}
