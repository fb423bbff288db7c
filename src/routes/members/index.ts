import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { directoryPage, memberPageFor } from '../../domain/members/members.service.js'
import { FIELD_LABELS, SEEN_BY } from '../../domain/members/visibility.js'
import { US_STATES_AND_TERRITORIES } from '../../domain/members/regions.js'
import { directorySuggestions } from '../../domain/connections/suggestions.service.js'
import { DirectoryQuery, directoryQueryString, readDirectoryQuery } from '../../forms/directory-query.js'
import { notFound } from '../../lib/errors.js'
import { idParam } from '../../lib/http.js'
import { paths } from '../../lib/paths.js'
import { IdParams, NoQuery, pageRoute } from '../../lib/schema.js'
// Issue 13: introducing a member to someone.
import introduceRoutes from './introductions.js'
import connectionRoutes from './connection.js'

/** The site-wide directory (signed-in members), and member pages for members who share a community with the member shown. */
export default async function memberRoutes (app: FastifyInstance) {
  // Everyone in every community the viewer belongs to, never anyone else.
  app.get('/members', { ...pageRoute(NoQuery, DirectoryQuery), preHandler: app.requireMember }, showDirectory)
  // To anyone who does not share a community with the member, the page does not exist (404, not 403).
  app.get('/members/:id', { schema: { params: IdParams, querystring: NoQuery } }, showMember)
  await app.register(introduceRoutes)
  await app.register(connectionRoutes)

  async function showDirectory (request: FastifyRequest, reply: FastifyReply) {
    const { filters, page, errors } = readDirectoryQuery(request.query)
    const result = await directoryPage(app.db, request.member!, {}, filters, page)
    const allErrors = { ...errors, ...result.errors }
    const searched = Object.entries(filters).some(([k, v]) => k !== 'sort' && v)
    // "People you haven't met yet" above the first page of the whole directory (not above a search's results).
    const suggestions = page === 1 && !searched && !Object.keys(allErrors).length
      ? await directorySuggestions(app.db, request.member!, null)
      : undefined
    return reply.page('members/directory', {
      title: 'Member directory',
      filters,
      ...result,
      errors: allErrors,
      states: US_STATES_AND_TERRITORIES,
      searched,
      suggestions,
      action: paths.directory(),
      pageHref: (p: number) => paths.directory(directoryQueryString(filters, p))
    }, Object.keys(allErrors).length ? 400 : 200)
  }

  async function showMember (request: FastifyRequest, reply: FastifyReply) {
    const found = await memberPageFor(app.db, request.member, idParam(request))
    if (!found) throw notFound()
    // `member` is the viewer in every template; the member shown is `profile`.
    return reply.page('members/show', {
      title: found.profile.full_name,
      ...found,
      fieldLabels: FIELD_LABELS,
      seenBy: SEEN_BY,
      isSelf: found.profile.id === request.member!.id
    })
  }
}
