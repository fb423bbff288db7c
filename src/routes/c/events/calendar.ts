import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Event } from '../../../db/database.js'
import { buildCalendar, toCalendarEntry } from '../../../domain/calendar/ics.js'
import { googleCalendarUrl, outlookCalendarUrl } from '../../../domain/calendar/web-links.js'
import { NoQuery, SlugIdParams } from '../../../lib/schema.js'

const CALENDAR_TYPE = 'text/calendar; charset=utf-8'

/** One event's calendar file and "add to" links for web calendars (members of the community, as the event page). */
export default async function eventCalendarRoutes (app: FastifyInstance) {
  const page = { schema: { params: SlugIdParams, querystring: NoQuery } }
  app.get('/c/:slug/events/:id/event.ics', page, eventFile)
  app.get('/c/:slug/events/:id/add/google', page, addToGoogle)
  app.get('/c/:slug/events/:id/add/outlook', page, addToOutlook)
  app.get('/c/:slug/events/:id/add/outlook-com', page, addToOutlookCom)

  function entryFor (request: FastifyRequest, event: Event) {
    return toCalendarEntry(event, request.community, { site: app.site })
  }

  async function eventFile (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const body = buildCalendar({ method: 'PUBLISH', entries: [entryFor(request, event)] })
    return reply.header('Content-Type', CALENDAR_TYPE)
      .header('Content-Disposition', `attachment; filename="event-${event.id}.ics"`)
      .header('Cache-Control', 'private, no-cache')
      .send(body)
  }

  async function addToGoogle (request: FastifyRequest, reply: FastifyReply) {
    return reply.redirect(googleCalendarUrl(entryFor(request, await app.loadEvent(request))), 302)
  }

  async function addToOutlook (request: FastifyRequest, reply: FastifyReply) {
    return reply.redirect(outlookCalendarUrl(entryFor(request, await app.loadEvent(request)), 'office'), 302)
  }

  async function addToOutlookCom (request: FastifyRequest, reply: FastifyReply) {
    return reply.redirect(outlookCalendarUrl(entryFor(request, await app.loadEvent(request)), 'live'), 302)
  }
}
