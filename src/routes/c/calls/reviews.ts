import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Call, CallFormat } from '../../../db/database.js'
import { mayOrganize } from '../../../domain/communities/policy.js'
import { ensureTemplates } from '../../../domain/proposals/calls.service.js'
import { isCallReviewer, listProposalReviews, listReviewableProposals } from '../../../domain/proposals/reviews.repository.js'
import {
  conflictReason, isBlind, nextInQueue, reviewerAssigned, reviewerList, reviewerQueue, reviewerView, rubricOf, saveReview
} from '../../../domain/proposals/reviews.service.js'
import { readReviewForm, ReviewForm, type ReviewValues } from '../../../forms/review-form.js'
import { toCsv } from '../../../lib/csv.js'
import { HttpError, notFound } from '../../../lib/errors.js'
import { idParam } from '../../../lib/http.js'
import { pageNumber, PageQuery } from '../../../lib/paging.js'
import { paths } from '../../../lib/paths.js'
import { formRoute, pageRoute, rowId, slug, SlugIdParams } from '../../../lib/schema.js'

const ReviewParams = Type.Object({ slug, id: rowId, pid: rowId })
/** Unassigned proposals per page of a reviewer's list (those assigned to them are all shown). */
const OTHERS_PAGE_SIZE = 50

/**
 * Reviewing a call's proposals, for the community's organizers and the members added as the call's reviewers
 * (anyone else gets 404): the proposals to review, "review next", a proposal with the review form, and an
 * export of the list. While the call's review is blind, nothing on these pages says who the speakers are.
 */
export default async function reviewRoutes (app: FastifyInstance) {
  const calls = new WeakMap<FastifyRequest, Call>()

  // Organizers of the community, or a reviewer of this call; 404 to every other member.
  app.addHook('preHandler', async (request) => {
    const call = await app.loadCall(request, { evenNotOpen: true })
    if (!mayOrganize(request.standing) && !(request.member && await isCallReviewer(app.db, call.id, request.member.id))) throw notFound('call')
    calls.set(request, call)
  })

  app.get('/c/:slug/calls/:id/review', pageRoute(SlugIdParams, PageQuery), showList)
  app.get('/c/:slug/calls/:id/review.csv', pageRoute(SlugIdParams), exportList)
  app.get('/c/:slug/calls/:id/review/next', pageRoute(SlugIdParams), reviewNext)
  app.get('/c/:slug/calls/:id/review/:pid', pageRoute(ReviewParams), showProposal)
  app.post('/c/:slug/calls/:id/review/:pid', formRoute(ReviewParams, ReviewForm), submitReview)

  const me = (request: FastifyRequest) => ({ id: request.member!.id, email: request.member!.email })

  async function queueOf (request: FastifyRequest) {
    const call = calls.get(request)!
    return { call, queue: await reviewerQueue(app.db, call, me(request)) }
  }

  async function showList (request: FastifyRequest, reply: FastifyReply) {
    const call = calls.get(request)!
    const list = await reviewerList(app.db, call, me(request), pageNumber(request.query), OTHERS_PAGE_SIZE)
    const slug = request.community.slug
    return reply.page('c/calls/review-list', {
      title: `Review: ${call.title}`,
      community: request.community,
      call,
      blind: isBlind(call),
      canOrganize: mayOrganize(request.standing),
      nextHref: paths.reviewNext(slug, call.id),
      csvHref: paths.reviewCsv(slug, call.id),
      assigned: list.assigned.map((q) => ({ ...q, href: paths.reviewProposal(slug, call.id, q.view.id) })),
      others: list.others.map((q) => ({ ...q, href: paths.reviewProposal(slug, call.id, q.view.id) })),
      othersPage: list.othersPage,
      pageUrl: (n: number) => paths.review(slug, call.id, { page: n > 1 ? n : undefined })
    })
  }

  async function exportList (request: FastifyRequest, reply: FastifyReply) {
    const { call, queue } = await queueOf(request)
    const csv = toCsv([
      ['Proposal', 'Title', 'Speakers', 'Format', 'Topic', 'Assigned to me', 'Reviewed by me'],
      ...queue.map((q) => [q.view.id, q.view.title, q.view.speakers, q.view.format, q.view.topic ?? '', q.assigned ? 'yes' : 'no', q.reviewed ? 'yes' : 'no'])
    ])
    return reply.header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="review-call-${call.id}.csv"`).send(csv)
  }

  async function reviewNext (request: FastifyRequest, reply: FastifyReply) {
    const call = calls.get(request)!
    const next = nextInQueue(await reviewerAssigned(app.db, call, me(request)))
    const slug = request.community.slug
    if (next === null) return reply.flash('Nothing left to review among the proposals assigned to you.').redirect(paths.review(slug, call.id), 303)
    return reply.redirect(paths.reviewProposal(slug, call.id, next), 303)
  }

  async function proposalPage (request: FastifyRequest, reply: FastifyReply, form?: { values: ReviewValues, errors: Record<string, string> }, status = 200) {
    const call = calls.get(request)!
    const [p] = await listReviewableProposals(app.db, call.id, idParam(request, 'proposal', 'pid'))
    if (!p) throw notFound('proposal')
    const conflict = conflictReason(call, me(request), p)
    if (conflict) throw new HttpError(403, conflict)
    const [reviews, templates] = await Promise.all([listProposalReviews(app.db, p.id), ensureTemplates(app.db, request.community.id)])
    const rubric = rubricOf(call)
    const mine = reviews.find((r) => r.reviewer_id === request.member!.id)
    const myScores = (mine?.scores ?? {}) as Record<string, number>
    const values: ReviewValues = form?.values ?? {
      scores: Object.fromEntries(rubric.map((c) => [c.key, myScores[c.key] ? String(myScores[c.key]) : ''])),
      comment: mine?.comment ?? '',
      note_to_speaker: mine?.note_to_speaker ?? ''
    }
    const view = reviewerView(call, p)
    const template = templates.find((t) => t.id === p.template_id)
    const fields = (template?.fields ?? []).map((f) => ({ key: f.key, label: f.label, multiline: f.multiline, whyThisMatters: f.whyThisMatters }))
    const known = new Set(fields.map((f) => f.key))
    // An answer to a field the template no longer has is shown as plain text.
    for (const k of Object.keys(view.answers)) if (!known.has(k)) fields.push({ key: k, label: k, multiline: false, whyThisMatters: undefined })
    const formats = call.formats as unknown as CallFormat[]
    return reply.page('c/calls/review', {
      title: `Review: ${view.title}`,
      community: request.community,
      call,
      view,
      fields,
      format: formats.find((f) => f.key === p.format)?.label ?? p.format,
      rubric,
      values,
      errors: form?.errors ?? {},
      reviewed: Boolean(mine),
      // Others' scores only once the reviewer has submitted their own.
      others: mine ? reviews.filter((r) => r.reviewer_id !== request.member!.id).map((r) => ({ score: r.score, scores: r.scores as Record<string, number>, comment: r.comment })) : [],
      closed: p.decision_mailed_at !== null,
      action: paths.reviewProposal(request.community.slug, call.id, p.id),
      listHref: paths.review(request.community.slug, call.id),
      nextHref: paths.reviewNext(request.community.slug, call.id)
    }, status)
  }

  async function showProposal (request: FastifyRequest, reply: FastifyReply) {
    return proposalPage(request, reply)
  }

  async function submitReview (request: FastifyRequest, reply: FastifyReply) {
    const call = calls.get(request)!
    const form = readReviewForm(request.body, rubricOf(call))
    if (!form.input) return proposalPage(request, reply, form, 400)
    const pid = idParam(request, 'proposal', 'pid')
    const saved = await saveReview(app.db, call, me(request), pid, form.input)
    if (!saved.ok) throw new HttpError(saved.problem.startsWith('You cannot') ? 403 : 409, saved.problem)
    return reply.flash('Review saved. You now see the other reviewers’ scores.').redirect(paths.reviewProposal(request.community.slug, call.id, pid), 303)
  }
}
