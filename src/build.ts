import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import app, { type AppOptions } from './app.js'
import { ajvOptions } from './lib/validation.js'
import { frameworkError } from './plugins/app/errors.js'

/**
 * Builds a ready Fastify instance around the app (used by the server, the demo, tests and the benchmark).
 * `onRoute` sees every route as it is registered (tests walk them all: schemas, fuzzing, id scoping).
 */
export async function buildApp (opts: AppOptions & { logger?: boolean | object, onRoute?: (route: RouteOptions) => void }): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: opts.logger ?? { level: opts.config.LOG_LEVEL },
    trustProxy: opts.config.TRUST_PROXY,
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: 1024 * 1024,
    // A new embedded database runs initdb and the migrations (~5 s, more on a busy small machine); Fastify's
    // default of 10 s per plugin is too tight for that first start.
    pluginTimeout: 120_000,
    // Route schemas (src/lib/schema.ts), checked with the options in src/lib/validation.ts.
    ajv: { customOptions: ajvOptions },
    // A URL part past maxParamLength, or a URL that cannot be decoded: the HTML error page, not Fastify's JSON.
    frameworkErrors: frameworkError
  })
  if (opts.onRoute) fastify.addHook('onRoute', opts.onRoute)
  await fastify.register(fp(app), opts)
  await fastify.ready()
  return fastify
}
