import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import { confirmEmailChange, EMAIL_CHANGE_HOURS, inspectEmailChange, type EmailChangeProblem } from '../../domain/auth/email-change.service.js'
import { linkToken } from '../../forms/join-form.js'
import { tokenPageHeaders } from '../../lib/http.js'
import { paths } from '../../lib/paths.js'
import { form, NoQuery, queryText } from '../../lib/schema.js'

const PROBLEMS: Record<EmailChangeProblem, string> = {
  invalid: 'This link is not valid. It may have been copied incompletely.',
  expired: `This link has expired: links to confirm a new address work for ${EMAIL_CHANGE_HOURS} hours. Ask again on your profile.`,
  used: 'This link has already been used, or a newer change replaced it: each link works once. Your profile shows your address.',
  taken: 'Another account uses this address now, so it can’t become yours. Your address is unchanged.'
}

const LinkQuery = Type.Object({ token: queryText('the link', 500) }, { additionalProperties: false })
const LinkForm = form({ token: linkToken('the link') })

/**
 * The emailed link that confirms a member's new address (asked for on the profile). The link is the credential,
 * as for joining: it works without signing in, in whichever browser the new mailbox opens it. The GET shows one
 * button and changes nothing; the POST changes the address.
 */
export default async function emailChangeRoutes (app: FastifyInstance) {
  app.get('/email-change/confirm', { schema: { querystring: LinkQuery } }, showConfirm)
  app.post('/email-change/confirm', { schema: { querystring: NoQuery, body: LinkForm } }, confirm)

  function problemPage (reply: FastifyReply, problem: EmailChangeProblem) {
    return reply.page('auth/token-problem', {
      title: 'This link doesn’t work', message: PROBLEMS[problem], retryHref: paths.profileAccount(), retryLabel: 'Go to your profile'
    }, 400)
  }

  async function showConfirm (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const { token = '' } = request.query as Static<typeof LinkQuery>
    const found = await inspectEmailChange(app.db, token)
    if (found.problem || !found.member) return problemPage(reply, found.problem ?? 'invalid')
    return reply.page('email-change/confirm', { title: 'Confirm your new email address', token, newEmail: found.newEmail, oldEmail: found.member.email })
  }

  async function confirm (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const { token = '' } = request.body as Static<typeof LinkForm>
    const outcome = await app.db.transaction().execute((trx) => confirmEmailChange(trx, app.mailer, token))
    if (!outcome.ok) return problemPage(reply, outcome.problem)
    const signedIn = request.member?.id === outcome.member.id
    return reply.flash(`Your email address is now ${outcome.newEmail}. Sign in with it from now on.`)
      .redirect(signedIn ? paths.profileAccount() : paths.signIn(), 303)
  }
}
