import pg from 'pg'
import type { Connection } from '../../db/connect.js'
import type { TaggedCache } from './tagged-cache.js'

export const CHANNEL = 'convene_cache'
/** The listening connection's application_name. */
export const LISTENER_NAME = 'convene-cache-listener'
/** How long a request waits to hear its own process's changes before it gives up and empties the caches. */
const BARRIER_TIMEOUT_MS = 2000
/** After losing the listening connection: how long before trying again (meanwhile nothing is served from memory). */
const RECONNECT_MS = 1000

export interface CacheNotices {
  /**
   * Undefined when the caches may serve now; otherwise a promise that settles once every notice of this
   * process's finished writes has been heard (give it to each TaggedCache as `ready`).
   */
  fresh (): Promise<void> | undefined
  close (): Promise<void>
}

/**
 * What keeps the read caches true. Triggers (migrations cache_notify, cache_notify_per_statement) send, for
 * every committed statement that changed rows behind these reads, one notice on channel `convene_cache` naming
 * the tags it made stale; every process listens and drops what the tags name. So a change made anywhere (a page,
 * a job, a script, another app process) reaches every process's memory as soon as PostgreSQL delivers the
 * notice, within milliseconds.
 *
 * Read-your-writes within a process: on the server the notice arrives on another connection, a moment after
 * the commit. So after this process finished a write (`connection.writes`), the next cached read first sends a
 * notice of its own (a barrier) and waits to hear it: PostgreSQL delivers notices in commit order, so by then
 * every notice of that write has been heard. The embedded database delivers notices before the statement
 * returns. Without a listening connection (lost, not yet back), every read goes to the database.
 */
export async function listenForChanges (
  conn: Connection, caches: () => TaggedCache[], log: { warn (obj: unknown, msg: string): void }
): Promise<CacheNotices> {
  /** Whether changes reach us: the embedded database always tells; on a server, while the LISTEN connection holds. */
  let listening = true
  const setEnabled = (on: boolean) => {
    listening = on
    for (const c of caches()) c.setEnabled(on)
  }
  /** Not heard in time: what changed is unknown, so everything goes (whether the caches are on stays as it is). */
  const flushAll = () => { for (const c of caches()) c.flush() }
  const waiters = new Map<string, () => void>()

  function heard (payload: string): void {
    if (payload.startsWith('barrier:')) {
      waiters.get(payload)?.()
      return
    }
    // One notice per statement: the tags it made stale, separated by spaces (coarse ones when many; see the
    // migration cache_notify_per_statement).
    for (const tag of payload.split(' ')) {
      if (tag) for (const c of caches()) c.invalidate(tag)
    }
  }

  // ---- Read-your-writes (server only)
  let covered = 0
  let barriers = 0
  let inflight: { upTo: number, done: Promise<void> } | null = null
  /** The barrier to send once the one in flight is back (one at a time on the listening connection). */
  let queued: Promise<void> | null = null

  function fresh (): Promise<void> | undefined {
    if (conn.kind !== 'postgres' || conn.writes.count <= covered || !listening) return undefined
    if (inflight && inflight.upTo >= conn.writes.count) return inflight.done
    if (!inflight) return send()
    // Writes finished after the barrier in flight was sent: the next one, sent when it is back, covers them
    // (and every reader arriving meanwhile).
    queued ??= inflight.done.then(() => {
      queued = null
      return conn.writes.count > covered ? send() : undefined
    })
    return queued
  }

  function send (): Promise<void> {
    const upTo = conn.writes.count
    const payload = `barrier:${process.pid}:${++barriers}`
    const done = new Promise<void>((resolve) => {
      // Not heard (in time, or the notice could not be sent): nothing known, so start again from the database.
      const finish = (heardIt: boolean) => {
        clearTimeout(timer)
        waiters.delete(payload)
        if (!heardIt) flushAll()
        resolve()
      }
      const timer = setTimeout(() => finish(false), BARRIER_TIMEOUT_MS)
      waiters.set(payload, () => finish(true))
      // Sent by the listening connection itself: it needs no connection from the pool (where it would wait
      // behind the very requests that wrote), and a listener hears its own notice in order, after every notice
      // committed before it.
      const via = listener ?? conn.pool!
      via.query('select pg_notify($1, $2)', [CHANNEL, payload]).catch(() => finish(false))
    }).then(() => {
      covered = Math.max(covered, upTo)
      if (inflight?.done === done) inflight = null
    })
    inflight = { upTo, done }
    return done
  }

  // ---- Listening
  let closing = false
  /** The connection that LISTENs (server only), while it does. */
  let listener: pg.Client | null = null
  if (conn.kind === 'pglite') {
    const unlisten = await conn.pglite!.listen(CHANNEL, heard)
    return { fresh, close: unlisten }
  }
  let client: pg.Client | null = null
  let retry: NodeJS.Timeout | undefined
  /** Closes a listening connection we no longer want to hear from (its late errors included). */
  const drop = async (c: pg.Client) => {
    c.removeAllListeners()
    c.on('error', () => {})
    await c.end().catch(() => {})
  }
  const lost = () => {
    if (!client) return
    void drop(client)
    client = null
    listener = null
    setEnabled(false)
    if (!closing) retry = setTimeout(() => { void listen() }, RECONNECT_MS)
  }
  const listen = async () => {
    // Named, so it can be told apart in pg_stat_activity.
    const c = new pg.Client({ ...conn.pool!.options, application_name: LISTENER_NAME })
    c.on('notification', (msg) => { if (msg.channel === CHANNEL && msg.payload) heard(msg.payload) })
    c.on('error', lost)
    c.on('end', lost)
    client = c
    try {
      await c.connect()
      await c.query(`listen ${CHANNEL}`)
      listener = c
      // Whatever changed while nobody listened is unknown: start empty.
      setEnabled(true)
    } catch (err) {
      log.warn({ err }, 'The read cache cannot listen for changes; reading from the database meanwhile.')
      lost()
    }
  }
  setEnabled(false)
  await listen()
  return {
    fresh,
    async close () {
      closing = true
      clearTimeout(retry)
      const c = client
      client = null
      listener = null
      if (c) await drop(c)
    }
  }
}
