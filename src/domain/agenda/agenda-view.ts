import { date, time } from '../../lib/format.js'
import { zoneLabel } from '../../lib/time-zones.js'
import type { AgendaSessionRow } from './agenda-view.repository.js'

/*
 * The member's agenda page, decided here so the view only shows it: sessions by day in the viewer's zone, the
 * tracks and rooms to filter by, the filters that apply (a value no session has is ignored), and "my agenda"
 * (the picked sessions, first).
 */

export interface AgendaFilters { track: string, room: string }

export interface AgendaItem extends AgendaSessionRow {
  /** "10:00 AM EST to 11:00 AM EST" in the viewer's zone. */
  when: string
  /** The day heading it is under. */
  day: string
}

export interface AgendaView {
  zone: string
  zoneLabel: string
  tracks: string[]
  rooms: string[]
  /** The filters that apply (only values some session has). */
  filters: AgendaFilters
  days: Array<{ label: string, sessions: AgendaItem[] }>
  /** The viewer's picked sessions, in order of time (whatever the filters). */
  mine: AgendaItem[]
  /** How many published sessions there are at all, and how many the filters show. */
  total: number
  shown: number
}

export function agendaView (sessions: AgendaSessionRow[], zone: string, asked: Partial<AgendaFilters>): AgendaView {
  const items: AgendaItem[] = sessions.map((s) => {
    const day = date(s.starts_at, zone)
    const endDay = date(s.ends_at, zone)
    return { ...s, day, when: `${time(s.starts_at, zone)} to ${endDay === day ? '' : endDay + ', '}${time(s.ends_at, zone)}` }
  })
  const distinct = (values: string[]) => [...new Set(values.filter((v) => v.trim()))].sort((a, b) => a.localeCompare(b))
  const tracks = distinct(items.map((s) => s.track))
  const rooms = distinct(items.map((s) => s.room))
  const filters = {
    track: asked.track && tracks.includes(asked.track) ? asked.track : '',
    room: asked.room && rooms.includes(asked.room) ? asked.room : ''
  }
  const shown = items.filter((s) => (!filters.track || s.track === filters.track) && (!filters.room || s.room === filters.room))
  const days: AgendaView['days'] = []
  for (const s of shown) {
    const last = days[days.length - 1]
    if (last && last.label === s.day) last.sessions.push(s)
    else days.push({ label: s.day, sessions: [s] })
  }
  return { zone, zoneLabel: zoneLabel(zone), tracks, rooms, filters, days, mine: items.filter((s) => s.picked), total: items.length, shown: shown.length }
}
