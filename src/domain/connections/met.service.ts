import { DateTime } from 'luxon'
import type { Db, Event } from '../../db/database.js'
import { readVisibility, shownFields } from '../members/visibility.js'
import { connectedAmong, connectionsOf, findMark, lockPair } from './connections.repository.js'
import { IN_PERSON_KINDS } from './met-code.repository.js'
import { areConnected, recordMet, removeConnection, type MetOutcome } from './connections.service.js'
import { findMemberById } from '../members/members.repository.js'
import {
  checkedInMember, checkedInOthers, communityIdsOf, eventConnectionCounts, declineMark, marksAround, sharingACommunity, waitingConfirmations
} from './met.repository.js'

/*
 * "Who did you meet?" after an in-person event, the confirmations waiting for a member, and connections as member
 * pages list them. Only members checked in at the same in-person event can say they met there; a member confirms
 * (or turns down) those who say they met them; what a page lists of other people is kept to members who share a
 * community with the viewer.
 */

/** An event people meet at in person (IN_PERSON_KINDS: a brown-bag is online, so no "Who did you meet?"). */
export function isInPerson (event: Pick<Event, 'kind'>): boolean {
  return (IN_PERSON_KINDS as readonly string[]).includes(event.kind)
}

/** Where the viewer stands with someone on the "Who did you meet?" list. */
export type MetState = 'connected' | 'said' | 'they-said' | 'none'

export interface MetCandidate {
  id: number
  full_name: string
  /** Null when they do not show their agency to the viewer. */
  agency: string | null
  state: MetState
}

/** Whether the viewer may use the event's "Who did you meet?": an in-person event they were checked in at. */
export async function metAccess (db: Db, event: Pick<Event, 'id' | 'kind' | 'community_id'>, viewerId: number): Promise<'ok' | 'not-in-person' | 'not-checked-in'> {
  if (!isInPerson(event)) return 'not-in-person'
  return (await checkedInMember(db, event.id, event.community_id, viewerId)) ? 'ok' : 'not-checked-in'
}

/** The other members checked in at the event (narrowed by `q`, a name), each with where the viewer stands. */
export async function metCandidates (db: Db, event: Pick<Event, 'id' | 'community_id'>, viewerId: number, q = ''): Promise<MetCandidate[]> {
  const rows = await checkedInOthers(db, event.id, event.community_id, viewerId, q)
  const ids = rows.map((r) => r.id)
  const [connected, marks] = await Promise.all([connectedAmong(db, viewerId, ids), marksAround(db, viewerId, ids)])
  return rows.map((r) => {
    const isConnected = connected.has(r.id)
    const seen = shownFields(readVisibility(r.visibility), isConnected ? 'connection' : 'member')
    const state: MetState = isConnected ? 'connected' : marks.mine.has(r.id) ? 'said' : marks.theirs.has(r.id) ? 'they-said' : 'none'
    return { id: r.id, full_name: r.full_name, agency: seen.has('agency') ? r.agency : null, state }
  })
}

export type ChooseOutcome = { ok: true, outcome: MetOutcome, name: string } | { ok: false, message: string }

/**
 * The viewer says they met `metId` at the event (the caller checked `metAccess` and holds a transaction): only
 * another member checked in at that event may be chosen.
 */
export async function chooseMet (trx: Db, event: Pick<Event, 'id' | 'community_id'>, viewerId: number, metId: number): Promise<ChooseOutcome> {
  if (metId === viewerId) return { ok: false, message: 'Choose someone else: you can’t say you met yourself.' }
  const other = await checkedInMember(trx, event.id, event.community_id, metId)
  if (!other) return { ok: false, message: 'Choose someone from the list: only members checked in at this event can be chosen.' }
  return { ok: true, outcome: await recordMet(trx, viewerId, metId, event.id), name: other.full_name }
}

/** The member confirms that they met `markerId`, who said so (at the same event). Refused when no such mark waits. */
export async function confirmMet (trx: Db, memberId: number, markerId: number): Promise<ChooseOutcome> {
  if (memberId === markerId) return { ok: false, message: 'Choose someone who says they met you.' }
  await lockPair(trx, memberId, markerId)
  const waiting = (await waitingConfirmations(trx, memberId)).find((w) => w.id === markerId)
  const mark = waiting ? await findMark(trx, markerId, memberId) : undefined
  if (!waiting || !mark) return { ok: false, message: 'That person is no longer waiting for you to confirm.' }
  return { ok: true, outcome: await recordMet(trx, memberId, markerId, mark.event_id), name: waiting.full_name }
}

/** "Not someone I met": their mark goes, and the pair is never suggested again. False when no such mark waits. */
export async function declineMet (trx: Db, memberId: number, markerId: number): Promise<boolean> {
  if (memberId === markerId) return false
  await lockPair(trx, memberId, markerId)
  return declineMark(trx, memberId, markerId)
}

/** How a connection came about, as a page says it (the view words it; an event of a community the viewer is not in is not named). */
export type HowMet =
  | { kind: 'event', eventId: number, eventTitle: string, slug: string, month: string }
  | { kind: 'in-person', month: string | null }
  | { kind: 'introduced', by: string | null }

/** "March 2026": the month of the event where it was, in the event's zone. */
export function eventMonth (startsAt: Date, zone: string): string {
  return DateTime.fromJSDate(startsAt, { zone }).setLocale('en-US').toFormat('LLLL yyyy')
}

interface HowRow {
  event_id: number | null
  event_title: string | null
  event_starts_at: Date | null
  event_time_zone: string | null
  event_community_slug: string | null
  introducer_id?: number | null
  introducer_name?: string | null
}

function howMet (row: HowRow, eventCommunityId: number | null, viewerCommunities: Set<number>, namedIntroducers: Set<number>): HowMet {
  if (row.event_id !== null && row.event_starts_at && row.event_time_zone) {
    const month = eventMonth(row.event_starts_at, row.event_time_zone)
    if (eventCommunityId !== null && viewerCommunities.has(eventCommunityId)) {
      return { kind: 'event', eventId: row.event_id, eventTitle: row.event_title ?? '', slug: row.event_community_slug ?? '', month }
    }
    return { kind: 'in-person', month }
  }
  if (row.introducer_id != null) return { kind: 'introduced', by: namedIntroducers.has(row.introducer_id) ? row.introducer_name ?? null : null }
  return { kind: 'in-person', month: null }
}

export interface ShownConnection {
  id: number
  full_name: string
  agency: string | null
  how: HowMet
}

/**
 * A member's connections as `viewerId` may see them: only people who share a community with the viewer (the
 * others are not listed at all), each with their agency as they show it to the viewer, and how they met.
 */
export async function connectionsShownTo (db: Db, memberId: number, viewerId: number): Promise<ShownConnection[]> {
  const rows = await connectionsOf(db, memberId)
  const ids = rows.map((r) => r.member_id)
  const introducers = rows.map((r) => r.introducer_id).filter((i): i is number => i !== null)
  const [visible, viewerConnected, viewerCommunities, named] = await Promise.all([
    sharingACommunity(db, viewerId, ids.filter((i) => i !== viewerId)),
    connectedAmong(db, viewerId, ids),
    communityIdsOf(db, viewerId),
    sharingACommunity(db, viewerId, introducers)
  ])
  if (ids.includes(viewerId)) visible.add(viewerId)
  if (introducers.includes(viewerId)) named.add(viewerId)
  return rows.filter((r) => visible.has(r.member_id)).map((r) => {
    const level = r.member_id === viewerId ? 'self' : viewerConnected.has(r.member_id) ? 'connection' : 'member'
    const seen = shownFields(readVisibility(r.visibility), level)
    return {
      id: r.member_id,
      full_name: r.full_name,
      agency: seen.has('agency') ? r.agency : null,
      how: howMet(r, r.event_community_id, viewerCommunities, named)
    }
  })
}

/** How the viewer and the member they look at are connected, or null when they are not. */
export async function connectionWith (db: Db, viewerId: number, memberId: number): Promise<HowMet | null> {
  const [row] = await connectionsOf(db, viewerId, [memberId])
  if (!row) return null
  const [communities, named] = await Promise.all([
    communityIdsOf(db, viewerId),
    row.introducer_id === null ? new Set<number>() : sharingACommunity(db, viewerId, [row.introducer_id])
  ])
  if (row.introducer_id === viewerId) named.add(viewerId)
  return howMet(row, row.event_community_id, communities, named)
}

export interface WaitingConfirmation {
  id: number
  full_name: string
  agency: string | null
  how: HowMet
}

/** Members who say they met the member and wait for them to confirm (profile page). */
export async function confirmationsFor (db: Db, memberId: number): Promise<WaitingConfirmation[]> {
  const rows = await waitingConfirmations(db, memberId)
  if (!rows.length) return []
  const communities = await communityIdsOf(db, memberId)
  return rows.map((r) => {
    const seen = shownFields(readVisibility(r.visibility), 'member')
    return {
      id: r.id,
      full_name: r.full_name,
      agency: seen.has('agency') ? r.agency : null,
      how: howMet(r, r.event_community_id, communities, new Set())
    }
  })
}

/** The member the viewer is connected with (for the "Remove your connection" page), or null when they are not connected. */
export async function connectedMember (db: Db, viewerId: number, memberId: number): Promise<{ id: number, full_name: string } | null> {
  if (!await areConnected(db, viewerId, memberId)) return null
  const m = await findMemberById(db, memberId)
  return m ? { id: m.id, full_name: m.full_name } : null
}

/** Removes the viewer's connection with `memberId` (in the caller's transaction); false when they were not connected. */
export async function removeConnectionWith (trx: Db, viewerId: number, memberId: number): Promise<boolean> {
  if (viewerId === memberId || !await areConnected(trx, viewerId, memberId)) return false
  return removeConnection(trx, viewerId, memberId)
}

/**
 * For the event's organizers: connections made at this in-person event, and the share (whole per cent) joining
 * two members of different agencies. Null for an event people do not meet at in person.
 */
export async function connectionsMadeAt (db: Db, event: Pick<Event, 'id' | 'kind'>): Promise<{ total: number, acrossAgencies: number, acrossShare: number | null } | null> {
  if (!isInPerson(event)) return null
  const { total, acrossAgencies } = await eventConnectionCounts(db, event.id)
  return { total, acrossAgencies, acrossShare: total ? Math.round(100 * acrossAgencies / total) : null }
}
