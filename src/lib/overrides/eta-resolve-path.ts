import type { Eta } from 'eta'

/**
 * OVERRIDES eta's `resolvePath` (eta 4.6): remembers where each (including file, template name) pair resolved
 * to. eta resolves a template's path on every `render`, and every include again: a JSON key, path joins and a
 * views-directory containment check, many times per page. With templates cached (production), the answer for
 * a given pair never changes, so it is computed once.
 *
 * What this relies on, and what breaks if eta changes:
 *  - `eta.resolvePath` is an own, replaceable property called as `this.resolvePath(template, options)` with the
 *    including file in `options.filepath`. If eta stops calling it (or renames it), this silently stops
 *    helping; tests/lib/overrides/eta-resolve-path.test.ts then fails ("asked once").
 *  - The resolved path depends only on `options.filepath`, the template name and config that does not change
 *    after start (`views`, `defaultExtension`). If eta made it depend on anything else, a remembered answer
 *    could be wrong: check the test's "same answers" part against the new version.
 *  - Errors (a template outside views/) are not remembered: they throw every time, as before.
 * Only for cached templates: in development, templates and their paths may change while the app runs.
 */
export function rememberResolvedPaths (eta: Eta): void {
  const resolve = eta.resolvePath
  if (!resolve) return
  const resolved = new Map<string, string>()
  eta.resolvePath = function (template, options) {
    const key = `${options?.filepath ?? ''}\0${template}`
    let file = resolved.get(key)
    if (file === undefined) resolved.set(key, file = resolve.call(this, template, options))
    return file
  }
}
