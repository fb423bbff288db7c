import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Call, Decision, DecisionMails } from '../../../../db/database.js'
import { listDecisionRows } from '../../../../domain/proposals/decisions.repository.js'
import {
  decide, decisionMails, DECISION_LABELS, DECISIONS, releaseCounts, releaseDecisions, saveDecisionMails
} from '../../../../domain/proposals/decisions.service.js'
import { DECISION_PLACEHOLDERS } from '../../../../domain/proposals/templates.js'
import { readForm } from '../../../../forms/read-form.js'
import { notFound } from '../../../../lib/errors.js'
import { dateTime } from '../../../../lib/format.js'
import { idParam } from '../../../../lib/http.js'
import { paths } from '../../../../lib/paths.js'
import { buttonForm, checkbox, form, formRoute, multiline, oneOf, pageRoute, rowId, slug, SlugIdParams, text } from '../../../../lib/schema.js'

const DecideParams = Type.Object({ slug, id: rowId, pid: rowId })
const DecideForm = form({
  decision: oneOf('Decision', ['', ...DECISIONS], { required: true }),
  note: multiline('Note to the speaker', 2000),
  send_review_notes: checkbox('Send the reviewers’ notes to the speaker')
})
const MailsForm = form({
  accepted_subject: text('Accepted mail subject', 200, { required: true }),
  accepted_body: multiline('Accepted mail text', 5000, { required: true }),
  backup_subject: text('Backup mail subject', 200, { required: true }),
  backup_body: multiline('Backup mail text', 5000, { required: true }),
  rejected_subject: text('Rejected mail subject', 200, { required: true }),
  rejected_body: multiline('Rejected mail text', 5000, { required: true })
})

const DECISION_OPTIONS = [{ value: '', label: 'Pending (not sent)' }, ...DECISIONS.map((d) => ({ value: d, label: DECISION_LABELS[d] }))]

/**
 * Organizers' decisions on a call (under the c/orga guard): each submitted proposal accepted, rejected or
 * backup with a note to the speaker (changeable until released), the decision mails, and the release.
 */
export default async function decisionRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/calls/:id/decisions', pageRoute(SlugIdParams), showDecisions)
  app.get('/c/:slug/orga/calls/:id/decisions/mails', pageRoute(SlugIdParams), showMails)
  app.post('/c/:slug/orga/calls/:id/decisions/mails', formRoute(SlugIdParams, MailsForm), saveMails)
  app.get('/c/:slug/orga/calls/:id/decisions/release', pageRoute(SlugIdParams), showRelease)
  app.post('/c/:slug/orga/calls/:id/decisions/release', formRoute(SlugIdParams, buttonForm), release)
  app.post('/c/:slug/orga/calls/:id/decisions/:pid', formRoute(DecideParams, DecideForm), saveDecision)

  const loadCall = (request: FastifyRequest) => app.loadCall(request)

  async function decisionsPage (request: FastifyRequest, reply: FastifyReply, call: Call,
    failed?: { pid: number, values: Record<string, string>, errors: Record<string, string> }, status = 200) {
    const community = request.community
    const rows = await listDecisionRows(app.db, call.id)
    const counts = releaseCounts(rows)
    return reply.page('c/orga/calls/decisions', {
      title: `Decisions: ${call.title}`,
      community,
      call,
      counts,
      released: call.decisions_released_at ? dateTime(call.decisions_released_at, call.time_zone) : null,
      options: DECISION_OPTIONS,
      errors: failed ? Object.fromEntries(Object.entries(failed.errors).map(([k, v]) => [`${k}-${failed.pid}`, v])) : {},
      rows: rows.map((r) => {
        const mine = failed?.pid === r.id
        return {
          ...r,
          href: paths.proposal(community.slug, call.id, r.id),
          action: paths.orgaDecide(community.slug, call.id, r.id),
          decisionLabel: r.decision ? DECISION_LABELS[r.decision] : 'Pending',
          sent: r.decision_mailed_at !== null,
          confirmLabel: r.decision !== 'accepted' || !r.decision_mailed_at ? ''
            : r.confirmation === 'confirmed' ? 'Confirmed' : r.confirmation === 'declined' ? 'Declined' : 'Not answered yet',
          values: mine ? failed.values : { decision: r.decision ?? '', note: r.note_to_speaker ?? '', send_review_notes: r.send_review_notes ? 'yes' : '' },
          reviewNotes: Number(r.review_notes ?? 0),
          errors: mine ? failed.errors : {}
        }
      })
    }, status)
  }

  async function showDecisions (request: FastifyRequest, reply: FastifyReply) {
    return decisionsPage(request, reply, await loadCall(request))
  }

  async function saveDecision (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const pid = idParam(request, 'proposal', 'pid')
    const form = readForm(DecideForm, request.body)
    if (Object.keys(form.errors).length) return decisionsPage(request, reply, call, { pid, ...form }, 400)
    const decision = (form.values.decision || null) as Decision | null
    const changed = await decide(app.db, call.id, pid, decision, form.values.note, request.member!.id, form.values.send_review_notes !== '')
    if (!changed) {
      const rows = await listDecisionRows(app.db, call.id)
      const row = rows.find((r) => r.id === pid)
      if (!row) throw notFound('proposal')
      return decisionsPage(request, reply, call, { pid, values: form.values, errors: { decision: 'This decision was already sent to the speaker: it can no longer be changed.' } }, 409)
    }
    return reply.flash(decision ? `Decision saved: ${DECISION_LABELS[decision]}. The speaker is told when you release decisions.` : 'Decision cleared: pending.')
      .redirect(paths.orgaDecisions(request.community.slug, call.id), 303)
  }

  function mailsPage (request: FastifyRequest, reply: FastifyReply, call: Call, values: Record<string, string>, errors: Record<string, string> = {}, status = 200) {
    return reply.page('c/orga/calls/decision-mails', {
      title: `Decision mails: ${call.title}`,
      community: request.community,
      call,
      values,
      errors,
      decisions: DECISIONS.map((d) => ({ key: d, label: DECISION_LABELS[d] })),
      placeholders: DECISION_PLACEHOLDERS.map((k) => `{${k}}`)
    }, status)
  }

  async function showMails (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const mails = decisionMails(call)
    const values: Record<string, string> = {}
    for (const d of DECISIONS) { values[`${d}_subject`] = mails[d].subject; values[`${d}_body`] = mails[d].body }
    return mailsPage(request, reply, call, values)
  }

  async function saveMails (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const form = readForm(MailsForm, request.body)
    if (Object.keys(form.errors).length) return mailsPage(request, reply, call, form.values, form.errors, 400)
    const v = form.values
    const mails: DecisionMails = {
      accepted: { subject: v.accepted_subject.trim(), body: v.accepted_body.replace(/\r\n/g, '\n').trim() },
      backup: { subject: v.backup_subject.trim(), body: v.backup_body.replace(/\r\n/g, '\n').trim() },
      rejected: { subject: v.rejected_subject.trim(), body: v.rejected_body.replace(/\r\n/g, '\n').trim() }
    }
    const saved = await saveDecisionMails(app.db, call.id, mails)
    if (!saved.ok) return mailsPage(request, reply, call, form.values, saved.errors, 400)
    return reply.flash('Decision mails saved.').redirect(paths.orgaDecisions(request.community.slug, call.id), 303)
  }

  async function showRelease (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const counts = releaseCounts(await listDecisionRows(app.db, call.id))
    return reply.page('c/orga/calls/release', { title: `Release decisions: ${call.title}`, community: request.community, call, counts })
  }

  async function release (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const sent = await releaseDecisions(app.db, app.mailer, request.community.id, call.id)
    return reply.flash(sent === 0 ? 'Nothing new to send: every decision was already sent.' : `Decisions released: ${sent} ${sent === 1 ? 'mail' : 'mails'} queued.`)
      .redirect(paths.orgaDecisions(request.community.slug, call.id), 303)
  }
}
