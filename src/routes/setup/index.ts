import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { checkSetupCode, completeSetup, DEFAULT_SETUP_DOMAINS, needsSetup, SETUP_CODE_WRONG } from '../../domain/site/site.service.js'
import { readSetupForm, SETUP_CODE_MISSING, SetupForm } from '../../forms/setup-form.js'
import { notFound } from '../../lib/errors.js'
import { NoQuery } from '../../lib/schema.js'
import { paths } from '../../lib/paths.js'

/**
 * First-run setup: creates the site admin and the first community. Open only while no site admin exists, and
 * only to someone who has the one-time code printed on the server's console.
 */
export default async function setupRoutes (app: FastifyInstance) {
  app.get('/setup', { schema: { querystring: NoQuery } }, showSetup)
  app.post('/setup', {
    schema: { querystring: NoQuery, body: SetupForm },
    config: { form: true, rateLimit: { max: 10, timeWindow: '15 minutes' } }
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
    if (!await checkSetupCode(app.db, form.values.code)) {
      const errors = { code: form.values.code ? SETUP_CODE_WRONG : SETUP_CODE_MISSING }
      return reply.page('setup/index', { title, values: form.values, errors }, 403)
    }
    if (!form.input) return reply.page('setup/index', { title, values: form.values, errors: form.errors }, 400)
    const input = form.input
    const result = await app.db.transaction().execute((trx) => completeSetup(trx, input))
    if (!result.ok) return reply.page('setup/index', { title, values: form.values, errors: result.errors }, result.status)
    await reply.signIn(result.memberId)
    return reply.flash('Convene is set up. You are the site admin and the first organizer of this community.')
      .redirect(paths.community(result.slug), 303)
  }
}
