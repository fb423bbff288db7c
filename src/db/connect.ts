import { Kysely, PGliteDialect, PostgresDialect } from 'kysely'
import { PGlite } from '@electric-sql/pglite'
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
/** "cached plan must not change result type": a table changed under a prepared statement (a migration). */
const CACHED_PLAN_CHANGED = '0A000'
/** A statement that cannot change anything: the read cache need not wait to hear about it (`writes`). */
const READ = /^\s*select\b/i

/**
 * Runs the app's parameterised queries as named prepared statements on each server connection: PostgreSQL
 * then parses and plans each query text once per connection instead of on every request (planning was half
 * the server's time on the hot pages). Kysely always sends the same text for the same query shape, with the
 * values as parameters. After a migration changed a table under a statement, that statement is prepared
 * again under a new name. It also counts every statement that is not a plain read in `writes`.
 */
function preparedStatements (client: pg.PoolClient, writes: { count: number }): void {
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
  const counted = (text: unknown, result: unknown) => {
    if (typeof text === 'string' && READ.test(text)) return result
    if (result && typeof (result as Promise<unknown>).finally === 'function') {
      // Failed statements count too: a failed commit may still have committed nothing, or something.
      return (result as Promise<unknown>).finally(() => { writes.count++ })
    }
    writes.count++
    return result
  }
  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    const name = typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined ? nameFor(text) : undefined
    if (!name) return counted(text, query(text, values, callback))
    return counted(text, (query({ name, text, values }) as Promise<unknown>).catch((err: { code?: string }) => {
      if (err.code !== CACHED_PLAN_CHANGED) throw err
      names.clear()
      generation++
      return query(text, values)
    }))
  }) as typeof client.query
}

export async function connect (opts: ConnectOptions): Promise<Connection> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 })
    // An idle connection dropped by the server (restart, failover) must not crash the process; the pool
    // replaces it on the next query.
    pool.on('error', (err) => { console.error(`PostgreSQL connection lost: ${err.message}`) })
    const writes = { count: 0 }
    pool.on('connect', (client) => preparedStatements(client, writes))
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    return { db, kind: 'postgres', pool, writes }
  }
  const dataDir = opts.dataDir ?? 'memory://'
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(path.dirname(dataDir), { recursive: true })
  const pglite = new PGlite(dataDir, { parsers: pgliteParsers, loadDataDir: opts.loadDataDir })
  await pglite.waitReady
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) })
  // The embedded database tells its listeners of a change before the statement's own promise settles.
  return { db, kind: 'pglite', pglite, writes: { count: 0 } }
}
