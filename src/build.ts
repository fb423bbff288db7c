import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import app, { type AppOptions } from './app.js'

/** Builds a ready Fastify instance around the app (used by the server, the demo, tests and the benchmark). */
export async function buildApp (opts: AppOptions & { logger?: boolean | object }): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: opts.logger ?? { level: opts.config.LOG_LEVEL },
    trustProxy: opts.config.TRUST_PROXY,
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: 1024 * 1024
  })
  await fastify.register(fp(app), opts)
  await fastify.ready()
  return fastify
}
