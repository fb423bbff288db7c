import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely'

/** Columns the database fills in: optional on insert, never on update. */
type CreatedAt = ColumnType<Date, Date | undefined, never>
/** A `date` column, read and written as an ISO date string (YYYY-MM-DD). */
type DateOnly = string

export interface MembersTable {
  id: Generated<number>
  email: string
  full_name: string
  agency: string
  job_title: string | null
  region: string | null
  expertise: ColumnType<string[], string[] | undefined, string[]>
  ask_me_about: string | null
  bio: string | null
  pronouns: string | null
  /** IANA zone the member reads times in (migrations/2026-11-25T1300_event_speakers.ts); null = none chosen. */
  time_zone: string | null
  is_admin: Generated<boolean>
  email_verified_at: Date | null
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | undefined, Date>
  /** Calendar-feed URL version (migrations/2026-11-25T1200_calendar_feeds.ts): bumped to revoke the old URL. */
  feed_version: Generated<number>
  /** Mail preferences (migrations/2026-12-04T1000_mail_preferences.ts): reminders before events they are going to. */
  mail_reminders: Generated<boolean>
  /** Calendar invitations (and their updates) for the events they answer going or maybe. */
  mail_calendar: Generated<boolean>
  /** "Who did you meet?" after in-person events they checked in at (migrations/2026-12-05T2300_mail_met.ts). */
  mail_met: Generated<boolean>
  /** Set by a site admin: the account cannot sign in (migrations/2026-12-04T1100_suspensions_archives.ts). */
  deactivated_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  /** Profile (migrations/2026-12-05T1200_directory.ts): what they can help others with, and what they look for. */
  can_help_with: ColumnType<string | null, string | null | undefined, string | null>
  looking_for: ColumnType<string | null, string | null | undefined, string | null>
  /** Who sees each profile field (src/domain/members/visibility.ts); always every field, written whole. */
  visibility: ColumnType<Record<string, string>, string | undefined, string>
  /** The directory's search document, kept by a trigger from the fields members may see; never written by the app. */
  search_doc: ColumnType<string, never, never>
  /** What the member's QR code holds (migrations/2026-12-05T1300_connections.ts): random, regenerable; null until first shown. */
  met_code: ColumnType<string | null, string | null | undefined, string | null>
  /** Opted in to "people you haven't met yet": sees suggestions and may be suggested to others. */
  suggestions_opt_in: Generated<boolean>
}

export interface CommunitiesTable {
  id: Generated<number>
  slug: string
  name: string
  about: Generated<string>
  norms: string[]
  public_records_notice: string
  allowed_domains: ColumnType<string[], string[] | undefined, string[]>
  requires_approval: Generated<boolean>
  invitation_only: Generated<boolean>
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | undefined, Date>
  /** Set by a site admin: hidden from the home page's list, read-only. */
  archived_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  /** Where replies to the community's mail go, when set (migrations/2026-12-05T0800_mail_sender.ts). */
  contact_email: ColumnType<string | null, string | null | undefined, string | null>
}

export interface RequirementsTable {
  id: Generated<number>
  community_id: number
  name: string
  description: Generated<string>
  position: Generated<number>
}

export interface MembershipsTable {
  id: Generated<number>
  community_id: number
  member_id: number
  norms_accepted_at: Date
  joined_at: CreatedAt
  /** Set by an organizer: the member counts as a member nowhere in the community until it is lifted. */
  suspended_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  suspended_reason: ColumnType<string | null, string | null | undefined, string | null>
}

export interface CoordinatorTermsTable {
  id: Generated<number>
  community_id: number
  member_id: number
  starts_on: DateOnly
  ends_on: DateOnly | null
  created_by: number | null
  created_at: CreatedAt
}

export type JoinRequestStatus = 'unverified' | 'pending' | 'approved' | 'rejected' | 'joined'

export interface JoinRequestsTable {
  id: Generated<number>
  community_id: number
  email: string
  full_name: string
  agency: string
  note: Generated<string>
  status: JoinRequestStatus
  member_id: number | null
  invitation_id: number | null
  verified_at: Date | null
  decided_at: Date | null
  decided_by: number | null
  decision_note: string | null
  created_at: CreatedAt
}

export interface InvitationsTable {
  id: Generated<number>
  community_id: number
  email: string
  invited_by: number | null
  created_at: CreatedAt
  accepted_at: Date | null
  revoked_at: Date | null
}

/** 'change-email': a link to a member's new address that confirms it (the token's `email`). */
export type EmailTokenPurpose = 'sign-in' | 'verify-email' | 'invitation' | 'change-email'

export interface EmailTokensTable {
  id: Generated<number>
  token_hash: string
  purpose: EmailTokenPurpose
  email: string
  member_id: number | null
  join_request_id: number | null
  invitation_id: number | null
  expires_at: Date
  used_at: Date | null
  created_at: CreatedAt
}

export interface SessionsTable {
  id_hash: string
  member_id: number
  created_at: CreatedAt
  expires_at: Date
}

export type MailStatus = 'queued' | 'sent' | 'failed'

export interface MailMessagesTable {
  id: Generated<number>
  kind: string
  to_address: string
  member_id: number | null
  subject: string
  text_body: string
  html_body: string | null
  ical_method: string | null
  ical: string | null
  status: Generated<MailStatus>
  attempts: Generated<number>
  last_error: string | null
  next_attempt_at: ColumnType<Date, Date | undefined, Date>
  created_at: CreatedAt
  sent_at: Date | null
  /** The From display name (migrations/2026-12-05T0800_mail_sender.ts); the address is always MAIL_FROM's. Null: MAIL_FROM as it is. */
  from_name: ColumnType<string | null, string | null | undefined, string | null>
  /** The Reply-To address and its name; null: no Reply-To. */
  reply_to: ColumnType<string | null, string | null | undefined, string | null>
  reply_to_name: ColumnType<string | null, string | null | undefined, string | null>
}

export interface RateLimitsTable {
  key: string
  hits: number
  reset_at: Date
}

export interface SiteSettingsTable {
  key: string
  value: string
}

/** The one description of the schema that all Kysely code is typed against. Keep in step with migrations/. */
export interface Database {
  members: MembersTable
  communities: CommunitiesTable
  requirements: RequirementsTable
  memberships: MembershipsTable
  coordinator_terms: CoordinatorTermsTable
  join_requests: JoinRequestsTable
  invitations: InvitationsTable
  email_tokens: EmailTokensTable
  sessions: SessionsTable
  mail_messages: MailMessagesTable
  rate_limits: RateLimitsTable
  site_settings: SiteSettingsTable
  series: SeriesTable
  series_hosts: SeriesHostsTable
  series_schedules: SeriesSchedulesTable
  events: EventsTable
  event_hosts: EventHostsTable
  rsvps: RsvpsTable
  check_ins: CheckInsTable
  rsvp_link_versions: RsvpLinkVersionsTable
  calendar_invites: CalendarInvitesTable
  calendar_changes: CalendarChangesTable
  reminders_sent: RemindersSentTable
  audit_entries: AuditEntriesTable
  talk_templates: TalkTemplatesTable
  calls: CallsTable
  call_reviewers: CallReviewersTable
  proposal_invitations: ProposalInvitationsTable
  proposals: ProposalsTable
  proposal_speakers: ProposalSpeakersTable
  review_assignments: ReviewAssignmentsTable
  reviews: ReviewsTable
  coaching_notes: CoachingNotesTable
  agenda_sessions: AgendaSessionsTable
  session_picks: SessionPicksTable
  session_calendar_changes: SessionCalendarChangesTable
  met_marks: MetMarksTable
  introductions: IntroductionsTable
  connections: ConnectionsTable
  connection_removals: ConnectionRemovalsTable
}

/** Who met whom (migrations/2026-12-05T1300_connections.ts): `member_id` says they met `met_id`, once per pair. */
export interface MetMarksTable {
  member_id: number
  met_id: number
  event_id: number | null
  created_at: CreatedAt
}

/** An introduction of two members (member_a < member_b); connected when both have accepted. */
export interface IntroductionsTable {
  id: Generated<number>
  introduced_by: number | null
  member_a: number
  member_b: number
  community_id: number | null
  note: string
  a_accepted_at: Date | null
  b_accepted_at: Date | null
  declined_at: Date | null
  declined_by: number | null
  created_at: CreatedAt
}

/** Two connected members (member_a < member_b), with where they met or who introduced them. */
export interface ConnectionsTable {
  id: Generated<number>
  member_a: number
  member_b: number
  event_id: number | null
  introduction_id: number | null
  introduced_by: number | null
  created_at: CreatedAt
}

/** A pair whose connection was removed (member_a < member_b): never suggested to each other again. */
export interface ConnectionRemovalsTable {
  member_a: number
  member_b: number
  removed_by: number | null
  removed_at: ColumnType<Date, Date | undefined, Date>
}

/** A database handle or an open transaction: repository functions take either. */
export type Db = Kysely<Database> | Transaction<Database>

export type Member = Selectable<MembersTable>
export type NewMember = Insertable<MembersTable>
export type MemberUpdate = Updateable<MembersTable>
export type Community = Selectable<CommunitiesTable>
export type NewCommunity = Insertable<CommunitiesTable>
export type CommunityUpdate = Updateable<CommunitiesTable>
export type Requirement = Selectable<RequirementsTable>
export type Membership = Selectable<MembershipsTable>
export type CoordinatorTerm = Selectable<CoordinatorTermsTable>
export type JoinRequest = Selectable<JoinRequestsTable>
export type Invitation = Selectable<InvitationsTable>
export type EmailToken = Selectable<EmailTokensTable>
export type MailMessage = Selectable<MailMessagesTable>

// Events, series, RSVPs, check-ins (migrations/2026-11-25T1000_events.ts)
export type EventKind = 'brown-bag' | 'meetup' | 'conference' | 'workshop'
export type EventStatus = 'draft' | 'published' | 'cancelled'
export type RsvpStatus = 'going' | 'maybe' | 'declined' | 'waitlisted'

export interface SeriesTable {
  id: Generated<number>
  community_id: number
  title: string
  summary: Generated<string>
  why_it_matters: string
  kind: EventKind
  rrule: string
  /** Wall-clock start 'YYYY-MM-DDTHH:mm' in time_zone. */
  dtstart_local: string
  time_zone: string
  duration_minutes: number
  venue_name: string | null
  venue_address: string | null
  venue_room: string | null
  accessibility_notes: string | null
  online_url: string | null
  region: string | null
  live_transcript_url: string | null
  capacity: number | null
  horizon_months: Generated<number>
  publish_occurrences: Generated<boolean>
  created_by: number | null
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | undefined, Date>
}

/** A schedule a series had before its current one (see series-changes.ts). */
export interface SeriesSchedulesTable {
  id: Generated<number>
  series_id: number
  rrule: string
  dtstart_local: string
  time_zone: string
  /** Local start of the first meeting on the next schedule: this one ends before it. */
  until_local: string
  /** Local start of its last meeting, if it had one. */
  last_local: string | null
  replaced_at: CreatedAt
}

export interface SeriesHostsTable {
  series_id: number
  member_id: number
}

export interface EventsTable {
  id: Generated<number>
  community_id: number
  series_id: number | null
  occurrence_key: string | null
  original_starts_at: Date | null
  kind: EventKind
  title: string
  summary: Generated<string>
  why_it_matters: string
  starts_at: Date
  ends_at: Date
  time_zone: string
  venue_name: string | null
  venue_address: string | null
  venue_room: string | null
  accessibility_notes: string | null
  online_url: string | null
  region: string | null
  live_transcript_url: string | null
  recording_url: string | null
  /** migrations/2026-11-25T1300_event_speakers.ts */
  speaker_name: string | null
  capacity: number | null
  rsvp_opens_at: Date | null
  rsvp_closes_at: Date | null
  ask_accessibility: Generated<boolean>
  ask_dietary: Generated<boolean>
  status: Generated<EventStatus>
  sequence: Generated<number>
  edited_individually: Generated<boolean>
  /** Minutes before the start for reminders (migrations/2026-11-25T1400_invites_reminders.ts). */
  reminder_offsets_minutes: Generated<number[]>
  /** The accepted talk placed on this meeting of a series (migrations/2026-12-05T0930_event_talks.ts). */
  proposal_id: Generated<number | null>
  /** When the "Who did you meet?" mail went to its checked-in attendees (migrations/2026-12-05T1300_connections.ts). */
  met_prompt_sent_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  created_by: number | null
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | undefined, Date>
}

export interface EventHostsTable {
  event_id: number
  member_id: number
}

export interface RsvpsTable {
  id: Generated<number>
  event_id: number
  member_id: number
  status: RsvpStatus
  listed: Generated<boolean>
  accessibility_needs: string | null
  dietary_needs: string | null
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | undefined, Date>
  waitlisted_at: Date | null
}

export interface CheckInsTable {
  id: Generated<number>
  event_id: number
  member_id: number
  checked_in_at: ColumnType<Date, Date | undefined, never>
  checked_in_by: number | null
  walk_in: Generated<boolean>
}

export type Series = Selectable<SeriesTable>
export type SeriesSchedule = Selectable<SeriesSchedulesTable>
export type Event = Selectable<EventsTable>
export type NewEvent = Insertable<EventsTable>
export type EventUpdate = Updateable<EventsTable>
export type Rsvp = Selectable<RsvpsTable>
export type CheckIn = Selectable<CheckInsTable>

// Revocable signed RSVP links (migrations/2026-11-25T1100_rsvp_links.ts)
export interface RsvpLinkVersionsTable {
  event_id: number
  member_id: number
  version: Generated<number>
  updated_at: ColumnType<Date, Date | undefined, Date>
}

// Calendar invites held and reminders sent (migrations/2026-11-25T1400_invites_reminders.ts)
export type InviteMethod = 'REQUEST' | 'CANCEL'

export interface CalendarInvitesTable {
  event_id: number
  member_id: number
  sequence: number
  method: InviteMethod
  sent_at: ColumnType<Date, Date | undefined, Date>
  /** The answer the held invite carries (null: unknown, or invited before answering). */
  rsvp_status: RsvpStatus | null
}

// Calendar changes awaiting their mail (migrations/2026-12-03T1000_calendar_changes.ts)
/** Why a member's calendar may need mail: their own answer, a promotion or invitation; or the event's change. */
export type CalendarChangeReason = 'answer' | 'promoted' | 'invited' | 'time' | 'place' | 'cancelled'

export interface CalendarChangesTable {
  id: Generated<string>
  event_id: number
  /** Null for a change of the event itself (time, place, cancelled): every member it concerns. */
  member_id: number | null
  reason: CalendarChangeReason
  queued_at: ColumnType<Date, Date | undefined, never>
}

export interface RemindersSentTable {
  event_id: number
  member_id: number
  offset_minutes: number
  /** The event's start the reminder was for (a moved event is reminded again). */
  for_starts_at: Date
  sent_at: ColumnType<Date, Date | undefined, never>
}

// The audit log (migrations/2026-12-04T1000_audit_log.ts)
export interface AuditEntriesTable {
  id: Generated<string>
  at: ColumnType<Date, Date | undefined, never>
  /** Null once the member is gone; `actor_name` still says who it was. */
  actor_id: number | null
  actor_name: string
  /** What was done (see domain/audit/audit.service.ts, AUDIT_ACTIONS). */
  action: string
  /** Null for site-wide actions (a site admin added or removed). */
  community_id: number | null
  /** Whom or what it was done to, as it read then ("Ada Analyst", "Records Day 2027"). */
  target: ColumnType<string, string | undefined, string>
  reason: string | null
}

export type AuditEntry = Selectable<AuditEntriesTable>
// Speakers: calls for proposals, templates, proposals, reviews, the agenda (migrations/2026-12-04T2000_calls_for_proposals.ts)
type Json<T> = ColumnType<T, string, string>
type UpdatedAt = ColumnType<Date, Date | undefined, Date>

/** One field of a talk template: what the speaker writes, with its guidance, an example and its length limits. */
export interface TemplateField {
  key: string
  label: string
  guidance: string
  example: string
  /** Characters, counted as the speaker sees them. */
  min: number
  max: number
  multiline: boolean
  /** This field's text becomes the session's "why this matters" line when the talk is accepted. */
  whyThisMatters?: boolean
}

export interface TalkTemplatesTable {
  id: Generated<number>
  community_id: number
  name: string
  description: Generated<string>
  fields: Json<TemplateField[]>
  archived: Generated<boolean>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

/** A talk format a call offers: "Lightning talk, 5 minutes". */
export interface CallFormat { key: string, label: string, minutes: number }
/** One criterion of a call's review rubric, scored 1–5, with its weight in the proposal's score. */
export interface RubricCriterion { key: string, label: string, weight: number }
export type Decision = 'accepted' | 'rejected' | 'backup'
/** The decision mails of a call, as the organizer edited them (placeholders in {braces}). */
export type DecisionMails = Record<Decision, { subject: string, body: string }>

export interface CallsTable {
  id: Generated<number>
  community_id: number
  event_id: number | null
  series_id: number | null
  title: string
  looking_for: Generated<string>
  opens_at: Date
  closes_at: Date
  time_zone: string
  formats: Json<CallFormat[]>
  topics: ColumnType<string[], string[] | undefined, string[]>
  template_ids: ColumnType<number[], number[], number[]>
  max_proposals_per_person: Generated<number>
  blind_review: Generated<boolean>
  same_agency_conflict: Generated<boolean>
  reviewers_per_proposal: Generated<number>
  rubric: Json<RubricCriterion[]>
  decision_mails: Json<DecisionMails>
  confirm_reminder_days: Generated<number>
  decisions_released_at: Date | null
  created_by: number | null
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface CallReviewersTable {
  call_id: number
  member_id: number
  added_by: number | null
  added_at: CreatedAt
}

export interface ProposalInvitationsTable {
  id: Generated<number>
  call_id: number
  member_id: number
  invited_by: number | null
  note: string
  created_at: CreatedAt
}

export type ProposalState = 'draft' | 'submitted' | 'withdrawn'
export type Affiliation = 'government' | 'contractor' | 'vendor' | 'academic' | 'other'

export interface ProposalsTable {
  id: Generated<number>
  call_id: number
  submitter_id: number
  template_id: number
  invitation_id: number | null
  title: string
  format: string
  topic: string | null
  answers: ColumnType<Record<string, string>, string | undefined, string>
  identifying: ColumnType<string[], string[] | undefined, string[]>
  bio: Generated<string>
  affiliation: ColumnType<Affiliation, Affiliation | undefined, Affiliation>
  affiliation_note: Generated<string>
  pledged_at: Date | null
  first_time: Generated<boolean>
  wants_coaching: Generated<boolean>
  state: ColumnType<ProposalState, ProposalState | undefined, ProposalState>
  withdrawn_reason: string | null
  decision: Decision | null
  decided_by: number | null
  decided_at: Date | null
  decision_mailed_at: Date | null
  note_to_speaker: string | null
  confirmation: 'confirmed' | 'declined' | null
  confirmed_at: Date | null
  confirm_reminded_at: Date | null
  /** Send the reviewers' notes (anonymously) with a rejected or backup decision (migrations/2026-12-05T0930_event_talks.ts). */
  send_review_notes: Generated<boolean>
  submitted_at: Date | null
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface ProposalSpeakersTable {
  id: Generated<number>
  proposal_id: number
  email: string
  member_id: number | null
  state: ColumnType<'invited' | 'accepted' | 'declined', 'invited' | 'accepted' | 'declined' | undefined, 'invited' | 'accepted' | 'declined'>
  invited_at: CreatedAt
  answered_at: Date | null
}

export interface ReviewAssignmentsTable {
  proposal_id: number
  reviewer_id: number
  assigned_at: CreatedAt
}

export interface ReviewsTable {
  id: Generated<number>
  proposal_id: number
  reviewer_id: number
  scores: Json<Record<string, number>>
  score: number
  comment: Generated<string>
  note_to_speaker: Generated<string>
  submitted_at: CreatedAt
  updated_at: UpdatedAt
}

export interface CoachingNotesTable {
  id: Generated<number>
  proposal_id: number
  author_id: number | null
  body: string
  created_at: CreatedAt
}

export interface AgendaSessionsTable {
  id: Generated<number>
  event_id: number
  proposal_id: number | null
  title: string
  why_this_matters: Generated<string>
  starts_at: Date
  ends_at: Date
  room: Generated<string>
  track: Generated<string>
  published: Generated<boolean>
  sequence: Generated<number>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface SessionPicksTable {
  session_id: number
  member_id: number
  picked_at: CreatedAt
}

// The agenda's calendar mail (migrations/2026-12-05T0900_session_calendar_changes.ts)
/** Why the calendar of a member who picked a session needs mail. */
export type SessionChangeReason = 'time' | 'place' | 'cancelled'

/** A cancelled (deleted) session as it was: enough to write its CANCEL. */
export interface SessionSnapshot {
  title: string
  why_this_matters: string
  /** ISO 8601. */
  starts_at: string
  ends_at: string
  room: string
  sequence: number
}

export interface SessionCalendarChangesTable {
  id: Generated<string>
  /** No foreign key: a cancellation outlives its session row. */
  session_id: number
  event_id: number
  member_id: number
  reason: SessionChangeReason
  /** Only for `cancelled`. */
  snapshot: ColumnType<SessionSnapshot | null, string | null | undefined, never>
  queued_at: ColumnType<Date, Date | undefined, never>
}

export type TalkTemplate = Selectable<TalkTemplatesTable>
export type Call = Selectable<CallsTable>
export type Proposal = Selectable<ProposalsTable>
export type Review = Selectable<ReviewsTable>
export type AgendaSession = Selectable<AgendaSessionsTable>
