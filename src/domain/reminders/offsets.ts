/*
 * Reminder offsets on the event form: "1 day, 1 hour" ⇄ [1440, 60] (minutes before the start).
 */

export const DEFAULT_OFFSETS = [1440, 60]
export const MAX_OFFSETS = 5
/** At most four weeks before (the job looks that far ahead). */
export const MAX_OFFSET_MINUTES = 28 * 24 * 60
export const MIN_OFFSET_MINUTES = 5

const UNITS: Record<string, number> = {
  m: 1, min: 1, mins: 1, minute: 1, minutes: 1,
  h: 60, hr: 60, hrs: 60, hour: 60, hours: 60,
  d: 1440, day: 1440, days: 1440,
  w: 10080, week: 10080, weeks: 10080
}

/** "1 day, 1 hour" / "2 days, 30 minutes": the form's text for offsets, largest first. */
export function formatOffsets (offsets: number[]): string {
  return [...offsets].sort((a, b) => b - a).map((m) => {
    const [n, unit] = m % 10080 === 0 ? [m / 10080, 'week'] : m % 1440 === 0 ? [m / 1440, 'day'] : m % 60 === 0 ? [m / 60, 'hour'] : [m, 'minute']
    return `${n} ${unit}${n === 1 ? '' : 's'}`
  }).join(', ')
}

/**
 * Reads the form's text: items separated by commas, each a number and a unit (minutes, hours, days, weeks;
 * a bare number is minutes). Empty means no reminders. Duplicates collapse; sorted largest first.
 */
export function readOffsets (text: string): { text: string, offsets?: number[], error?: string } {
  const t = text.trim()
  if (!t) return { text, offsets: [] }
  const offsets = new Set<number>()
  for (const item of t.split(/[,;]|\band\b/i).map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d{1,5})\s*([a-z]*)$/i.exec(item)
    const unit = m ? UNITS[(m[2] || 'minutes').toLowerCase()] : undefined
    if (!m || !unit) return { text, error: `Write each reminder as a number and a unit, such as "1 day, 1 hour" (we couldn’t read "${item}").` }
    const minutes = Number(m[1]) * unit
    if (minutes < MIN_OFFSET_MINUTES || minutes > MAX_OFFSET_MINUTES) return { text, error: 'Each reminder must be between 5 minutes and 4 weeks before the start.' }
    offsets.add(minutes)
  }
  if (offsets.size > MAX_OFFSETS) return { text, error: `Choose at most ${MAX_OFFSETS} reminders.` }
  return { text, offsets: [...offsets].sort((a, b) => b - a) }
}
