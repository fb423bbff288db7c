import { Type, type Static } from 'typebox'

/** A query string that takes only a page number (?page=2). */
export const PageQuery = Type.Object({
  page: Type.Optional(Type.String({ title: 'the page number', pattern: '^[1-9][0-9]{0,5}$', errorMessage: 'The page number must be a whole number from 1.' }))
}, { additionalProperties: false })

/** The page asked for by a query read through `PageQuery`; 1 when none. */
export function pageNumber (query: unknown): number {
  return Number((query as Static<typeof PageQuery>).page ?? '1')
}
