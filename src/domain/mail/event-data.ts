import type { Community, Event } from '../../db/database.js'
import { eventLocation } from '../calendar/ics.js'
import { accessLinks } from '../events/access-links.js'

/** What a mail about an event says of it: the template formats the times and builds the links. */
export interface EventMailData {
  event: Pick<Event, 'id' | 'title' | 'why_it_matters' | 'starts_at' | 'ends_at' | 'time_zone' | 'online_url'>
  community: Pick<Community, 'slug' | 'name'>
  /** Venue, room and address, "Online", or "… (and online)". */
  location: string
  /** Join online and live captions until the end; the recording or transcript after it. */
  access: { label: string, url: string }[]
}

/** The event part of a mail's data (views/emails/_event/): the same details in every invite, notice and reminder. */
export function eventMailData (event: Event, community: Pick<Community, 'slug' | 'name'>, now = new Date()): EventMailData {
  const links = accessLinks(event, now)
  const access: { label: string, url: string }[] = []
  if (links.join) access.push({ label: 'Join online', url: links.join })
  if (links.captions) access.push({ label: 'Live captions', url: links.captions })
  if (links.afterwards) access.push({ label: links.afterwards.label, url: links.afterwards.url })
  return {
    event: {
      id: event.id,
      title: event.title,
      why_it_matters: event.why_it_matters,
      starts_at: event.starts_at,
      ends_at: event.ends_at,
      time_zone: event.time_zone,
      online_url: event.online_url
    },
    community: { slug: community.slug, name: community.name },
    location: eventLocation(event),
    access
  }
}
