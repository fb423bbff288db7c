import { Kysely, sql } from 'kysely'
import { FileMigrationProvider, Migrator } from 'kysely/migration'
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Database } from './database.js'

export const migrationFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations')

/** Brings the schema up to date. Migrator holds a lock, so several processes starting at once are safe. */
export async function migrateToLatest (db: Kysely<Database>): Promise<string[]> {
  if (await upToDate(db)) return []
  const migrator = new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }) })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`)
  }
  return (results ?? []).map((r) => r.migrationName)
}

/**
 * Whether every migration in the folder is already recorded as applied: then a start skips the Migrator, which
 * would take its lock and load every migration file only to find nothing to do (most of a restart's time).
 */
async function upToDate (db: Kysely<Database>): Promise<boolean> {
  const files = (await fs.readdir(migrationFolder))
    .filter((f) => /\.(js|ts|mjs|mts)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => f.replace(/\.[mc]?[jt]s$/, ''))
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db)
    const applied = new Set(rows.map((r) => r.name))
    return files.every((f) => applied.has(f))
  } catch {
    return false // no migration table yet: a new database
  }
}

// `npm run db:migrate`
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { loadConfig } = await import('../config.js')
  const { connect } = await import('./connect.js')
  const config = loadConfig()
  const conn = await connect({ databaseUrl: config.DATABASE_URL, dataDir: path.join(config.DATA_DIR, 'pglite') })
  const done = await migrateToLatest(conn.db)
  console.log(done.length ? `Applied: ${done.join(', ')}` : 'The schema is up to date.')
  await conn.db.destroy()
}
