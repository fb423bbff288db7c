import fp from 'fastify-plugin'
import path from 'node:path'
import type { Kysely } from 'kysely'
import { connect, type Connection } from '../../db/connect.js'
import { migrateToLatest } from '../../db/migrate.js'
import type { Database } from '../../db/database.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>
    dbConnection: Connection
  }
}

export interface DbPluginOptions {
  /** An open connection (tests pass their own); otherwise one is opened from the config. */
  connection?: Connection
  migrate?: boolean
}

export default fp<DbPluginOptions>(async (app, opts) => {
  const conn = opts.connection ?? await connect({
    databaseUrl: app.config.DATABASE_URL,
    dataDir: path.join(app.config.DATA_DIR, 'pglite')
  })
  if (opts.migrate !== false) await migrateToLatest(conn.db)
  app.decorate('db', conn.db)
  app.decorate('dbConnection', conn)
  if (!opts.connection) app.addHook('onClose', async () => { await conn.db.destroy() })
}, { name: 'db', dependencies: ['config'] })
