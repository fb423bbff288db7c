import fp from 'fastify-plugin'
import type { FastifyReply } from 'fastify'

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page inside the base layout with what every page needs (viewer, CSRF token, flash). */
    page (template: string, data?: Record<string, unknown>, status?: number): FastifyReply
    /** A one-line message shown on the next page this browser renders (after a redirect). */
    flash (message: string): FastifyReply
  }
}

const FLASH_COOKIE = 'convene_flash'

/**
 * The <title>: the page's title, then its community (pages of two communities must not share a title: people
 * with several tabs, and screen readers, tell pages apart by it), then Convene.
 */
function documentTitle (data: Record<string, unknown>): string {
  const title = typeof data.title === 'string' ? data.title : ''
  const community = (data.community as { name?: unknown } | undefined)?.name
  const parts = [title]
  if (typeof community === 'string' && !title.includes(community)) parts.push(community)
  return [...parts.filter(Boolean), 'Convene'].join(' · ')
}

export default fp(async (app) => {
  app.decorateReply('page', function (this: FastifyReply, template: string, data: Record<string, unknown> = {}, status = 200) {
    const request = this.request
    let flash: string | null = null
    const raw = request.cookies[FLASH_COOKIE]
    if (raw) {
      const unsigned = request.unsignCookie(raw)
      if (unsigned.valid) flash = unsigned.value
      this.clearCookie(FLASH_COOKIE, { path: '/' })
    }
    this.code(status).header('Content-Type', 'text/html; charset=utf-8')
    // A signed-in page shows personal data (feed links, attendees, the directory): never stored by a browser
    // cache or a proxy. Pages for visitors may be kept, but checked again each time.
    if (!this.hasHeader('Cache-Control')) this.header('Cache-Control', request.member ? 'no-store' : 'no-cache')
    return this.view(template, {
      documentTitle: documentTitle(data),
      member: request.member,
      csrfToken: this.generateCsrf(),
      flash,
      currentPath: request.url.split('?')[0],
      errors: {},
      values: {},
      ...data
    })
  })
  app.decorateReply('flash', function (this: FastifyReply, message: string) {
    return this.setCookie(FLASH_COOKIE, message.slice(0, 300), { path: '/', signed: true, httpOnly: true, sameSite: 'lax', maxAge: 60 })
  })
}, { name: 'render', dependencies: ['view', 'security'] })
