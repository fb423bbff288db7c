import type { FastifyInstance } from 'fastify'
import type { Config } from './config.js'
import type { Connection } from './db/connect.js'
import { configPlugin, secretPlugin } from './plugins/app/config.js'
import dbPlugin from './plugins/external/db.js'
import securityPlugin from './plugins/external/security.js'
import staticPlugin from './plugins/external/static.js'
import viewPlugin from './plugins/external/view.js'
import renderPlugin from './plugins/app/render.js'
import authPlugin from './plugins/app/auth.js'
import communityPagesPlugin from './plugins/app/community-pages.js'
import cachePlugin from './plugins/app/cache.js'
import errorsPlugin from './plugins/app/errors.js'
import schemasPlugin from './plugins/app/schemas.js'
import queuePlugin from './plugins/app/queue.js'
import schedulesPlugin from './plugins/app/schedules.js'
import calendarMailPlugin from './plugins/app/calendar-mail.js'
import mailerPlugin from './plugins/app/mailer.js'
import routes from './routes/index.js'

export interface AppOptions {
  config: Config
  /** An open database connection; tests pass one so that each test file has its own database. */
  connection?: Connection
}

/**
 * The whole application as one plugin: external plugins, then our own cross-cutting plugins, then routes.
 * Registered in a fixed, explicit order (see README, Architecture) so that the type checker sees every file.
 */
export default async function app (fastify: FastifyInstance, opts: AppOptions): Promise<void> {
  await fastify.register(configPlugin, { config: opts.config })
  await fastify.register(dbPlugin, { connection: opts.connection })
  await fastify.register(secretPlugin)
  await fastify.register(mailerPlugin)
  await fastify.register(cachePlugin)
  await fastify.register(queuePlugin)
  await fastify.register(schedulesPlugin)
  await fastify.register(calendarMailPlugin)
  await fastify.register(securityPlugin)
  await fastify.register(staticPlugin)
  await fastify.register(viewPlugin)
  await fastify.register(renderPlugin)
  await fastify.register(authPlugin)
  await fastify.register(communityPagesPlugin)
  await fastify.register(errorsPlugin)
  await fastify.register(schemasPlugin)
  await fastify.register(routes)
}
