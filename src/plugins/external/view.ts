import fp from 'fastify-plugin'
import view from '@fastify/view'
import { Eta } from 'eta'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as format from '../../lib/format.js'

export const viewsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../views')

declare module 'fastify' {
  interface FastifyInstance {
    /** Renders a template (no layout) to a string, for pieces of a page rendered once and kept (see `derived`). */
    renderFragment (template: string, data: Record<string, unknown>): string
  }
}

/**
 * The string as one flat piece. eta builds its output by many small concatenations (a rope); a kept fragment
 * left as a rope is walked again every time a page containing it is measured and written.
 */
function flat (s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8')
}

/** eta templates under views/, auto-escaping every `<%= %>`; cached unless NODE_ENV=development. */
export default fp(async (app) => {
  const production = app.config.NODE_ENV !== 'development'
  const eta = new Eta({ views: viewsDir, autoEscape: true, autoTrim: [false, 'nl'], cache: production })
  if (production) {
    // Each include resolves its path again (a JSON key, path joins, a containment check): remember the answers.
    const resolve = eta.resolvePath
    const resolved = new Map<string, string>()
    eta.resolvePath = function (template, options) {
      const key = `${options?.filepath ?? ''}\0${template}`
      let file = resolved.get(key)
      if (file === undefined) resolved.set(key, file = resolve.call(this, template, options))
      return file
    }
  }
  app.decorate('renderFragment', (template: string, data: Record<string, unknown>) => flat(eta.render(template, { fmt: format, ...data })))
  await app.register(view, {
    engine: { eta },
    templates: viewsDir,
    viewExt: 'eta',
    production,
    defaultContext: { fmt: format }
  })
}, { name: 'view', dependencies: ['config'] })
