import type { Event } from '../../db/database.js'

/**
 * The links that let people take part, as every page, invite, reminder and feed entry shows them: the join link
 * and the live-transcript (captions) link until the event ends; after that the recording or transcript link
 * replaces the captions (the captions link itself when no recording was added — live-caption services keep
 * the transcript at that address).
 */
export interface AccessLinks {
  join: string | null
  captions: string | null
  afterwards: { url: string, label: 'Recording or transcript' | 'Transcript' } | null
  ended: boolean
}

export function accessLinks (e: Pick<Event, 'online_url' | 'live_transcript_url' | 'recording_url' | 'ends_at'>, now = new Date()): AccessLinks {
  const ended = now >= e.ends_at
  if (!ended) return { join: e.online_url, captions: e.live_transcript_url, afterwards: null, ended }
  const afterwards = e.recording_url
    ? { url: e.recording_url, label: 'Recording or transcript' as const }
    : e.live_transcript_url ? { url: e.live_transcript_url, label: 'Transcript' as const } : null
  return { join: null, captions: null, afterwards, ended }
}
