import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'

type Callback = (err: Error | null, result?: { current: number, ttl: number }) => void

/**
 * A @fastify/rate-limit store kept in PostgreSQL, so that several app processes behind a load balancer share
 * one count per client (the default store counts in process memory).
 */
export class PgRateLimitStore {
  constructor (private db: Kysely<Database>, private prefix = '') {}

  static factory (db: Kysely<Database>) {
    // @fastify/rate-limit constructs the store with its options; we only need the database handle.
    return class extends PgRateLimitStore {
      constructor () { super(db) }
    }
  }

  incr (key: string, callback: Callback, timeWindow: number): void {
    this.hit(key, timeWindow).then((row) => callback(null, row), (err) => callback(err))
  }

  /**
   * Counts one request for `key` in a fixed window of `timeWindow` ms that starts with the first request (later
   * requests do not move its end): the count so far in this window and the ms until it ends.
   */
  async hit (key: string, timeWindow: number): Promise<{ current: number, ttl: number }> {
    const row = await this.db.insertInto('rate_limits')
      .values({ key: this.prefix + key, hits: 1, reset_at: sql<Date>`now() + ${timeWindow} * interval '1 millisecond'` })
      .onConflict((oc) => oc.column('key').doUpdateSet({
        hits: sql<number>`case when rate_limits.reset_at <= now() then 1 else rate_limits.hits + 1 end`,
        reset_at: sql<Date>`case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end`
      }))
      .returning(['hits', sql<number>`greatest(0, ceil(extract(epoch from (reset_at - now())) * 1000))::int`.as('ttl')])
      .executeTakeFirstOrThrow()
    return { current: row.hits, ttl: Number(row.ttl) }
  }

  /** Forgets the count of `key`: the next request starts a new window. */
  async reset (key: string): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('key', '=', this.prefix + key).execute()
  }

  /** One count per route: @fastify/rate-limit passes the route's options (with `routeInfo`) here. */
  child (routeOptions: object): PgRateLimitStore {
    const info = (routeOptions as { routeInfo?: { method?: string, url?: string } }).routeInfo ?? {}
    return new PgRateLimitStore(this.db, `${this.prefix}${String(info.method ?? '')}${info.url ?? ''}:`)
  }
}
