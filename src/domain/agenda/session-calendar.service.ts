import type { Db } from '../../db/database.js'

/** Why a published session's calendar entry changes for the members who picked it. */
export type SessionChangeReason = 'time' | 'place' | 'cancelled'

/**
 * Queues a calendar update for every member who picked the session, for the one calendar reconciler to send
 * (called in the transaction that changed the session, after its `sequence` was raised).
 */
export async function queueSessionChange (_trx: Db, _sessionId: number, _reasons: SessionChangeReason[]): Promise<void> {
  // Filled in by the agenda's calendar work (member agenda, picks, session calendar files).
}
