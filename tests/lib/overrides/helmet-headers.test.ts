import t from 'tap'
import helmet from 'helmet'
import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { headersOf } from '../../../src/lib/overrides/helmet-headers.js'

// src/lib/overrides/helmet-headers.ts: helmet run once on a stand-in response must give the headers it sets on
// a real one.

const options = {
  contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], upgradeInsecureRequests: null } },
  referrerPolicy: { policy: 'same-origin' as const },
  strictTransportSecurity: false
}

t.test('the headers helmet sets on a real response', async (t) => {
  const req = new IncomingMessage(new Socket())
  const res = new ServerResponse(req)
  await new Promise<void>((resolve, reject) => helmet(options)(req, res, (err?: unknown) => err ? reject(err) : resolve()))
  const real = Object.fromEntries(Object.entries(res.getHeaders()).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]))
  const copied = headersOf(helmet(options))
  t.same(copied, real)
  t.match(copied['content-security-policy'], "img-src 'self' data:")
  t.equal(copied['referrer-policy'], 'same-origin')
  t.notOk('strict-transport-security' in copied)
})

t.test('a middleware it cannot copy', async (t) => {
  t.throws(() => headersOf((_req, _res, next) => { setImmediate(next) }), /did not finish synchronously/, 'one that finishes later')
  t.throws(() => headersOf((_req, _res, next) => { next(new Error('bad option')) }), /bad option/, 'one that fails')
})
