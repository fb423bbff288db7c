import fp from 'fastify-plugin'
import type { Config } from '../../config.js'
import { siteSecret } from '../../domain/site/site.service.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    /** Signs cookies and links: SECRET, or one created once and kept in the database. */
    secret: string
  }
}

export const configPlugin = fp<{ config: Config }>(async (app, opts) => {
  app.decorate('config', opts.config)
}, { name: 'config' })

export const secretPlugin = fp(async (app) => {
  app.decorate('secret', app.config.SECRET || await siteSecret(app.db))
}, { name: 'secret', dependencies: ['db'] })
