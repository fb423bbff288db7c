import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { answerFromLink, choiceOf, inspectRsvpLink, linkEventProblem, type InspectedRsvpLink, type RsvpLinkProblem } from '../../domain/rsvps/rsvp-links.js'
import { dateTime } from '../../lib/format.js'
import { Type, type Static } from 'typebox'
import { form, NoQuery, queryText, text } from '../../lib/schema.js'
import { tokenPageHeaders } from '../../lib/http.js'
import { paths } from '../../lib/paths.js'

const PROBLEMS: Record<RsvpLinkProblem, string> = {
  invalid: 'This RSVP link is not valid. It may have been copied incompletely or changed.',
  revoked: 'This RSVP link was replaced by a newer one, so it no longer works.',
  expired: 'This event has ended, so its RSVP links no longer work.',
  'not-member': 'This RSVP link is for a member of the community, and that membership has ended.',
  archived: 'This community is archived, so its events take no more answers.'
}

const DONE: Record<string, { title: string, message: string }> = {
  going: { title: 'You’re going', message: 'Your RSVP is recorded: you are going. The organizers will see you on the attendee list.' },
  waitlisted: { title: 'You’re on the waitlist', message: 'The event is full, so you are on the waitlist. If a place opens up, it goes to the next person on the list and we email you.' },
  declined: { title: 'You can’t go', message: 'Your answer is recorded: you can’t go. Thank you for letting the organizers know.' }
}

/** An RSVP link's token: in the URL, no longer than Fastify lets a URL part be (longer is a 414 page). */
const TokenParams = Type.Object({ token: Type.String({ title: 'the RSVP link', maxLength: 100 }) })
const LinkForm = form({ token: text('the RSVP link', 200) })
/** The done page reads nothing from its address; these were in it before and are ignored (old bookmarks). */
const DoneQuery = Type.Object({ event: queryText('the event', 12), status: queryText('the answer', 20) }, { additionalProperties: false })
/** What the done page shows, set by the POST that recorded the answer: `<status>:<event id>:<slug>`, signed. */
const DONE_COOKIE = 'convene_rsvp_done'
const DONE_SECONDS = 10 * 60
/** What anyone gets at /rsvp/done without a fresh answer of their own: nothing about any event. */
const NEUTRAL = {
  title: 'Answering by email',
  message: 'The “Going” and “Can’t go” links in Convene’s mail record your answer and bring you here to confirm it. ' +
    'To see or change an answer, sign in and open the event page.'
}

/**
 * Signed RSVP links from invites and reminders ("Going" / "Can't go"): they work without signing in and never
 * sign anyone in. The GET shows one button; only the POST records the answer, through `answerInTransaction()`.
 */
export default async function rsvpLinkRoutes (app: FastifyInstance) {
  app.get('/rsvp/done', { schema: { querystring: DoneQuery } }, showDone)
  app.get('/rsvp/:token', { schema: { params: TokenParams, querystring: NoQuery } }, showRsvpLink)
  app.post('/rsvp', { schema: { querystring: NoQuery, body: LinkForm } }, rsvpWithLink)

  function linkProblem (reply: FastifyReply, message: string, link: InspectedRsvpLink, status: number) {
    const path = link.event && link.communitySlug ? paths.eventPage(link.communitySlug, link.event.id) : null
    return reply.page('rsvp/problem', {
      title: status === 400 ? 'This RSVP link doesn’t work' : 'This event isn’t taking this answer',
      message,
      retryHref: path ? `/sign-in?next=${encodeURIComponent(path)}` : '/sign-in',
      retryLabel: path ? 'Sign in and open the event page' : 'Sign in to Convene'
    }, status)
  }

  async function showDone (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    // Only what this browser's own answer left (a cookie we signed): an event id in the address would let
    // anyone map ids (drafts of other communities included) to their community.
    const raw = request.cookies[DONE_COOKIE]
    const unsigned = raw ? request.unsignCookie(raw) : null
    const m = unsigned?.valid ? /^(going|waitlisted|declined):(\d{1,9}):([a-z0-9][a-z0-9-]*)$/.exec(unsigned.value ?? '') : null
    if (!m) return reply.page('rsvp/done', { ...NEUTRAL, eventHref: null, signInHref: paths.signIn() })
    return reply.page('rsvp/done', { ...DONE[m[1]], eventHref: paths.eventPage(m[3], Number(m[2])) })
  }

  async function showRsvpLink (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const { token } = request.params as Static<typeof TokenParams>
    const link = await inspectRsvpLink(app.db, app.secret, token)
    if (link.problem) return linkProblem(reply, PROBLEMS[link.problem], link, 400)
    const eventProblem = linkEventProblem(link)
    if (eventProblem) return linkProblem(reply, eventProblem, link, 409)
    const e = link.event!
    return reply.page('rsvp/confirm', {
      title: choiceOf(link.claims!.purpose) === 'going' ? `Going to ${e.title}?` : `Can’t go to ${e.title}?`,
      token,
      choice: choiceOf(link.claims!.purpose),
      event: e,
      when: dateTime(e.starts_at, e.time_zone),
      memberName: link.member!.full_name
    })
  }

  async function rsvpWithLink (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const { token = '' } = request.body as Static<typeof LinkForm>
    const result = await app.db.transaction().execute((trx) => answerFromLink(trx, app.secret, token))
    if (result.kind === 'link-problem') return linkProblem(reply, PROBLEMS[result.link.problem ?? 'invalid'], result.link, 400)
    if (!result.outcome.ok) return linkProblem(reply, result.outcome.message, result.link, 409)
    const e = result.link.event!
    const status = result.outcome.status
    const flash = status === 'declined' ? `Recorded: you can’t go to ${e.title}.`
      : status === 'waitlisted' ? `${e.title} is full: you are on the waitlist.` : `Recorded: you’re going to ${e.title}.`
    reply.setCookie(DONE_COOKIE, `${status}:${e.id}:${result.link.communitySlug ?? ''}`,
      { path: paths.rsvpDone(), signed: true, httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: DONE_SECONDS })
    return reply.flash(flash).redirect(paths.rsvpDone(), 303)
  }
}
