import { Type, type Static } from 'typebox'

/** The `page` parameter of a query string (?page=2), for query schemas that take more than a page. */
export const pageField = Type.Optional(Type.String({ title: 'the page number', pattern: '^[1-9][0-9]{0,5}$', errorMessage: 'The page number must be a whole number from 1.' }))

/** A query string that takes only a page number (?page=2). */
export const PageQuery = Type.Object({ page: pageField }, { additionalProperties: false })

/** The page asked for by a query read through `PageQuery`; 1 when none. */
export function pageNumber (query: unknown): number {
  return Number((query as Static<typeof PageQuery>).page ?? '1')
}
