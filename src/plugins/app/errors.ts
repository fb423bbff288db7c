import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { fieldErrors, type SchemaError } from '../../lib/validation.js'
import { validationPart } from './schemas.js'

const TITLES: Record<number, string> = {
  400: 'Something in the request is wrong',
  403: 'You can’t do that',
  404: 'Page not found',
  405: 'That action isn’t allowed here',
  413: 'That is too large',
  414: 'That address is too long',
  415: 'We can’t read that kind of content',
  422: 'Check what you entered',
  429: 'Too many attempts'
}

const NOT_FOUND = 'We couldn’t find that page. Check the address, or sign in if you are a member.'

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** A page for errors met before routing, where no plugin (templates, cookies, CSRF) has run: fixed text only. */
function plainPage (title: string, message: string): string {
  return `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${escapeHtml(title)} · Convene</title>\n<link rel="stylesheet" href="/uswds/css/uswds.min.css">\n</head>\n<body>\n` +
    `<main id="main-content" class="usa-section"><div class="grid-container">\n<h1>${escapeHtml(title)}</h1>\n` +
    `<p class="usa-intro">${escapeHtml(message)}</p>\n<p><a class="usa-button usa-button--outline" href="/">Go to the Convene home page</a></p>\n` +
    '</div></main>\n</body>\n</html>\n'
}

/** The error page, or a plain one when the request never reached the plugins the page needs (a bad URL). */
function errorPage (reply: FastifyReply, status: number, message: string, problems: string[] = []): FastifyReply {
  reply.header('Cache-Control', 'no-store')
  const title = TITLES[status] ?? 'Something went wrong'
  if (!reply.request.cookies) return reply.code(status).type('text/html; charset=utf-8').send(plainPage(title, message))
  return reply.page('errors/error', { title, message, problems, status }, status)
}

/**
 * Errors Fastify meets before routing (set as `frameworkErrors` in build.ts): a URL part longer than
 * maxParamLength (414) or a URL that cannot be decoded (400) get the HTML error page like every other error.
 */
export function frameworkError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  request.log.info({ code: error.code, msg: error.message }, 'request refused before routing')
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400
  const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? 'Part of this address is too long to be a Convene page. Check the link you followed.'
    : 'This address is not one Convene can read. Check the link you followed.'
  void errorPage(reply, status, message)
}

/**
 * One error handler: the full error goes to the log; the person sees a page that explains what went wrong
 * (the message itself only below 500, where it is about their request rather than our code).
 */
export default fp(async (app) => {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    let status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500
    let message = error.message
    let problems: string[] = []
    const part = validationPart(error)
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      status = 403
      message = 'This form has expired or was not sent from Convene. Go back, reload the page and try again.'
    } else if (part === 'params') {
      // An id or name in the address that cannot be one: no such page.
      status = 404
      message = NOT_FOUND
    } else if (part) {
      status = 400
      problems = Object.values(fieldErrors(error.validation as SchemaError[]))
      message = part === 'querystring'
        ? 'Something in the address after “?” is not valid. Check the link you followed.'
        : 'Something in what was sent is not valid. Go back, check the form and send it again.'
    } else if (status === 429) {
      message = 'You have tried this too many times. Wait a minute and try again.'
    } else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      message = 'Send this form from the page in Convene.'
    }
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed')
      message = 'Something went wrong on our side. It has been logged; try again in a moment.'
    } else {
      request.log.info({ status, code: error.code, msg: error.message }, 'request refused')
    }
    return errorPage(reply, status, message, problems)
  })

  app.setNotFoundHandler(async (request, reply) => {
    return reply.page('errors/error', { title: 'Page not found', message: NOT_FOUND, status: 404 }, 404)
  })
}, { name: 'errors', dependencies: ['render'] })
