import fp from 'fastify-plugin'
import view from '@fastify/view'
import { Eta } from 'eta'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as format from '../../lib/format.js'

export const viewsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../views')

/** eta templates under views/, auto-escaping every `<%= %>`; cached unless NODE_ENV=development. */
export default fp(async (app) => {
  const production = app.config.NODE_ENV !== 'development'
  const eta = new Eta({ views: viewsDir, autoEscape: true, autoTrim: [false, 'nl'], cache: production })
  await app.register(view, {
    engine: { eta },
    templates: viewsDir,
    viewExt: 'eta',
    production,
    defaultContext: { fmt: format }
  })
}, { name: 'view', dependencies: ['config'] })
