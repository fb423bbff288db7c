import { Type, type Static } from 'typebox'
import type { DirectoryFilters } from '../domain/members/members.service.js'
import { isStateOrTerritory } from '../domain/members/regions.js'
import { pageField } from '../lib/paging.js'
import { queryText } from '../lib/schema.js'

/** The directory's search, filters and page (GET). Over-long text is a 400 page naming the field, never cut. */
export const DirectoryQuery = Type.Object({
  q: queryText('the search', 100),
  agency: queryText('the agency', 160),
  region: queryText('the state or territory', 100),
  expertise: queryText('the expertise', 40),
  community: queryText('the community', 100),
  requirement: queryText('the requirement', 200),
  help: queryText('“ask me about / can help with”', 100),
  relation: queryText('whom to show', 20),
  sort: queryText('the order', 20),
  page: pageField
}, { additionalProperties: false })

/** The filters as typed (trimmed; '' when not given), the page, and an error per field the reader refuses. */
export function readDirectoryQuery (query: unknown): { filters: DirectoryFilters, page: number, errors: Record<string, string> } {
  const q = query as Static<typeof DirectoryQuery>
  const t = (v: string | undefined) => (v ?? '').trim()
  const filters: DirectoryFilters = {
    q: t(q.q), agency: t(q.agency), region: t(q.region), expertise: t(q.expertise), community: t(q.community), requirement: t(q.requirement), help: t(q.help),
    relation: t(q.relation), sort: t(q.sort)
  }
  const errors: Record<string, string> = {}
  if (filters.region && !isStateOrTerritory(filters.region)) errors.region = 'Choose a state or territory from the list.'
  return { filters, page: Number(q.page ?? '1'), errors }
}

/** The query string of a directory page (empty filters left out), for links to other pages. */
export function directoryQueryString (filters: DirectoryFilters, page?: number): Record<string, string | number | undefined> {
  const out: Record<string, string | number | undefined> = {}
  for (const [k, v] of Object.entries(filters)) out[k] = v || undefined
  out.page = page
  return out
}
