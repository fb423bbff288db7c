import type { Event, RsvpStatus } from '../../db/database.js'
import type { AccessLinks } from './access-links.js'
import type { MyRsvp } from './events.repository.js'
import { rsvpProblem } from '../rsvps/rsvps.service.js'
import { ordinal } from '../../lib/format.js'

/*
 * What the event page shows, decided here so the templates (events/show.eta, events/_about.eta) only show it.
 */

const ANSWER_LABELS: Record<RsvpStatus, string> = {
  going: 'Going', maybe: 'Maybe', declined: 'Can’t go', waitlisted: 'Going — on the waitlist'
}

export interface EventPageView {
  /** "You answered: …", or null before the member answers. */
  answerLabel: string | null
  /** Why the answer form is not shown (RSVPs closed, not open yet, event over…); null when it is shown. */
  closedNotice: string | null
  /**
   * A full event puts a new "going" on the waitlist, and the button says so; a member already going keeps the seat;
   * a member on the waitlist sees their place ("You’re on the waitlist (3rd)") and pressing it keeps that place.
   */
  goingLabel: string
  /** "You are 3rd on the waitlist." for a waitlisted viewer whose place is known; null otherwise. */
  waitlistNotice: string | null
  /** The answer links in mails can be turned off while they still answer: a published event not over yet. */
  canTurnOffAnswerLinks: boolean
  /** A draft has no calendar entry yet, and an event that is over needs none. */
  canAddToCalendar: boolean
  /** "Who's going" is for deciding whether to come: an event that is over does not show it. */
  showWhoIsGoing: boolean
  organizer: {
    canInvite: boolean
    canPublish: boolean
    canCancel: boolean
    /** A draft that is not part of a series may be deleted. */
    canDelete: boolean
    /** Those going or waitlisted may be messaged while the event is published. */
    canMessage: boolean
    cancelLabel: string
  }
}

export function eventPageView (
  event: Event, counts: Record<RsvpStatus, number>, mine: MyRsvp | undefined, links: AccessLinks, now = new Date(),
  waitlistPlace: number | null = null
): EventPageView {
  const waiting = mine?.status === 'waitlisted'
  const place = waiting && waitlistPlace ? ordinal(waitlistPlace) : null
  const open = event.status === 'published' && !links.ended
  const problem = rsvpProblem(event, now)
  // After RSVPs close, a member who said they'd come may still say they can't (rsvpProblem takes "can't go"
  // until the event ends), so they keep the form.
  const mayStillDecline = event.status === 'published' && mine !== undefined && mine.status !== 'declined' && now < event.ends_at
  return {
    answerLabel: mine ? ANSWER_LABELS[mine.status] : null,
    closedNotice: problem && !mayStillDecline ? problem : null,
    goingLabel: waiting
      ? (place ? `You’re on the waitlist (${place})` : 'You’re on the waitlist')
      : event.capacity && counts.going >= event.capacity && mine?.status !== 'going' ? 'Join the waitlist' : 'Going',
    waitlistNotice: place ? `You are ${place} on the waitlist. If a place opens up, it goes to the first on the waitlist, and we email you when it is yours.` : null,
    canTurnOffAnswerLinks: mine !== undefined && open,
    canAddToCalendar: event.status !== 'draft' && !links.ended,
    showWhoIsGoing: !links.ended,
    organizer: {
      canInvite: open,
      canPublish: event.status === 'draft',
      canCancel: event.status !== 'cancelled',
      canDelete: event.status === 'draft' && event.series_id === null,
      canMessage: event.status === 'published',
      cancelLabel: event.series_id ? 'Cancel this event (this occurrence only)' : 'Cancel this event'
    }
  }
}

export interface EventAboutView {
  /** A banner over the details of a cancelled event or a draft. */
  notice: { type: 'warning' | 'info', text: string } | null
  /** A cancelled event shows no join, captions or recording links. */
  showAccessLinks: boolean
}

export function eventAboutView (event: Pick<Event, 'status'>, links: AccessLinks): EventAboutView {
  return {
    notice: event.status === 'cancelled'
      ? { type: 'warning', text: 'This event was cancelled.' }
      : event.status === 'draft' ? { type: 'info', text: 'Draft: only organizers can see this event until it is published.' } : null,
    showAccessLinks: event.status !== 'cancelled' && Boolean(links.join || links.captions || links.afterwards)
  }
}
