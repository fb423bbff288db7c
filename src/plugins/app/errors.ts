import fp from 'fastify-plugin'
import type { FastifyError } from 'fastify'

const TITLES: Record<number, string> = {
  400: 'Something in the request is wrong',
  403: 'You can’t do that',
  404: 'Page not found',
  405: 'That action isn’t allowed here',
  413: 'That is too large',
  415: 'We can’t read that kind of content',
  422: 'Check what you entered',
  429: 'Too many attempts'
}

/**
 * One error handler: the full error goes to the log; the person sees a page that explains what went wrong
 * (the message itself only below 500, where it is about their request rather than our code).
 */
export default fp(async (app) => {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    let status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500
    let message = error.message
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      status = 403
      message = 'This form has expired or was not sent from Convene. Go back, reload the page and try again.'
    } else if (error.validation) {
      status = 400
      message = `Something in the request is not valid: ${error.message}.`
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
    reply.header('Cache-Control', 'no-store')
    return reply.page('errors/error', { title: TITLES[status] ?? 'Something went wrong', message, status }, status)
  })

  app.setNotFoundHandler(async (request, reply) => {
    return reply.page('errors/error', {
      title: 'Page not found',
      message: 'We couldn’t find that page. Check the address, or sign in if you are a member.',
      status: 404
    }, 404)
  })
}, { name: 'errors', dependencies: ['render'] })
