import t, { type Test } from 'tap'
import { Eta } from 'eta'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { rememberResolvedPaths } from '../../../src/lib/overrides/eta-resolve-path.js'

// eta's resolvePath, remembered (src/lib/overrides/eta-resolve-path.ts): same answers, asked once per pair.

function viewsFolder (t: Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convene-eta-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.mkdirSync(path.join(dir, 'partials'))
  fs.writeFileSync(path.join(dir, 'page.eta'), `<p><%= it.name %></p><%~ include('./partials/_a', it) %><%~ include('/partials/_b', it) %>`)
  fs.writeFileSync(path.join(dir, 'partials', '_a.eta'), `a:<%~ include('./_c', it) %>`)
  fs.writeFileSync(path.join(dir, 'partials', '_b.eta'), 'b')
  fs.writeFileSync(path.join(dir, 'partials', '_c.eta'), 'c(<%= it.name %>)')
  fs.writeFileSync(path.join(dir, 'escape.eta'), `<%~ include('../outside', it) %>`)
  return dir
}

t.test('the same pages, with each path resolved once', async (t) => {
  const views = viewsFolder(t)
  const plain = new Eta({ views, autoEscape: true, cache: true })
  const remembered = new Eta({ views, autoEscape: true, cache: true })
  let asked = 0
  const original = remembered.resolvePath!
  remembered.resolvePath = function (template, options) { asked++; return original.call(this, template, options) }
  rememberResolvedPaths(remembered)

  const expected = plain.render('page', { name: '<Ada>' })
  t.equal(expected, '<p>&lt;Ada&gt;</p>a:c(&lt;Ada&gt;)b', 'includes, relative and from the views root')
  t.equal(remembered.render('page', { name: '<Ada>' }), expected)
  const first = asked
  t.ok(first >= 4, 'eta asks for each template and include (if not, eta no longer calls resolvePath: this override does nothing)')
  t.equal(remembered.render('page', { name: 'Ben' }), plain.render('page', { name: 'Ben' }))
  t.equal(asked, first, 'asked once: the second page resolves nothing again')

  // The same answers as eta's own, for each pair it was asked.
  const pairs: Array<[string, string | undefined]> = [
    ['page', undefined], ['./partials/_a', path.join(views, 'page.eta')], ['/partials/_b', path.join(views, 'page.eta')],
    ['./_c', path.join(views, 'partials', '_a.eta')]
  ]
  for (const [template, filepath] of pairs) {
    t.equal(remembered.resolvePath!(template, { filepath }), plain.resolvePath!(template, { filepath }), `${template} from ${filepath ?? 'the views root'}`)
  }

  // A template outside the views folder is refused every time (errors are not remembered).
  t.throws(() => remembered.render('escape', {}), /not in the views directory/)
  t.throws(() => remembered.render('escape', {}), /not in the views directory/)
})
