import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { directoryPage } from '../../../domain/members/members.service.js'
import { directorySuggestions } from '../../../domain/connections/suggestions.service.js'
import { DirectoryQuery, directoryQueryString, readDirectoryQuery } from '../../../forms/directory-query.js'
import { US_STATES_AND_TERRITORIES } from '../../../domain/members/regions.js'
import { paths } from '../../../lib/paths.js'
import { pageRoute, SlugParams } from '../../../lib/schema.js'

/**
 * The community's directory of members (members only, by the community guard): the site-wide directory's search
 * and filters, kept to this community. Community and requirement filters are the site-wide page's.
 */
export default async function directoryRoutes (app: FastifyInstance) {
  app.get('/c/:slug/members', pageRoute(SlugParams, DirectoryQuery), showDirectory)

  async function showDirectory (request: FastifyRequest, reply: FastifyReply) {
    const { filters, page, errors } = readDirectoryQuery(request.query)
    filters.community = ''
    filters.requirement = ''
    const result = await directoryPage(app.db, request.member!, { communityId: request.community.id }, filters, page)
    const allErrors = { ...errors, ...result.errors }
    const searched = Object.entries(filters).some(([k, v]) => k !== 'sort' && v)
    // "People you haven't met yet" above the first page of the whole directory (not above a search's results).
    const suggestions = page === 1 && !searched && !Object.keys(allErrors).length
      ? await directorySuggestions(app.db, request.member!, request.community.id)
      : undefined
    const c = request.community
    return reply.page('c/members/directory', {
      title: `Members · ${c.name}`,
      community: c,
      filters,
      ...result,
      errors: allErrors,
      states: US_STATES_AND_TERRITORIES,
      searched,
      suggestions,
      action: paths.members(c.slug),
      pageHref: (p: number) => paths.members(c.slug, directoryQueryString(filters, p))
    }, Object.keys(allErrors).length ? 400 : 200)
  }
}
