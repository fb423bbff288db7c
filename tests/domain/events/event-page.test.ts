import t from 'tap'
import type { Event } from '../../../src/db/database.js'
import { accessLinks } from '../../../src/domain/events/access-links.js'
import { eventAboutView, eventPageView } from '../../../src/domain/events/event-page.js'
import type { MyRsvp } from '../../../src/domain/events/events.repository.js'
import { isWalkInSearch } from '../../../src/domain/events/check-ins.service.js'
import { organizerTermsView } from '../../../src/domain/communities/organizers.service.js'
import { mayOrganize } from '../../../src/domain/communities/policy.js'

// The decisions the templates used to make themselves; the route tests see them through the pages.
const now = new Date('2026-06-01T12:00:00Z')
const event = (over: Partial<Event> = {}) => ({
  id: 1, status: 'published', capacity: null, series_id: null, time_zone: 'UTC',
  starts_at: new Date('2026-06-10T10:00:00Z'), ends_at: new Date('2026-06-10T11:00:00Z'),
  rsvp_opens_at: null, rsvp_closes_at: null, online_url: null, live_transcript_url: null, recording_url: null, ...over
}) as Event
const counts = (going: number) => ({ going, maybe: 0, declined: 0, waitlisted: 0 })
const mine = (status: MyRsvp['status']) => ({ id: 1, status, listed: true, accessibility_needs: null, dietary_needs: null, waitlisted_at: null }) as MyRsvp
const view = (e: Event, going = 0, m?: MyRsvp) => eventPageView(e, counts(going), m, accessLinks(e, now), now)

t.test('after RSVPs close, only a member who said they would come keeps the form, to say they can’t', async (t) => {
  const closed = event({ rsvp_closes_at: new Date('2026-05-31T00:00:00Z') })
  t.match(view(closed).closedNotice, /^RSVPs closed on /)
  t.equal(view(closed, 0, mine('going')).closedNotice, null)
  t.equal(view(closed, 0, mine('maybe')).closedNotice, null)
  t.match(view(closed, 0, mine('declined')).closedNotice, /^RSVPs closed on /)
  t.equal(view(event()).closedNotice, null, 'an open event shows the form')
  const over = event({ starts_at: new Date('2026-05-01T10:00:00Z'), ends_at: new Date('2026-05-01T11:00:00Z') })
  t.equal(view(over, 0, mine('going')).closedNotice, 'This event has ended.')
  t.match(view(event({ status: 'cancelled' }), 0, mine('going')).closedNotice, /cancelled/)
})

t.test('"Join the waitlist" shows when the event is full, except to a member already going', async (t) => {
  t.equal(view(event({ capacity: 2 }), 1).goingLabel, 'Going')
  t.equal(view(event({ capacity: 2 }), 2).goingLabel, 'Join the waitlist')
  t.equal(view(event({ capacity: 2 }), 2, mine('waitlisted')).goingLabel, 'You’re on the waitlist')
  t.equal(eventPageView(event({ capacity: 2 }), counts(2), mine('waitlisted'), accessLinks(event(), now), now, 3).goingLabel, 'You’re on the waitlist (3rd)')
  t.equal(view(event({ capacity: 2 }), 2, mine('going')).goingLabel, 'Going')
  t.equal(view(event(), 500).goingLabel, 'Going', 'no capacity, no waitlist')
})

t.test('what the event page offers follows the event’s status and time', async (t) => {
  t.same(view(event({ status: 'draft' })).organizer, { canInvite: false, canPublish: true, canCancel: true, cancelLabel: 'Cancel this event', canDelete: true, canMessage: false })
  t.same(view(event({ series_id: 4 })).organizer, { canInvite: true, canPublish: false, canCancel: true, cancelLabel: 'Cancel this event (this occurrence only)', canDelete: false, canMessage: true })
  t.same(view(event({ status: 'cancelled' })).organizer, { canInvite: false, canPublish: false, canCancel: false, cancelLabel: 'Cancel this event', canDelete: false, canMessage: false })
  t.equal(view(event({ status: 'draft' })).canAddToCalendar, false)
  const over = event({ starts_at: new Date('2026-05-01T10:00:00Z'), ends_at: new Date('2026-05-01T11:00:00Z') })
  t.equal(view(over).canAddToCalendar, false, 'an event that is over needs no calendar entry')
  t.equal(view(over).showWhoIsGoing, false, 'nor a “who’s going”')
  t.equal(view(event()).showWhoIsGoing, true)
  t.equal(view(event(), 0, mine('maybe')).canTurnOffAnswerLinks, true)
  t.equal(view(event()).canTurnOffAnswerLinks, false, 'nothing to turn off before answering')
  t.equal(view(event(), 0, mine('maybe')).answerLabel, 'Maybe')
  t.equal(view(event(), 0, mine('waitlisted')).answerLabel, 'Going — on the waitlist')
  const cancelled = event({ status: 'cancelled', online_url: 'https://meet.example.gov/x' })
  t.same(eventAboutView(cancelled, accessLinks(cancelled, now)), { notice: { type: 'warning', text: 'This event was cancelled.' }, showAccessLinks: false })
  const online = event({ online_url: 'https://meet.example.gov/x' })
  t.same(eventAboutView(online, accessLinks(online, now)), { notice: null, showAccessLinks: true })
})

t.test('organizer terms: withdrawn before they begin, ended after; the walk-in search takes two letters', async (t) => {
  const terms = [
    { id: 3, starts_on: '2026-07-01', ends_on: null },
    { id: 2, starts_on: '2026-01-01', ends_on: '2026-12-31' },
    { id: 1, starts_on: '2025-01-01', ends_on: '2025-12-31' }
  ]
  const v = organizerTermsView(terms, '2026-06-01')
  t.same(v.current.map((x) => [x.id, x.endLabel]), [[2, 'End now']])
  t.same(v.upcoming.map((x) => [x.id, x.endLabel]), [[3, 'Withdraw']])
  t.same(v.past.map((x) => x.id), [1])
  t.equal(v.handover, null)
  t.equal(isWalkInSearch(' a '), false)
  t.equal(isWalkInSearch('an'), true)
  t.equal(mayOrganize({ isOrganizer: false, isAdmin: true }), true)
  t.equal(mayOrganize({ isOrganizer: false, isAdmin: false }), false)
})
