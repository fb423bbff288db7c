import { Kysely, PGliteDialect, PostgresDialect, type DatabaseConnection } from 'kysely'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import pg from 'pg'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Database } from './database.js'

// `date` columns stay ISO strings (a JS Date would shift them by the process's zone); int8 (counts) become numbers.
const DATE_OID = 1082
const INT8_OID = 20
pg.types.setTypeParser(DATE_OID, (v: string) => v)
pg.types.setTypeParser(INT8_OID, (v: string) => Number(v))
const pgliteParsers = { [DATE_OID]: (v: string) => v, [INT8_OID]: (v: string) => Number(v) }

export interface Connection {
  db: Kysely<Database>
  kind: 'postgres' | 'pglite'
  /** The embedded database, when there is one (the job queue talks to it directly). */
  pglite?: PGlite
  /** The server pool, when there is one. */
  pool?: pg.Pool
  /**
   * Statements other than plain reads this process has finished on the server (writes, transaction ends):
   * the read cache waits until it has heard what those changed before it serves from memory (see cache.ts).
   * Counted by `countWrites`; always 0 on the embedded database, which tells of a change before the statement returns.
   */
  writes: { count: number }
}

export interface ConnectOptions {
  databaseUrl?: string
  /** Folder of the embedded database; 'memory://' keeps it in memory. */
  dataDir?: string
  /** A dump of an embedded database to start from (tests start every file from one migrated copy). */
  loadDataDir?: Blob
  poolSize?: number
}

/** Statements prepared per connection at most (the app has a few hundred distinct queries; IN lists vary). */
const PREPARED_PER_CONNECTION = 500
/**
 * A statement whose text holds this comment is not prepared: PostgreSQL plans it for its values every time. For
 * searches whose best plan depends on the words (how many members match "dna" or "jon smyth"): after a few
 * runs a prepared statement switches to one generic plan for every value, which at 100,000 members made the
 * directory's search 10 times slower. Add it with Kysely's `.modifyEnd(sql.raw(CUSTOM_PLAN))`.
 */
export const CUSTOM_PLAN = ' /* custom plan */'
/** "cached plan must not change result type": a table changed under a prepared statement (a migration). */
const CACHED_PLAN_CHANGED = '0A000'

/**
 * Runs the app's parameterised queries as named prepared statements on each server connection: PostgreSQL
 * then parses and plans each query text once per connection instead of on every request (planning was half
 * the server's time on the hot pages). Kysely always sends the same text for the same query shape, with the
 * values as parameters. After a migration changed a table under a statement, that statement is prepared
 * again under a new name. Statements ending in CUSTOM_PLAN are sent unnamed.
 */
function preparedStatements (client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  const names = new Map<string, string>()
  let generation = 0
  const nameFor = (text: string) => {
    let name = names.get(text)
    if (!name && names.size < PREPARED_PER_CONNECTION) {
      name = `convene_${generation}_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 16)}`
      names.set(text, name)
    }
    return name
  }
  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    const name = typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined && !text.endsWith(CUSTOM_PLAN) ? nameFor(text) : undefined
    if (!name) return query(text, values, callback)
    return (query({ name, text, values }) as Promise<unknown>).catch((err: { code?: string }) => {
      if (err.code !== CACHED_PLAN_CHANGED) throw err
      names.clear()
      generation++
      return query(text, values)
    })
  }) as typeof client.query
}

/**
 * Counts in `writes`, once it has finished (failed or not), every statement Kysely runs on this connection that
 * is not a query built with `selectFrom`: inserts, updates, deletes, raw `sql` (whatever it says), and the
 * begin/commit/rollback Kysely's Postgres driver sends through the same `executeQuery`. Told apart by the
 * compiled query's root node, not by its text. A select that calls a function which writes would be missed:
 * the app has none (write such a call as raw `sql`, which counts).
 */
export function countWrites (connection: DatabaseConnection, writes: { count: number }): void {
  const execute = connection.executeQuery.bind(connection)
  connection.executeQuery = (async (compiled, options) => {
    if (compiled.query.kind === 'SelectQueryNode') return execute(compiled, options)
    // A failed commit may have committed nothing, or something: count it either way.
    try { return await execute(compiled, options) } finally { writes.count++ }
  }) as DatabaseConnection['executeQuery']
}

export async function connect (opts: ConnectOptions): Promise<Connection> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 })
    // An idle connection dropped by the server (restart, failover) must not crash the process; the pool
    // replaces it on the next query.
    pool.on('error', (err) => { console.error(`PostgreSQL connection lost: ${err.message}`) })
    const writes = { count: 0 }
    pool.on('connect', (client) => preparedStatements(client))
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool, onCreateConnection: async (connection) => { countWrites(connection, writes) } })
    })
    return { db, kind: 'postgres', pool, writes }
  }
  const dataDir = opts.dataDir ?? 'memory://'
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(path.dirname(dataDir), { recursive: true })
  // pg_trgm (trigram similarity, the member directory's name search) ships with PGlite as a contrib extension:
  // its files must be loaded at start, before a migration creates it (or a copied database uses it).
  const pglite = new PGlite(dataDir, { parsers: pgliteParsers, loadDataDir: opts.loadDataDir, extensions: { pg_trgm } })
  await pglite.waitReady
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) })
  // The embedded database tells its listeners of a change before the statement's own promise settles.
  return { db, kind: 'pglite', pglite, writes: { count: 0 } }
}
