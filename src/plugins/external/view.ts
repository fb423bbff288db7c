import fp from 'fastify-plugin'
import view from '@fastify/view'
import { Eta } from 'eta'
import path from 'node:path'
import * as format from '../../lib/format.js'
import { paths } from '../../lib/paths.js'
import { projectRoot } from '../../lib/project-root.js'
import { rememberResolvedPaths } from '../../lib/overrides/eta-resolve-path.js'
import { flat } from '../../lib/overrides/flat-string.js'
import { MARKDOWN_HINT, renderMarkdown, type RenderOptions } from '../../lib/markdown.js'
import { isMarkdownField } from '../../domain/proposals/templates.js'

export const viewsDir = path.join(projectRoot, 'views')

declare module 'fastify' {
  interface FastifyInstance {
    /** Renders a template (no layout) to a string, for pieces of a page rendered once and kept (see `derived`). */
    renderFragment (template: string, data: Record<string, unknown>): string
  }
}

/**
 * eta templates under views/, auto-escaping every `<%= %>`; cached unless NODE_ENV=development. Every template
 * has `it.fmt` (dates, plurals), `it.paths` (the app's links: src/lib/paths.ts), `it.asset` (a static file's
 * fingerprinted URL) and `it.banner` (the SITE_BANNER setting).
 * `it.md(text, hiding?)` is the one way a template writes what a person typed as HTML (`<%~ it.md(…) %>`): Markdown
 * rendered and sanitised by src/lib/markdown.ts. `it.isMarkdownField(f)` says which template fields are Markdown,
 * `it.markdownHint` is the line under those textareas.
 */
const markdown = {
  md: (text: string | null | undefined, hiding?: RenderOptions) => renderMarkdown(text, hiding),
  isMarkdownField,
  markdownHint: MARKDOWN_HINT
}

export default fp(async (app) => {
  const production = app.config.NODE_ENV !== 'development'
  const eta = new Eta({ views: viewsDir, autoEscape: true, autoTrim: [false, 'nl'], cache: production })
  // Each include resolves its path again (a JSON key, path joins, a containment check): remember the answers.
  if (production) rememberResolvedPaths(eta)
  // A kept fragment is written into many pages: one flat string rather than eta's rope of pieces.
  app.decorate('renderFragment', (template: string, data: Record<string, unknown>) => flat(eta.render(template, { fmt: format, paths, ...markdown, ...data })))
  await app.register(view, {
    engine: { eta },
    templates: viewsDir,
    viewExt: 'eta',
    production,
    // `asset` links a static file by its fingerprinted name (plugins/external/static.ts); `banner` is SITE_BANNER.
    defaultContext: { fmt: format, paths, ...markdown, asset: app.assetUrl, banner: app.config.SITE_BANNER }
  })
}, { name: 'view', dependencies: ['config', 'static'] })
