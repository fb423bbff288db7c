import type { Db } from '../../db/database.js'
import { randomToken } from '../../lib/tokens.js'
import { absoluteUrl, paths } from '../../lib/paths.js'
import { qrSvg } from '../../lib/qr.js'
import { readVisibility, shownFields } from '../members/visibility.js'
import { areConnected, recordMet, type MetOutcome } from './connections.service.js'
import { findMemberByMetCode, findMetCode, isCheckedIn, IN_PERSON_KINDS, latestEventBothCheckedIn, replaceMetCode, setMetCodeIfNone, shareCommunity } from './met-code.repository.js'
import type { EventKind } from '../../db/database.js'

/*
 * A member's personal QR code holds the address /met/<code>: another member who scans it is asked to confirm
 * "I met …", which records the same one-sided "met" as the event's list (connections.service.ts). The code
 * identifies its owner to members who share a community with them, never signs anyone in, and can be
 * regenerated (old printed codes then stop working).
 */

/** A new code: 128 random bits, URL-safe (22 characters). */
function newCode (): string {
  return randomToken(16)
}

/**
 * The member's code, made the first time it is needed. Making it is the one write a page showing it does:
 * invisible to the member (the code exists from then on, as if it had always been there) and safe to repeat.
 */
export async function metCodeOf (db: Db, memberId: number): Promise<string> {
  const code = await findMetCode(db, memberId) ?? await setMetCodeIfNone(db, memberId, newCode())
  if (!code) throw new Error(`member ${memberId} has no row`)
  return code
}

/** Replaces the member's code: the old one is unknown from now on. */
export async function regenerateMetCode (db: Db, memberId: number): Promise<void> {
  await replaceMetCode(db, memberId, newCode())
}

/**
 * The member's QR code as an image (SVG, like an .ics file a format the domain writes) and the address it holds.
 * `publicUrl`: the site's PUBLIC_URL; `known`: the code as the caller holds it (the cached member row on hot pages),
 * read from the database when null.
 */
export async function metQrOf (db: Db, publicUrl: string, memberId: number, fullName: string, known: string | null = null): Promise<{ svg: string, url: string }> {
  const url = absoluteUrl(publicUrl, paths.met(known ?? await metCodeOf(db, memberId)))
  return { svg: await qrSvg(url, `QR code of ${fullName}: scan it to say you met`), url }
}

/** Whether the event page shows the member their code: an in-person event they are going to or checked in at. */
export async function showsCodeAtEvent (db: Db, event: { id: number, kind: EventKind, starts_at: Date }, memberId: number, rsvpStatus: string | null, now = new Date()): Promise<boolean> {
  if (!IN_PERSON_KINDS.includes(event.kind)) return false
  if (rsvpStatus === 'going') return true
  // Check-ins happen at the door: before the start there are none, and the page asks nothing more.
  return event.starts_at <= now && await isCheckedIn(db, event.id, memberId)
}

/** What scanning a code shows the scanner. */
export type Scan =
  | { kind: 'unknown' }
  | { kind: 'own' }
  | {
    kind: 'member'
    owner: { id: number, full_name: string, agency: string | null }
    /** The latest in-person event both were checked in at; null: "in person". */
    event: { id: number, title: string, starts_at: Date, time_zone: string, slug: string, community_name: string } | null
    connected: boolean
  }

/**
 * Who a code belongs to, as the scanner may know it: unknown to anyone who shares no community with the owner
 * (the code identifies nobody to outsiders); the agency only when the owner shows it to the scanner.
 */
export async function scanMetCode (db: Db, scannerId: number, code: string): Promise<Scan> {
  const owner = await findMemberByMetCode(db, code)
  if (!owner) return { kind: 'unknown' }
  if (owner.id === scannerId) return { kind: 'own' }
  if (!await shareCommunity(db, scannerId, owner.id)) return { kind: 'unknown' }
  const connected = await areConnected(db, scannerId, owner.id)
  const seen = shownFields(readVisibility(owner.visibility), connected ? 'connection' : 'member')
  const event = await latestEventBothCheckedIn(db, scannerId, owner.id) ?? null
  return { kind: 'member', owner: { id: owner.id, full_name: owner.full_name, agency: seen.has('agency') ? owner.agency : null }, event, connected }
}

/** Records that the scanner met the code's owner (at the event the confirm page named). Call inside a transaction. */
export async function confirmMetByCode (db: Db, scannerId: number, code: string): Promise<{ scan: Scan, outcome: MetOutcome | null }> {
  const scan = await scanMetCode(db, scannerId, code)
  if (scan.kind !== 'member') return { scan, outcome: null }
  return { scan, outcome: await recordMet(db, scannerId, scan.owner.id, scan.event?.id ?? null) }
}
