import PgBoss from 'pg-boss'
import type { Connection } from '../../db/connect.js'
import { MAINTENANCE_SECONDS } from './queue.js'

/**
 * pg-boss's way into our database. On a server it shares the app's pool. On the embedded database (PGlite, one
 * connection) statements without parameters go to `exec`, because pg-boss's setup and maintenance SQL is several
 * statements in one string (`BEGIN; …; COMMIT;`), which PGlite's `query` refuses. Those run inside
 * `pglite.transaction()` so that nothing else interleaves and a failure rolls back instead of leaving the one
 * connection in an aborted transaction. Everything waits while a Kysely transaction is open (PGlite serialises).
 */
export function bossDb (connection: Connection): PgBoss.Db {
  const { pglite, pool } = connection
  if (pool) {
    return { executeSql: async (text, values) => pool.query(text, values) }
  }
  if (!pglite) throw new Error('The job queue needs a PostgreSQL pool or an embedded database.')
  return {
    async executeSql (text, values) {
      if (!values || values.length === 0) {
        const results = await pglite.transaction((tx) => tx.exec(text))
        return { rows: results.at(-1)?.rows ?? [] }
      }
      const result = await pglite.query(text, values)
      return { rows: result.rows, rowCount: result.affectedRows ?? 0 }
    }
  }
}

export interface BossOptions {
  /** A worker process also maintains the queue (expiry, archive) and runs cron schedules. */
  worker: boolean
}

export function createBoss (connection: Connection, opts: BossOptions): PgBoss {
  return new PgBoss({
    db: bossDb(connection),
    supervise: opts.worker,
    schedule: opts.worker,
    maintenanceIntervalSeconds: MAINTENANCE_SECONDS,
    migrate: true
  })
}
