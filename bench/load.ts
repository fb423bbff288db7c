/**
 * The load generator, run as a child process by bench/run.ts so that the server process's memory is the app's
 * alone. Reads a LoadSpec (JSON) from the IPC channel, runs autocannon, and sends back the result.
 */
import autocannon, { type Request as CannonRequest, type Result } from 'autocannon'

export interface Browser { cookie: string, csrf: string }

export interface LoadSpec {
  url: string
  connections: number
  seconds: number
  /** Seconds of the same load first, not measured (the app's read caches fill, the JIT warms up). */
  warmupSeconds?: number
  method: 'GET' | 'POST'
  /** Each request goes to one of these paths, chosen at random. */
  paths: string[]
  /** Each request is sent as one of these signed-in browsers, chosen at random (none: no cookie). */
  browsers: Browser[]
  /** For a POST: form fields, each with the values to choose from at random; `_csrf` is added. */
  form?: Record<string, string[]>
}

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]

export async function runLoad (spec: LoadSpec, onWarm: () => void = () => {}): Promise<Result> {
  const request: CannonRequest = {
    method: spec.method,
    setupRequest: (req) => {
      const who = spec.browsers.length ? pick(spec.browsers) : null
      const headers: Record<string, string> = who ? { cookie: who.cookie } : {}
      let body: string | undefined
      if (spec.form) {
        const fields = new URLSearchParams()
        for (const [name, values] of Object.entries(spec.form)) fields.set(name, pick(values))
        if (who) fields.set('_csrf', who.csrf)
        body = fields.toString()
        headers['content-type'] = 'application/x-www-form-urlencoded'
      }
      return { ...req, path: pick(spec.paths), headers, body }
    }
  }
  if (spec.warmupSeconds) await autocannon({ url: spec.url, connections: spec.connections, duration: spec.warmupSeconds, requests: [request], timeout: 30 })
  onWarm()
  // Every response time, for the percentiles autocannon does not report (p95) and to the tenth of a millisecond.
  const times: number[] = []
  const run = autocannon({ url: spec.url, connections: spec.connections, duration: spec.seconds, requests: [request], timeout: 30 })
  run.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => { times.push(ms) })
  const result = await run
  times.sort((a, b) => a - b)
  const at = (p: number) => times.length ? +times[Math.min(times.length - 1, Math.ceil(p / 100 * times.length) - 1)].toFixed(1) : NaN
  result.latency.p95 = at(95)
  result.latency.p99 = at(99)
  return result
}

if (process.send) {
  process.once('message', (spec: LoadSpec) => {
    runLoad(spec, () => process.send!({ warmedUp: true })).then((result) => {
      process.send!({ result }, () => process.exit(0))
    }, (err: Error) => {
      process.send!({ error: err.message }, () => process.exit(1))
    })
  })
}
