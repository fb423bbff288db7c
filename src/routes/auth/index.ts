import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { consumeToken, inspectToken, requestSignIn, SIGN_IN_MINUTES } from '../../domain/auth/auth.service.js'
import { markEmailVerified } from '../../domain/members/members.service.js'
import { normaliseEmail, str } from '../../lib/forms.js'
import { safeNext, tokenPageHeaders } from '../../lib/http.js'

const PROBLEMS = {
  invalid: 'This sign-in link is not valid. It may have been copied incompletely.',
  expired: `This sign-in link has expired: links work for ${SIGN_IN_MINUTES} minutes.`,
  used: 'This sign-in link has already been used: each link works once.'
}

/** Signing in with a link emailed to the address (asked for, shown, used) and signing out. */
export default async function authRoutes (app: FastifyInstance) {
  app.get('/sign-in', showSignIn)
  app.post('/sign-in', {
    // Per IP, generous (many people share an agency's address); per mailbox, strict (limitPerAddress).
    config: { rateLimit: { max: 60, timeWindow: '15 minutes' } }
  }, askForLink)
  app.get('/auth/sign-in', showSignInLink)
  app.post('/auth/sign-in', signInWithLink)
  app.post('/sign-out', signOut)

  async function showSignIn (request: FastifyRequest, reply: FastifyReply) {
    const next = safeNext((request.query as { next?: string }).next)
    return reply.page('auth/sign-in', { title: 'Sign in', values: { email: '', next } })
  }

  async function askForLink (request: FastifyRequest, reply: FastifyReply) {
    const raw = str(request.body, 'email', 320)
    const next = safeNext(str(request.body, 'next'))
    const email = normaliseEmail(raw)
    if (!email) {
      return reply.page('auth/sign-in', {
        title: 'Sign in',
        values: { email: raw, next },
        errors: { email: raw ? 'Enter an email address in the format name@agency.gov.' : 'Enter your email address.' }
      }, 400)
    }
    await app.limitPerAddress(request, reply, email)
    const link = await app.db.transaction().execute((trx) => requestSignIn(trx, app.mailer, email, next))
    if (link && !app.config.SMTP_URL) console.log(`Sign-in link for ${email}: ${link}`)
    return reply.page('auth/check-email', { title: 'Check your email', email })
  }

  async function showSignInLink (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const { token = '', next } = request.query as { token?: string, next?: string }
    const found = await inspectToken(app.db, token, 'sign-in')
    if (found.problem) {
      return reply.page('auth/token-problem', { title: 'This link doesn’t work', message: PROBLEMS[found.problem] }, 400)
    }
    return reply.page('auth/confirm-sign-in', { title: 'Sign in to Convene', token, next: safeNext(next), email: found.row!.email })
  }

  async function signInWithLink (request: FastifyRequest, reply: FastifyReply) {
    tokenPageHeaders(reply)
    const token = str(request.body, 'token', 200)
    const used = await consumeToken(app.db, token, 'sign-in')
    if (used.problem || !used.row?.member_id) {
      return reply.page('auth/token-problem', { title: 'This link doesn’t work', message: PROBLEMS[used.problem ?? 'invalid'] }, 400)
    }
    await markEmailVerified(app.db, used.row.member_id)
    await reply.signIn(used.row.member_id)
    return reply.flash('You are signed in.').redirect(safeNext(str(request.body, 'next')), 303)
  }

  async function signOut (_request: FastifyRequest, reply: FastifyReply) {
    await reply.signOut()
    return reply.flash('You are signed out.').redirect('/', 303)
  }
}
