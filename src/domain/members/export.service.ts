import type { Db } from '../../db/database.js'
import { countActiveSessions, coSpeakersOf, ownCheckIns, ownConnections, ownIntroductions, ownMetMarks, ownCoSpeaking, ownMemberships, ownProfile, ownProposals, ownReviews, ownRsvps, ownSessionPicks } from './export.repository.js'
import { readVisibility } from './visibility.js'

/**
 * Everything Convene holds about the member, for them to download (GET /profile/data.json): their profile and
 * choices, memberships, answers, check-ins, proposals (with co-speakers by name), co-speaking, the reviews they
 * wrote, the agenda sessions they picked, their connections, "I met them" notes (theirs and about them) and
 * introductions, and how many sessions are signed in. Nobody else's personal data: others appear at most by name.
 */
export async function memberDataExport (db: Db, memberId: number) {
  const [profile, memberships, rsvps, checkIns, proposals, coSpeaking, reviews, agendaPicks, activeSessions, connections, metNotes, introductions] = await Promise.all([
    ownProfile(db, memberId), ownMemberships(db, memberId), ownRsvps(db, memberId), ownCheckIns(db, memberId),
    ownProposals(db, memberId), ownCoSpeaking(db, memberId), ownReviews(db, memberId), ownSessionPicks(db, memberId), countActiveSessions(db, memberId),
    ownConnections(db, memberId), ownMetMarks(db, memberId), ownIntroductions(db, memberId)
  ])
  const speakers = await coSpeakersOf(db, proposals.map((p) => p.id))
  const { visibility, mail_reminders: reminders, mail_calendar: calendar, mail_met: metPrompts, ...rest } = profile
  return {
    exportedAt: new Date().toISOString(),
    profile: { ...rest, visibility: readVisibility(visibility) },
    mailPreferences: { reminders, calendar, metPrompts },
    memberships,
    rsvps,
    checkIns,
    proposals: proposals.map(({ id, ...p }) => ({
      ...p,
      coSpeakers: speakers.filter((s) => s.proposal_id === id).map((s) => ({ name: s.name ?? 'Invited by email (not a member yet)', state: s.state }))
    })),
    coSpeaking,
    reviewsWritten: reviews,
    agendaPicks,
    connections,
    metNotes,
    introductions,
    activeSessions
  }
}
