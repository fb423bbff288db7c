import type { Db } from '../../db/database.js'
import { deleteConnection, findConnection, findMark, insertConnection, insertMark, lockPair } from './connections.repository.js'

/**
 * Who met whom. A member records that they met someone (from an event's "Who did you meet?" list, or by scanning
 * their QR code): a one-sided mark. When the other has marked them too — or confirms — the two are connected,
 * with the event where the first of them said so. Callers check who may be chosen (checked in at the same
 * in-person event, or sharing a community for a QR code) before calling, and call these in a transaction
 * (the pair is locked, so two members choosing each other at once end connected).
 */
export type MetOutcome = 'connected' | 'recorded' | 'already-connected' | 'already-recorded'

export async function recordMet (db: Db, memberId: number, metId: number, eventId: number | null): Promise<MetOutcome> {
  if (memberId === metId) throw new Error('A member cannot meet themself')
  await lockPair(db, memberId, metId)
  if (await findConnection(db, memberId, metId)) return 'already-connected'
  const isNew = await insertMark(db, memberId, metId, eventId)
  const theirs = await findMark(db, metId, memberId)
  if (theirs) {
    await insertConnection(db, memberId, metId, { eventId: theirs.event_id ?? eventId })
    return 'connected'
  }
  return isNew ? 'recorded' : 'already-recorded'
}

/** Either side may remove a connection (and a one-sided mark); the pair is then never suggested again. */
export async function removeConnection (db: Db, memberId: number, otherId: number): Promise<boolean> {
  await lockPair(db, memberId, otherId)
  return deleteConnection(db, memberId, otherId)
}

export async function areConnected (db: Db, x: number, y: number): Promise<boolean> {
  return x !== y && (await findConnection(db, x, y)) !== undefined
}
