import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Event } from '../../db/database.js'
import { etagMatches, memberFeed, regenerateFeed, type FeedRequest } from '../../domain/calendar/feeds.js'
import { buildCalendar, toCalendarEntry } from '../../domain/calendar/ics.js'
import { googleCalendarUrl, outlookCalendarUrl } from '../../domain/calendar/web-links.js'
import { findVisibleEvent } from '../../domain/events/events.repository.js'
import { notFound } from '../../lib/errors.js'
import { idParam } from '../../lib/http.js'

const CALENDAR_TYPE = 'text/calendar; charset=utf-8'
const SLUG_FILE_RE = /^([a-z0-9-]{1,100})\.ics$/

/**
 * Calendar files: one event's .ics and "add to" links for web calendars (members of the community), and the
 * feeds at secret URLs (no session: calendar apps poll them).
 */
export default async function calendarRoutes (app: FastifyInstance) {
  const member = { preHandler: app.requireCommunityMember }

  /** The event of this community, or 404; drafts exist only for organizers (as on the event page). */
  async function loadEvent (request: FastifyRequest): Promise<Event> {
    const event = await findVisibleEvent(app.db, request.community.id, idParam(request, 'event'), request.standing.isOrganizer || request.standing.isAdmin)
    if (!event) throw notFound('event')
    return event
  }

  const entryFor = (request: FastifyRequest, event: Event) =>
    toCalendarEntry(event, request.community, { publicUrl: app.config.PUBLIC_URL, mailFrom: app.config.MAIL_FROM })

  app.get('/c/:slug/events/:id/event.ics', member, async (request, reply) => {
    const event = await loadEvent(request)
    const body = buildCalendar({ method: 'PUBLISH', entries: [entryFor(request, event)] })
    return reply.header('Content-Type', CALENDAR_TYPE)
      .header('Content-Disposition', `attachment; filename="event-${event.id}.ics"`)
      .header('Cache-Control', 'private, no-cache')
      .send(body)
  })

  app.get('/c/:slug/events/:id/add/google', member, async (request, reply) => {
    return reply.redirect(googleCalendarUrl(entryFor(request, await loadEvent(request))), 302)
  })

  app.get('/c/:slug/events/:id/add/outlook', member, async (request, reply) => {
    return reply.redirect(outlookCalendarUrl(entryFor(request, await loadEvent(request)), 'office'), 302)
  })

  app.get('/c/:slug/events/:id/add/outlook-com', member, async (request, reply) => {
    return reply.redirect(outlookCalendarUrl(entryFor(request, await loadEvent(request)), 'live'), 302)
  })

  // ---- Feeds

  async function serveFeed (request: FastifyRequest, reply: FastifyReply, token: string, feed: FeedRequest) {
    const rendered = await memberFeed(app.db, {
      secret: app.secret, publicUrl: app.config.PUBLIC_URL, mailFrom: app.config.MAIL_FROM, token, request: feed
    })
    if (!rendered) throw notFound('calendar feed')
    reply.header('ETag', rendered.etag)
      .header('Cache-Control', 'private, no-cache')
      .header('X-Robots-Tag', 'noindex')
      .header('Referrer-Policy', 'no-referrer')
    if (etagMatches(request.headers['if-none-match'], rendered.etag)) return reply.code(304).send()
    return reply.header('Content-Type', CALENDAR_TYPE)
      .header('Content-Disposition', 'inline; filename="convene.ics"')
      .send(rendered.body)
  }

  app.get('/feeds/:file', async (request, reply) => {
    const m = /^(.+)\.ics$/.exec((request.params as { file: string }).file)
    if (!m) throw notFound('calendar feed')
    return serveFeed(request, reply, m[1], { kind: 'mine' })
  })

  app.get('/feeds/:token/all.ics', async (request, reply) => {
    return serveFeed(request, reply, (request.params as { token: string }).token, { kind: 'all' })
  })

  app.get('/feeds/:token/c/:file', async (request, reply) => {
    const params = request.params as { token: string, file: string }
    const m = SLUG_FILE_RE.exec(params.file)
    if (!m) throw notFound('calendar feed')
    return serveFeed(request, reply, params.token, { kind: 'community', slug: m[1] })
  })

  app.post('/profile/calendar-feed', { preHandler: app.requireMember }, async (request, reply) => {
    await regenerateFeed(app.db, request.member!.id)
    return reply.flash('Your calendar feeds have new addresses. The old ones no longer work: subscribe again with the new ones below.')
      .redirect('/profile#calendar-feed', 303)
  })
}
