import fp from 'fastify-plugin'
import type { FastifyError, FastifyRequest, RouteOptions, preHandlerAsyncHookHandler } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The handler shows schema errors itself (a form page re-shown with an error summary and the input kept),
     * reading them from `request.validationError`; without it, a request that fails its schema gets the error
     * page, after the route's guards (sign-in, CSRF, community membership) have run.
     */
    form?: boolean
  }
}

/** What a route's schema must declare: params when its URL has any; a body for POST; a query string always. */
export function missingSchemaParts (route: Pick<RouteOptions, 'url' | 'method' | 'schema'>): string[] {
  const schema = route.schema ?? {}
  const methods = [route.method].flat()
  const missing: string[] = []
  if (route.url.includes(':') && !schema.params) missing.push('params')
  if (!schema.querystring) missing.push('querystring')
  if (methods.includes('POST') && !schema.body) missing.push('body')
  return missing
}

/** Runs after the route's other preHandlers (guards, CSRF): a request that failed its schema stops here. */
const refuseInvalid: preHandlerAsyncHookHandler = async function (request: FastifyRequest) {
  if (request.validationError) throw request.validationError
}

/**
 * Every route validates its params, query string and body against a schema (src/lib/schema.ts) — a route
 * without one is refused at start-up, so none can be forgotten. Validation errors wait until the route's
 * guards have run (an outsider learns nothing from a form's rules), then either reach the error page or, for
 * `config.form` routes, the handler, which re-shows the form.
 */
export default fp(async (app) => {
  app.addHook('onRoute', (route) => {
    if (route.method === 'HEAD') return
    const missing = missingSchemaParts(route)
    if (missing.length) {
      throw new Error(`Route ${[route.method].flat().join(',')} ${route.url} has no schema for ${missing.join(', ')} (see src/lib/schema.ts).`)
    }
    route.attachValidation = true
    if (!route.config?.form) route.preHandler = [...[route.preHandler ?? []].flat(), refuseInvalid]
  })
}, { name: 'schemas' })

/** Whether an error is a schema validation error, and of which part of the request. */
export function validationPart (error: FastifyError): 'params' | 'querystring' | 'body' | 'headers' | null {
  return error.validation ? (error.validationContext as 'params' | 'querystring' | 'body' | 'headers' | undefined) ?? 'body' : null
}
