/*
 * The dependency direction of Convene, checked by `npm run lint:deps` (part of `npm test`):
 *   lib → db → domain → routes/plugins → views, never backwards; repositories hold the SQL.
 * README.md (Architecture → Dependency rules) says why each rule exists.
 *
 * Paths are relative to the repository root; imports written with `.js` resolve to the `.ts` files through
 * tsconfig.json. Type-only imports count too (a cycle of types is still a cycle of design), except where a rule
 * says otherwise.
 */

/** A path regex matching exactly one file. */
const exactly = (file) => `^${file.replace(/[.]/g, '[.]')}$`

const rules = [
  {
    name: 'no-circular',
    comment: 'Modules that import each other cannot be understood, tested or moved one at a time.',
    severity: 'error',
    from: {},
    to: { circular: true }
  },
  {
    name: 'lib-and-db-stay-below',
    comment: 'src/lib and src/db are the foundation: they know nothing of the domain, the routes or the plugins.',
    severity: 'error',
    from: { path: '^src/(lib|db)/' },
    to: { path: '^src/(domain|routes|plugins)/' }
  },
  {
    name: 'no-route-imports-another-route-folder',
    comment: 'A route folder is one encapsulated plugin; what two folders share belongs in the domain, lib or a plugin.',
    severity: 'error',
    from: { path: '^src/routes/(.+)/[^/]+$' },
    to: { path: '^src/routes/', pathNot: '^src/routes/$1/' }
  },
  {
    name: 'kysely-only-in-repositories',
    comment: 'Query-building values (sql, helpers) are for repositories, src/db, src/infra and src/cli. ' +
      'Type-only imports (Kysely, Transaction, Selectable…) are allowed everywhere: services pass `db`/`trx` on.',
    severity: 'error',
    from: { path: '^src/', pathNot: ['[.]repository[.]ts$', '^src/(db|infra|cli)/'] },
    to: { path: '(^|/)node_modules/kysely/', dependencyTypesNot: ['type-only'] }
  },
  {
    name: 'domain-renders-no-html-and-knows-no-http',
    comment: 'The domain decides; routes speak HTTP and views render. The domain imports no template engine.',
    severity: 'error',
    from: { path: '^src/domain/' },
    to: { path: ['^src/(routes|plugins)/', '(^|/)node_modules/(eta|@fastify/view)/', '^views/'] }
  },
  {
    name: 'domain-reads-no-form-fields',
    comment: 'Forms (src/forms: schemas and readers that know HTML field names) hand the domain typed input; ' +
      'the domain never reads a form.',
    severity: 'error',
    from: { path: '^src/(domain|lib|db|infra)/' },
    to: { path: '^src/forms/' }
  },
  {
    name: 'forms-stay-below-routes',
    comment: 'A form is shared by route folders (the event and series forms share their fields): it imports no route or plugin.',
    severity: 'error',
    from: { path: '^src/forms/' },
    to: { path: '^src/(routes|plugins)/' }
  }
]

/*
 * TEMPORARY exceptions: today's code breaks these rules in exactly these imports (from → to). Each entry names
 * the change that removes it; delete the entry when that change lands (the rule then guards the fix).
 * Nothing else is exempt: every other import of these files is still checked.
 */
const knownViolations = {}

/**
 * A rule with its known violations taken out, edge by edge: the rule stops looking at the listed `from` files,
 * and for each of them a copy of the rule looks at that file alone, minus the listed `to` files.
 */
function withExceptions (rule) {
  const known = knownViolations[rule.name] ?? []
  if (!known.length) return [rule]
  const asList = (p) => (p === undefined ? [] : [p].flat())
  const general = { ...rule, from: { ...rule.from, pathNot: [...asList(rule.from.pathNot), ...known.map((k) => exactly(k.from))] } }
  const perFile = known.map((k) => ({
    ...rule,
    // The lookahead pins the file and keeps the rule's own pattern, whose groups `to` may refer to ($1).
    from: { ...rule.from, path: `(?=${exactly(k.from)})${rule.from.path ?? ''}` },
    to: { ...rule.to, pathNot: [...asList(rule.to.pathNot), ...k.to.map(exactly)] }
  }))
  return [general, ...perFile]
}

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: rules.flatMap(withExceptions),
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] }
  }
}
