import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { etagMatches, memberFeed, type FeedRequest } from '../../domain/calendar/feeds.js'
import { notFound } from '../../lib/errors.js'

const CALENDAR_TYPE = 'text/calendar; charset=utf-8'
const SLUG_FILE_RE = /^([a-z0-9-]{1,100})\.ics$/

/** A member's calendar feeds at secret URLs (no session: calendar apps poll them). */
export default async function feedRoutes (app: FastifyInstance) {
  app.get('/feeds/:file', myEventsFeed)
  app.get('/feeds/:token/all.ics', allEventsFeed)
  app.get('/feeds/:token/c/:file', communityFeed)

  async function serveFeed (request: FastifyRequest, reply: FastifyReply, token: string, feed: FeedRequest) {
    const rendered = await memberFeed(app.db, app.site, { token, request: feed })
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

  async function myEventsFeed (request: FastifyRequest, reply: FastifyReply) {
    const m = /^(.+)\.ics$/.exec((request.params as { file: string }).file)
    if (!m) throw notFound('calendar feed')
    return serveFeed(request, reply, m[1], { kind: 'mine' })
  }

  async function allEventsFeed (request: FastifyRequest, reply: FastifyReply) {
    return serveFeed(request, reply, (request.params as { token: string }).token, { kind: 'all' })
  }

  async function communityFeed (request: FastifyRequest, reply: FastifyReply) {
    const params = request.params as { token: string, file: string }
    const m = SLUG_FILE_RE.exec(params.file)
    if (!m) throw notFound('calendar feed')
    return serveFeed(request, reply, params.token, { kind: 'community', slug: m[1] })
  }
}
