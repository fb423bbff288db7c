import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { confirmMetByCode, scanMetCode, type Scan } from '../../domain/connections/qr.service.js'
import type { MetOutcome } from '../../domain/connections/connections.service.js'
import { dateTime } from '../../lib/format.js'
import { paths } from '../../lib/paths.js'
import { buttonForm, NoQuery, pageRoute } from '../../lib/schema.js'

/** /met/:code — the address in a member's personal QR code (random, URL-safe; anything else is no code). */
const CodeParams = Type.Object({ code: Type.String({ title: 'the code', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) })

/**
 * Scanning a member's QR code (issue 13). Signed-in members only: anyone else signs in first and comes back.
 * GET is a confirm page that changes nothing ("I met Jane Doe (EPA) at …"); its button POSTs, which records
 * the "met" (connections.service.ts). The code identifies its owner only to members who share a community with
 * them: to anyone else it is not valid (404, as a code nobody has). It never signs anyone in.
 */
export default async function metRoutes (app: FastifyInstance) {
  app.addHook('preHandler', app.requireMember)

  app.get('/met/:code', pageRoute(CodeParams), showConfirm)
  app.post('/met/:code', { schema: { params: CodeParams, querystring: NoQuery, body: buttonForm } }, confirmMet)

  const codeOf = (request: FastifyRequest) => (request.params as { code: string }).code

  /** The page for a code that is not (or no longer, or not to this viewer) anyone's, or the scanner's own. */
  function notAMember (reply: FastifyReply, scan: Scan) {
    if (scan.kind === 'own') return reply.page('met/own', { title: 'This is your own code' })
    return reply.page('met/invalid', { title: 'This code is not valid any more' }, 404)
  }

  async function showConfirm (request: FastifyRequest, reply: FastifyReply) {
    const code = codeOf(request)
    const scan = await scanMetCode(app.db, request.member!.id, code)
    if (scan.kind !== 'member') return notAMember(reply, scan)
    return reply.page('met/confirm', {
      title: `I met ${scan.owner.full_name}`,
      scan,
      when: scan.event ? dateTime(scan.event.starts_at, scan.event.time_zone) : null,
      action: paths.met(code)
    })
  }

  async function confirmMet (request: FastifyRequest, reply: FastifyReply) {
    const { scan, outcome } = await app.db.transaction().execute((trx) => confirmMetByCode(trx, request.member!.id, codeOf(request)))
    if (scan.kind !== 'member' || !outcome) return notAMember(reply, scan)
    return reply.flash(outcomeMessage(outcome, scan.owner.full_name)).redirect(paths.member(scan.owner.id), 303)
  }
}

function outcomeMessage (outcome: MetOutcome, name: string): string {
  switch (outcome) {
    case 'connected': return `You and ${name} are connected now: you both said you met.`
    case 'already-connected': return `You and ${name} were already connected.`
    case 'already-recorded': return `You had already said you met ${name}. When ${name} says so too, you are connected.`
    default: return `Saved: you met ${name}. When ${name} says so too (scanning your code or choosing you on the event page), you are connected.`
  }
}
