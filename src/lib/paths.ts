/*
 * The app's paths, in one place: routes, views and mail build their links here instead of writing `/c/…` by
 * hand, so a URL changes in one file. Each function returns a path (no host); `absoluteUrl` puts the public URL
 * in front for mail and calendars. Segments and query values are encoded, so a slug or token with odd
 * characters cannot break out of its place in the URL.
 */

type Id = number | string

const seg = (s: Id): string => encodeURIComponent(String(s))

/** `?a=1&b=2` from the entries whose value is not undefined; '' when none is left. */
function query (params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

/** A local path to come back to after signing in; the home page ('/') is the default and is left out. */
const nextParam = (next?: string) => (next && next !== '/' ? next : undefined)

const community = (slug: string) => `/c/${seg(slug)}`
const orga = (slug: string) => `${community(slug)}/orga`

export const paths = {
  /** The home page: the communities. */
  home: () => '/',
  /** First-run setup (the first admin). */
  setup: () => '/setup',
  /** Site administration. */
  admin: () => '/admin',
  /** The site admins list (add one). */
  adminAdmins: () => '/admin/admins',
  /** Removes a site admin (POST). */
  adminRemoveAdmin: (memberId: Id) => `/admin/admins/${seg(memberId)}/remove`,
  /** Creates a community. */
  adminNewCommunity: () => '/admin/communities/new',
  /** Looking a member up across communities. */
  adminMembers: (q?: string) => `/admin/members${query({ q: q || undefined })}`,
  /** One member for a site admin: their communities; deactivate or reactivate the account. */
  adminMember: (memberId: Id) => `/admin/members/${seg(memberId)}`,
  /** Deactivates or reactivates an account (POST). */
  adminMemberAction: (memberId: Id, action: 'deactivate' | 'reactivate') => `/admin/members/${seg(memberId)}/${action}`,
  /** Archives a community (POST). */
  adminArchiveCommunity: (communityId: Id) => `/admin/communities/${seg(communityId)}/archive`,
  adminRestoreCommunity: (communityId: Id) => `/admin/communities/${seg(communityId)}/restore`,
  /** The site's audit log, at a page. */
  adminAudit: (page?: number) => `/admin/audit${query({ page: page && page > 1 ? page : undefined })}`,

  /** The sign-in form; `next` is the local path to return to. */
  signIn: (next?: string) => `/sign-in${query({ next: nextParam(next) })}`,
  /** Signing out (POST). */
  signOut: () => '/sign-out',
  /** A mailed sign-in link's page (GET shows a button; POST signs in). Without a token: the form's action. */
  signInToken: (token?: string, next?: string) => `/auth/sign-in${query({ token, next: nextParam(next) })}`,

  /** The signed-in member's profile. */
  profile: () => '/profile',
  /** The profile's calendar feed section (anchor). */
  profileFeeds: () => '/profile#calendar-feed',
  /** Makes new calendar feed links (POST). */
  profileCalendarFeed: () => '/profile/calendar-feed',
  /** The profile's email section (anchor). */
  profileEmail: () => '/profile#email',
  /** The profile's "suggest people I haven't met yet" checkbox (anchor). */
  profileSuggestions: () => '/profile#suggestions',
  /** Saves the member's email choices (POST). */
  profileEmailPreferences: () => '/profile/email',
  /** Deleting one's account (GET: what happens, and the confirmation; POST: delete). */
  deleteAccount: () => '/profile/delete',
  /** The signed-in member's events: upcoming and past, with their answers. */
  myEvents: () => '/profile/events',
  /** Removing the connection with a member (GET: confirm; POST: remove). */
  removeConnection: (memberId: Id) => `/members/${seg(memberId)}/connection/remove`,
  /** Confirming that the member met someone who says so, or that they did not (POST, from the profile). */
  confirmMet: (memberId: Id, answer: 'confirm' | 'decline') => `/profile/met/${seg(memberId)}/${answer}`,
  /** The profile's "People who say they met you" section (anchor). */
  profileMet: () => '/profile#met',
  /** A member's public profile. */
  member: (memberId: Id) => `/members/${seg(memberId)}`,
  /** The directory of every community the signed-in member belongs to (search, filters, page). */
  directory: (q: Record<string, string | number | undefined> = {}) => `/members${query(q)}`,
  /** The signed-in member's own data, as a JSON download. */
  profileData: () => '/profile/data.json',

  /** Who met whom (issue 13): a member's personal QR code leads here (GET: "I met …" confirm page; POST records it). */
  met: (code: string) => `/met/${seg(code)}`,
  /** The profile's QR code section (anchor). */
  profileMetCodeSection: () => '/profile#met-code',
  /** Replaces the member's QR code (POST). */
  profileMetCode: () => '/profile/met-code',
  /** Introducing a member to someone: the form, with the search for the other member (`q`). */
  introduce: (memberId: Id, q?: string) => `/members/${seg(memberId)}/introduce${query({ q: q || undefined })}`,
  /** The signed-in member's introductions: to them (accept, decline) and made by them. */
  introductions: () => '/profile/introductions',
  /** Accepts or declines an introduction (POST). */
  introductionAnswer: (introductionId: Id, action: 'accept' | 'decline') => `/profile/introductions/${seg(introductionId)}/${action}`,

  /** A community's landing page. */
  community: (slug: string) => community(slug),
  /** Its upcoming events (`past` for the past ones), optionally with filters and a page cursor. */
  events: (slug: string, q: Record<string, string | number | undefined> = {}) => `${community(slug)}/events${query(q)}`,
  /** One event's page. */
  eventPage: (slug: string, eventId: Id) => `${community(slug)}/events/${seg(eventId)}`,
  /** An RSVP on the event page (POST). */
  eventRsvp: (slug: string, eventId: Id) => `${community(slug)}/events/${seg(eventId)}/rsvp`,
  /** Revokes the member's RSVP links for the event (POST). */
  eventRevokeRsvpLinks: (slug: string, eventId: Id) => `${community(slug)}/events/${seg(eventId)}/rsvp-links/revoke`,
  /** "Who did you meet?" at an in-person event (GET: the other attendees checked in, searchable; POST: "I met them"). */
  eventMet: (slug: string, eventId: Id, q: { q?: string, page?: number } = {}) =>
    `${community(slug)}/events/${seg(eventId)}/met${query({ q: q.q || undefined, page: q.page && q.page > 1 ? q.page : undefined })}`,
  /** The event as a calendar file. */
  eventIcs: (slug: string, eventId: Id) => `${community(slug)}/events/${seg(eventId)}/event.ics`,
  /** "Add to calendar" in a web calendar: google, outlook (work or school) or outlook-com. */
  eventAddTo: (slug: string, eventId: Id, calendar: 'google' | 'outlook' | 'outlook-com') =>
    `${community(slug)}/events/${seg(eventId)}/add/${calendar}`,
  /** An event's agenda (published sessions by day), optionally filtered by track and room. */
  agenda: (slug: string, eventId: Id, q: { track?: string, room?: string } = {}) =>
    `${community(slug)}/events/${seg(eventId)}/agenda${query({ track: q.track || undefined, room: q.room || undefined })}`,
  /** One session of the agenda: pick or unpick it (POST), or its calendar file (session.ics). */
  agendaSession: (slug: string, eventId: Id, sessionId: Id, action: 'pick' | 'unpick' | 'session.ics') =>
    `${community(slug)}/events/${seg(eventId)}/agenda/${seg(sessionId)}/${action}`,
  /** The sessions the signed-in member picked, as one calendar file. */
  agendaMineIcs: (slug: string, eventId: Id) => `${community(slug)}/events/${seg(eventId)}/agenda/mine.ics`,
  /** Asking to join a community. */
  join: (slug: string) => `${community(slug)}/join`,
  /** Accepting a community's norms (the last step of joining). */
  joinNorms: (slug: string) => `${community(slug)}/join/norms`,
  /** Leaving a community (GET: what happens, and the confirm button; POST: leave). */
  leave: (slug: string) => `${community(slug)}/leave`,
  /** The member directory, at a page. */
  members: (slug: string, q: Record<string, string | number | undefined> = {}) => `${community(slug)}/members${query(q)}`,

  /** An organizer's new event form. */
  orgaNewEvent: (slug: string) => `${orga(slug)}/events/new`,
  /** An organizer's action on an event: its edit form, attendees, invite, check-in, publish, cancel, copy, delete (a draft), message. */
  orgaEvent: (slug: string, eventId: Id, action: 'edit' | 'attendees' | 'attendees.csv' | 'invite' | 'check-in' | 'publish' | 'cancel' | 'copy' | 'delete' | 'message') =>
    `${orga(slug)}/events/${seg(eventId)}/${action}`,
  /** The event's edit form. */
  orgaEventEdit: (slug: string, eventId: Id) => `${orga(slug)}/events/${seg(eventId)}/edit`,
  /** An event's agenda for organizers: its sessions, the accepted talks to place, the form to add one (`place`: a talk to start from). */
  orgaAgenda: (slug: string, eventId: Id, place?: Id) => `${orga(slug)}/events/${seg(eventId)}/agenda${query({ place })}`,
  /** Publishes every session of an event's agenda (POST). */
  orgaAgendaPublish: (slug: string, eventId: Id) => `${orga(slug)}/events/${seg(eventId)}/agenda/publish`,
  /** One agenda session's edit form (GET, POST), or an action on it (POST): delete, publish, unpublish. */
  orgaSession: (slug: string, eventId: Id, sessionId: Id, action?: 'delete' | 'publish' | 'unpublish') =>
    `${orga(slug)}/events/${seg(eventId)}/agenda/${seg(sessionId)}${action ? `/${action}` : ''}`,
  /** The community's series, for organizers. */
  orgaSeriesList: (slug: string) => `${orga(slug)}/series`,
  /** An organizer's new series form. */
  orgaNewSeries: (slug: string) => `${orga(slug)}/series/new`,
  /** A series' organizer page. */
  orgaSeries: (slug: string, seriesId: Id) => `${orga(slug)}/series/${seg(seriesId)}`,
  /** An organizer's action on a series: edit, schedule, speakers, move-occurrence, cancel-occurrence. */
  orgaSeriesAction: (slug: string, seriesId: Id, action: 'edit' | 'schedule' | 'speakers' | 'move-occurrence' | 'cancel-occurrence') =>
    `${orga(slug)}/series/${seg(seriesId)}/${action}`,
  /** An organizer section of a community: settings, organizers, requests, invitations. */
  orgaSection: (slug: string, section: string) => `${orga(slug)}/${seg(section)}`,
  /** Join requests waiting for an organizer. */
  orgaRequests: (slug: string) => `${orga(slug)}/requests`,
  /** Approves or declines a join request (POST). */
  orgaRequest: (slug: string, requestId: Id, action: 'approve' | 'decline') => `${orga(slug)}/requests/${seg(requestId)}/${action}`,
  /** The organizers' terms. */
  orgaOrganizers: (slug: string) => `${orga(slug)}/organizers`,
  /** Ends (or withdraws) an organizer term (POST). */
  orgaEndTerm: (slug: string, termId: Id) => `${orga(slug)}/organizers/${seg(termId)}/end`,
  /** Inviting people by address. */
  orgaInvitations: (slug: string) => `${orga(slug)}/invitations`,
  /** Revokes or resends an invitation to join (POST). */
  orgaInvitation: (slug: string, invitationId: Id, action: 'revoke' | 'resend') => `${orga(slug)}/invitations/${seg(invitationId)}/${action}`,
  /** The community's settings. */
  orgaSettings: (slug: string) => `${orga(slug)}/settings`,
  /** The community's members for its organizers (search, page). */
  orgaMembers: (slug: string, q: Record<string, string | number | undefined> = {}) => `${orga(slug)}/members${query(q)}`,
  /** The member list as a CSV file. */
  orgaMembersCsv: (slug: string) => `${orga(slug)}/members.csv`,
  /** One member's page for organizers: suspend, lift a suspension, remove. */
  orgaMember: (slug: string, memberId: Id) => `${orga(slug)}/members/${seg(memberId)}`,
  /** Suspends, reinstates or removes a member (POST). */
  orgaMemberAction: (slug: string, memberId: Id, action: 'suspend' | 'reinstate' | 'remove') => `${orga(slug)}/members/${seg(memberId)}/${action}`,
  /** The community's audit log, at a page. */
  orgaAudit: (slug: string, page?: number) => `${orga(slug)}/audit${query({ page: page && page > 1 ? page : undefined })}`,

  /** The organizers' calls for proposals. */
  orgaCalls: (slug: string) => `${orga(slug)}/calls`,
  /** A new call, on `event-12` or `series-3` when given. */
  orgaNewCall: (slug: string, target?: string) => `${orga(slug)}/calls/new${query({ on: target })}`,
  /** A call's organizer page (its proposals). */
  orgaCall: (slug: string, callId: Id) => `${orga(slug)}/calls/${seg(callId)}`,
  /** A call's edit form. */
  orgaCallEdit: (slug: string, callId: Id) => `${orga(slug)}/calls/${seg(callId)}/edit`,
  /** The community's talk templates. */
  orgaTemplates: (slug: string) => `${orga(slug)}/calls/templates`,
  /** One talk template's edit form. */
  orgaTemplate: (slug: string, templateId: Id) => `${orga(slug)}/calls/templates/${seg(templateId)}`,

  /** A call's decisions: each proposal's decision (GET, POST one), the mails, the release (confirm page, POST). */
  orgaDecisions: (slug: string, callId: Id) => `${orga(slug)}/calls/${seg(callId)}/decisions`,
  orgaDecide: (slug: string, callId: Id, proposalId: Id) => `${orga(slug)}/calls/${seg(callId)}/decisions/${seg(proposalId)}`,
  orgaDecisionMails: (slug: string, callId: Id) => `${orga(slug)}/calls/${seg(callId)}/decisions/mails`,
  orgaReleaseDecisions: (slug: string, callId: Id) => `${orga(slug)}/calls/${seg(callId)}/decisions/release`,
  /** A series call's accepted talks placed on the series' meetings (GET the table, POST one talk's meeting). */
  orgaPlacement: (slug: string, callId: Id) => `${orga(slug)}/calls/${seg(callId)}/placement`,

  /** A call for proposals as members see it. */
  call: (slug: string, callId: Id) => `${community(slug)}/calls/${seg(callId)}`,
  /** The signed-in member's proposals in a community. */
  myProposals: (slug: string) => `${community(slug)}/calls/mine`,
  /** Writing a proposal to a call, in a template when chosen. */
  propose: (slug: string, callId: Id, templateId?: Id) => `${community(slug)}/calls/${seg(callId)}/propose${query({ template: templateId })}`,
  /** A proposal's page (its speaker and the organizers). */
  proposal: (slug: string, callId: Id, proposalId: Id) => `${community(slug)}/calls/${seg(callId)}/proposals/${seg(proposalId)}`,
  /** A proposal's edit form, or its withdrawal (POST). */
  proposalAction: (slug: string, callId: Id, proposalId: Id, action: 'edit' | 'withdraw') =>
    `${community(slug)}/calls/${seg(callId)}/proposals/${seg(proposalId)}/${action}`,
  /** A proposal's co-speakers: the submitter invites and withdraws (POST …/co-speakers, …/co-speakers/:sid/withdraw). */
  coSpeakers: (slug: string, callId: Id, proposalId: Id) => `${community(slug)}/calls/${seg(callId)}/proposals/${seg(proposalId)}/co-speakers`,
  coSpeakerWithdraw: (slug: string, callId: Id, proposalId: Id, id: Id) =>
    `${community(slug)}/calls/${seg(callId)}/proposals/${seg(proposalId)}/co-speakers/${seg(id)}/withdraw`,
  /** The mailed link of a co-speaker invitation: a page with accept / decline buttons (POST). */
  coSpeakerAnswer: (slug: string, callId: Id, proposalId: Id) => `${community(slug)}/calls/${seg(callId)}/proposals/${seg(proposalId)}/co-speaker`,
  /** The mailed link of an organizer's invitation to propose: a page whose button starts the draft (POST). */
  invitedToPropose: (slug: string, callId: Id, invitationId: Id) => `${community(slug)}/calls/${seg(callId)}/invited/${seg(invitationId)}`,
  /** Organizers: invite members to propose on a call ("story mining"). */
  orgaCallInvitations: (slug: string, callId: Id) => `${orga(slug)}/calls/${seg(callId)}/invitations`,
  /** Organizers: a call's proposals whose speaker asked for coaching. */
  orgaCallCoaching: (slug: string, callId: Id) => `${orga(slug)}/calls/${seg(callId)}/coaching`,
  /** Organizers: add a coaching note to a proposal (the form's page and its POST). */
  orgaCoachingNote: (slug: string, callId: Id, proposalId: Id) => `${orga(slug)}/calls/${seg(callId)}/proposals/${seg(proposalId)}/coaching`,
  /** A call's review pages (its organizers and reviewers): the list, "review next", a proposal's review form, the export. */
  review: (slug: string, callId: Id, q: Record<string, string | number | undefined> = {}) => `${community(slug)}/calls/${seg(callId)}/review${query(q)}`,
  reviewNext: (slug: string, callId: Id) => `${community(slug)}/calls/${seg(callId)}/review/next`,
  reviewProposal: (slug: string, callId: Id, proposalId: Id) => `${community(slug)}/calls/${seg(callId)}/review/${seg(proposalId)}`,
  reviewCsv: (slug: string, callId: Id) => `${community(slug)}/calls/${seg(callId)}/review.csv`,
  /** A call's review dashboard for organizers (sort and filters in the query), its forms and its export. */
  orgaReviews: (slug: string, callId: Id, q: Record<string, string | undefined> = {}) => `${orga(slug)}/calls/${seg(callId)}/reviews${query(q)}`,
  orgaReviewAction: (slug: string, callId: Id, action: 'reviewers' | 'settings' | 'assign') => `${orga(slug)}/calls/${seg(callId)}/reviews/${action}`,
  orgaReviewerRemove: (slug: string, callId: Id, memberId: Id) => `${orga(slug)}/calls/${seg(callId)}/reviews/reviewers/${seg(memberId)}/remove`,
  orgaReviewsCsv: (slug: string, callId: Id) => `${orga(slug)}/calls/${seg(callId)}/reviews.csv`,

  /** A mailed link that verifies an address (or admits an approved request). Without a token: the form's action. */
  joinVerify: (token?: string) => `/join/verify${query({ token })}`,
  /** A mailed link that confirms a member's new email address. Without a token: the form's action. */
  emailChangeConfirm: (token?: string) => `/email-change/confirm${query({ token })}`,
  /** Asks for a new email address (POST, from the profile). */
  profileEmailAddress: () => '/profile/email-address',
  /** The profile's account section (anchor). */
  profileAccount: () => '/profile#account',
  /** A mailed invitation's page. Without a token: the form's action. */
  invitationAccept: (token?: string) => `/invitations/accept${query({ token })}`,
  /** A signed "Going" / "Can't go" link. */
  /** An accepted speaker's mailed link: confirm or decline the talk (GET shows the buttons, POST answers). */
  confirmTalk: (token: string) => `/talk-confirm/${seg(token)}`,
  confirmTalkAnswer: () => '/talk-confirm',
  rsvpLink: (token: string) => `/rsvp/${seg(token)}`,
  /** Where an RSVP link's confirmation is posted. */
  rsvpAnswer: () => '/rsvp',
  /** The page after an answer through a link. */
  rsvpDone: () => '/rsvp/done',

  /** A member's calendar feed: all events they answered (`mine`), every event of their communities, or one. */
  feedMine: (token: string) => `/feeds/${seg(token)}.ics`,
  feedAll: (token: string) => `/feeds/${seg(token)}/all.ics`,
  feedCommunity: (token: string, slug: string) => `/feeds/${seg(token)}/c/${seg(slug)}.ics`,

  /** The dev mailbox (no SMTP): a page of messages. */
  devMailbox: (page?: number) => `/dev/mailbox${query({ page: page && page > 1 ? page : undefined })}`,
  /** One message in the dev mailbox. */
  devMessage: (id: Id) => `/dev/mailbox/${seg(id)}`,
  /** A message's calendar part. */
  devMessageIcs: (id: Id) => `/dev/mailbox/${seg(id)}/invite.ics`
}

/** A full URL for mail and calendars: PUBLIC_URL (with or without a trailing slash) and a path from `paths`. */
export function absoluteUrl (publicUrl: string, path: string): string {
  return publicUrl.replace(/\/+$/, '') + path
}
