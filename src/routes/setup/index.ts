import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  checkSetupCode, completeSetup, DEFAULT_SETUP_DOMAINS, needsSetup, readSetupForm, SETUP_CODE_WRONG, validateSetup
} from '../../domain/site/site.service.js'
import { notFound } from '../../lib/errors.js'

/**
 * First-run setup: creates the site admin and the first community. Open only while no site admin exists, and
 * only to someone who has the one-time code printed on the server's console.
 */
export default async function setupRoutes (app: FastifyInstance) {
  app.get('/setup', showSetup)
  app.post('/setup', {
    config: { rateLimit: { max: 10, timeWindow: '15 minutes' } }
  }, setUp)

  const title = 'Set up Convene'

  async function showSetup (_request: FastifyRequest, reply: FastifyReply) {
    if (!await needsSetup(app.db)) throw notFound()
    return reply.page('setup/index', { title, values: { allowed_domains: DEFAULT_SETUP_DOMAINS } })
  }

  async function setUp (request: FastifyRequest, reply: FastifyReply) {
    if (!await needsSetup(app.db)) throw notFound()
    const form = readSetupForm(request.body)
    // The code first: without it, nobody learns anything more from this form.
    if (!await checkSetupCode(app.db, form.code)) {
      const errors = { code: form.code ? SETUP_CODE_WRONG : validateSetup(form).errors.code! }
      return reply.page('setup/index', { title, values: form, errors }, 403)
    }
    const result = await app.db.transaction().execute((trx) => completeSetup(trx, form))
    if (!result.ok) return reply.page('setup/index', { title, values: form, errors: result.errors }, result.status)
    await reply.signIn(result.memberId)
    return reply.flash('Convene is set up. You are the site admin and the first organizer of this community.')
      .redirect(`/c/${result.slug}`, 303)
  }
}
