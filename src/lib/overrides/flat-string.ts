/**
 * OVERRIDES how V8 keeps a string built by many concatenations (as eta builds its output): as a rope, a tree of
 * pieces that is walked again each time the string is measured or written. A fragment rendered once and kept
 * (see `derived` in src/infra/cache/tagged-cache.ts) is written into every page that contains it, so it is
 * copied once into one flat piece: a round trip through UTF-8 makes a new, flat string with the same text.
 *
 * What breaks if V8 or Node change: nothing visible — at worst the copy stops helping (measure the event page
 * with `npm run bench`). The round trip is exact for well-formed text; a lone surrogate (which no template or
 * form input produces: request bodies are decoded from UTF-8) would come back as U+FFFD.
 * tests/lib/overrides/flat-string.test.ts checks that the text is unchanged.
 */
export function flat (s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8')
}
