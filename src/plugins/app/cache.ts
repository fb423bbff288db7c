import fp from 'fastify-plugin'
import { listenForChanges } from '../../infra/cache/notices.js'
import { TaggedCache } from '../../infra/cache/tagged-cache.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** In-memory reads of the hottest rows, kept true by the database's change notices (src/infra/cache/notices.ts). */
    caches: Caches
  }
}

export interface Caches {
  /** Session id hash → the member and when the session ends. */
  sessions: TaggedCache
  /** `slug:memberId` → the community and the viewer's standing in it. */
  standings: TaggedCache
  /** Event id → what the event page shows everyone (event, counts, hosts, who's going). */
  eventPages: TaggedCache
  /** `eventId:memberId` → the viewer's own RSVP. */
  myRsvps: TaggedCache
}

/** An entry lives at most this long: organizer terms that start or end with the date need no notice. */
const TTL_MS = 60_000

/** The read caches, and the listener that drops what the database says changed. */
export default fp(async (app) => {
  // Every read first catches up on this process's own writes (see listenForChanges; read only after it returned).
  const ready = () => notices.fresh()
  const caches: Caches = {
    sessions: new TaggedCache({ max: 20_000, ttl: TTL_MS, ready }),
    standings: new TaggedCache({ max: 20_000, ttl: TTL_MS, ready }),
    // Sized by the people an entry lists: 200,000 of them is about 30 MB.
    eventPages: new TaggedCache({
      max: 5_000, maxSize: 200_000, size: (v) => 1 + ((v as { going?: unknown[] } | undefined)?.going?.length ?? 0), ttl: TTL_MS, ready
    }),
    myRsvps: new TaggedCache({ max: 50_000, ttl: TTL_MS, ready })
  }
  const all = Object.values(caches)
  const notices = await listenForChanges(app.dbConnection, () => all, app.log)
  app.addHook('onClose', async () => { await notices.close() })
  app.decorate('caches', caches)
}, { name: 'cache', dependencies: ['db'] })
