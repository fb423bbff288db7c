import { Kysely, PGliteDialect, PostgresDialect } from 'kysely'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
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
}

export interface ConnectOptions {
  databaseUrl?: string
  /** Folder of the embedded database; 'memory://' keeps it in memory. */
  dataDir?: string
  /** A dump of an embedded database to start from (tests start every file from one migrated copy). */
  loadDataDir?: Blob
  poolSize?: number
}

export async function connect (opts: ConnectOptions): Promise<Connection> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 })
    // An idle connection dropped by the server (restart, failover) must not crash the process; the pool
    // replaces it on the next query.
    pool.on('error', (err) => { console.error(`PostgreSQL connection lost: ${err.message}`) })
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    return { db, kind: 'postgres', pool }
  }
  const dataDir = opts.dataDir ?? 'memory://'
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(path.dirname(dataDir), { recursive: true })
  const pglite = new PGlite(dataDir, { parsers: pgliteParsers, loadDataDir: opts.loadDataDir })
  await pglite.waitReady
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) })
  return { db, kind: 'pglite', pglite }
}
