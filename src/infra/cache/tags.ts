/**
 * The read-cache tags: what a cached read depends on, as the database's triggers name it (migrations
 * cache_notify, cache_notify_per_statement). A loader lists the tags of what it read; a committed change sends
 * the tags of the rows it touched, and every entry carrying one of them is dropped. A tag built here and the
 * trigger that sends it must agree letter for letter: tests/infra/cache/tags.test.ts checks every kind.
 */
export const tags = {
  /** A session row (signed out, expired). */
  session: (idHash: string) => `session:${idHash}`,
  /** A member row. */
  member: (memberId: number) => `member:${memberId}`,
  /** Any member's name or agency (they show in "who's going" and "hosts" of every event page). */
  names: () => 'names',
  /** A member's membership or organizer terms in a community. */
  standing: (communityId: number, memberId: number) => `standing:${communityId}:${memberId}`,
  /** A community row. */
  community: (communityId: number) => `community:${communityId}`,
  /** An event, its hosts or any of its RSVPs. */
  event: (eventId: number) => `event:${eventId}`,
  /** One member's RSVP to an event. */
  rsvp: (eventId: number, memberId: number) => `rsvp:${eventId}:${memberId}`
} as const

export type TagKind = keyof typeof tags

/** Every kind of tag the app reads with. */
export const TAG_KINDS = Object.keys(tags) as TagKind[]
