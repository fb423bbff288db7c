import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { consumeToken, inspectToken, requestSignIn, SIGN_IN_MINUTES } from '../../domain/auth/auth.service.js'
import { markEmailVerified } from '../../domain/members/members.service.js'
import { Type, type Static } from 'typebox'
import { readSignInForm, SignInForm } from '../../forms/sign-in-form.js'
import { buttonForm, form, NoQuery, queryText, text } from '../../lib/schema.js'
import { safeNext, tokenPageHeaders } from '../../lib/http.js'
import { paths } from '../../lib/paths.js'

const PROBLEMS = {
  invalid: 'This sign-in link is not valid. It may have been copied incompletely.',
  expired: `This sign-in link has expired: links work for ${SIGN_IN_MINUTES} minutes.`,
  used: 'This sign-in link has already been used: each link works once.'
}

/** A sign-in link's token (emailed links carry 43 characters; longer is no link of ours). */
const TOKEN_MAX = 500
const NEXT_MAX = 2000
/** The sign-in form's name in the per-address count of mail (app.addressLimit). */
const ADDRESS_FORM = 'sign-in'

const SignInQuery = Type.Object({ next: queryText('the page to return to', NEXT_MAX) }, { additionalProperties: false })
const LinkQuery = Type.Object({
  token: queryText('the sign-in link', TOKEN_MAX),
  next: queryText('the page to return to', NEXT_MAX)
}, { additionalProperties: false })
const LinkForm = form({ token: text('the sign-in link', TOKEN_MAX), next: text('the page to return to', NEXT_MAX) })

/** Signing in with a link emailed to the address (asked for, shown, used) and signing out. */
export default async function authRoutes (app: FastifyInstance) {
  app.get('/sign-in', { schema: { querystring: SignInQuery } }, showSignIn)
  app.post('/sign-in', {
    schema: { querystring: NoQuery, body: SignInForm },
    // Per IP, generous (many people share an agency's address), against floods; per mailbox, strict
    // (app.addressLimit), against mail-bombing: past it, the same answer but no mail.
    config: { form: true, rateLimit: { max: 60, timeWindow: '15 minutes' } }
  }, askForLink)
  app.get('/auth/sign-in', { schema: { querystring: LinkQuery } }, showSignInLink)
  app.post('/auth/sign-in', { schema: { querystring: NoQuery, body: LinkForm } }, signInWithLink)
  app.post('/sign-out', { schema: { querystring: NoQuery, body: buttonForm } }, signOut)

  async function showSignIn (request: FastifyRequest, reply: FastifyReply) {
    const next = safeNext((request.query as Static<typeof SignInQuery>).next)
    return reply.page('auth/sign-in', { title: 'Sign in', values: { email: '', next } })
  }

  async function askForLink (request: FastifyRequest, reply: FastifyReply) {
    const { values, errors, email } = readSignInForm(request.body)
    const next = safeNext(values.next)
    if (!email) return reply.page('auth/sign-in', { title: 'Sign in', values: { email: values.email, next }, errors }, 400)
    // Past the per-address limit nothing more is mailed, and the answer stays the same: a 429 here would let
    // anyone keep an address's owner out by asking for links five times every 15 minutes.
    if (await app.addressLimit.take(ADDRESS_FORM, email)) {
      const link = await app.db.transaction().execute((trx) => requestSignIn(trx, app.mailer, email, next))
      if (link && !app.config.SMTP_URL) console.log(`Sign-in link for ${email}: ${link}`)
    }
    return reply.page('auth/check-email', { title: 'Check your email', email })
  }

  async function showSignInLink (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const { token = '', next } = request.query as Static<typeof LinkQuery>
    const found = await inspectToken(app.db, token, 'sign-in')
    if (found.problem) {
      return reply.page('auth/token-problem', { title: 'This link doesn’t work', message: PROBLEMS[found.problem] }, 400)
    }
    return reply.page('auth/confirm-sign-in', { title: 'Sign in to Convene', token, next: safeNext(next), email: found.row!.email })
  }

  async function signInWithLink (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const { token = '', next } = request.body as Static<typeof LinkForm>
    const used = await consumeToken(app.db, token, 'sign-in')
    if (used.problem || !used.row?.member_id) {
      return reply.page('auth/token-problem', { title: 'This link doesn’t work', message: PROBLEMS[used.problem ?? 'invalid'] }, 400)
    }
    await markEmailVerified(app.db, used.row.member_id)
    // Whoever reads this mailbox is in: links can be mailed to it again at once, whoever asked for the others.
    await app.addressLimit.clear(ADDRESS_FORM, used.row.email)
    await reply.signIn(used.row.member_id)
    return reply.flash('You are signed in.').redirect(safeNext(next), 303)
  }

  async function signOut (_request: FastifyRequest, reply: FastifyReply) {
    await reply.signOut()
    return reply.flash('You are signed out.').redirect(paths.home(), 303)
  }
}
