import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { etagMatches, memberFeed, type FeedRequest } from '../../domain/calendar/feeds.js'
import { Type, type Static } from 'typebox'
import { notFound } from '../../lib/errors.js'
import { NoQuery } from '../../lib/schema.js'

const CALENDAR_TYPE = 'text/calendar; charset=utf-8'
const SLUG_FILE_RE = /^([a-z0-9-]{1,100})\.ics$/

// URL parts as long as Fastify lets them be: which feed each names is read by the handlers (404 otherwise).
const part = (title: string) => Type.String({ title, maxLength: 100 })
const FileParams = Type.Object({ file: part('the calendar feed') })
const TokenParams = Type.Object({ token: part('the calendar feed') })
const CommunityParams = Type.Object({ token: part('the calendar feed'), file: part('the community') })

/** A member's calendar feeds at secret URLs (no session: calendar apps poll them). */
export default async function feedRoutes (app: FastifyInstance) {
  // Calendar apps add their own query parameters (cache busters): NoQuery drops them.
  app.get('/feeds/:file', { schema: { params: FileParams, querystring: NoQuery } }, myEventsFeed)
  app.get('/feeds/:token/all.ics', { schema: { params: TokenParams, querystring: NoQuery } }, allEventsFeed)
  app.get('/feeds/:token/c/:file', { schema: { params: CommunityParams, querystring: NoQuery } }, communityFeed)

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
    const m = /^(.+)\.ics$/.exec((request.params as Static<typeof FileParams>).file)
    if (!m) throw notFound('calendar feed')
    return serveFeed(request, reply, m[1], { kind: 'mine' })
  }

  async function allEventsFeed (request: FastifyRequest, reply: FastifyReply) {
    return serveFeed(request, reply, (request.params as Static<typeof TokenParams>).token, { kind: 'all' })
  }

  async function communityFeed (request: FastifyRequest, reply: FastifyReply) {
    const params = request.params as Static<typeof CommunityParams>
    const m = SLUG_FILE_RE.exec(params.file)
    if (!m) throw notFound('calendar feed')
    return serveFeed(request, reply, params.token, { kind: 'community', slug: m[1] })
  }
}
