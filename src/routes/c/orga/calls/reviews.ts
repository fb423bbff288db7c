import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import type { Call, CallFormat } from '../../../../db/database.js'
import { listCurrentOrganizers } from '../../../../domain/communities/communities.repository.js'
import { listCallReviewers } from '../../../../domain/proposals/reviews.repository.js'
import {
  addReviewer, assignEvenly, isBlind, removeReviewer, reviewDashboard, reviewerPool, rubricOf, saveReviewSettings, SORTS, type Sort
} from '../../../../domain/proposals/reviews.service.js'
import { readEmail, readForm } from '../../../../forms/read-form.js'
import {
  AddReviewerForm, readSettingsForm, ReviewSettingsForm, settingsValues, SPARE_CRITERIA, type SettingsValues
} from '../../../../forms/review-form.js'
import { toCsv } from '../../../../lib/csv.js'
import { idParam } from '../../../../lib/http.js'
import { pageField, pageNumber } from '../../../../lib/paging.js'
import { paths } from '../../../../lib/paths.js'
import { buttonForm, formRoute, pageRoute, queryText, rowId, slug, SlugIdParams } from '../../../../lib/schema.js'

const DashboardQuery = Type.Object({
  sort: queryText('the sort order', 10),
  format: queryText('the format', 100),
  topic: queryText('the topic', 200),
  first_time: queryText('first-time speakers', 5),
  page: pageField
}, { additionalProperties: false })
/** Proposals per page of the dashboard (the CSV has them all). */
const DASHBOARD_PAGE_SIZE = 50
const ReviewerParams = Type.Object({ slug, id: rowId, mid: rowId })

const SORT_LABELS: Record<Sort, string> = { mean: 'Highest weighted mean', spread: 'Largest spread', count: 'Fewest reviews', title: 'Title' }

/**
 * A call's review, for its organizers (under the c/orga guard): the dashboard (progress per reviewer, scores per
 * proposal, sorted and filtered, with a CSV export), the call's reviewers, its rubric and review settings, and
 * "assign evenly".
 */
export default async function reviewAdminRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/calls/:id/reviews', pageRoute(SlugIdParams, DashboardQuery), dashboard)
  app.get('/c/:slug/orga/calls/:id/reviews.csv', pageRoute(SlugIdParams, DashboardQuery), dashboardCsv)
  app.post('/c/:slug/orga/calls/:id/reviews/reviewers', formRoute(SlugIdParams, AddReviewerForm), addTheReviewer)
  app.post('/c/:slug/orga/calls/:id/reviews/reviewers/:mid/remove', formRoute(ReviewerParams, buttonForm), removeTheReviewer)
  app.post('/c/:slug/orga/calls/:id/reviews/settings', formRoute(SlugIdParams, ReviewSettingsForm), saveSettings)
  app.post('/c/:slug/orga/calls/:id/reviews/assign', formRoute(SlugIdParams, buttonForm), assign)

  const loadCall = (request: FastifyRequest) => app.loadCall(request)

  async function pool (call: Call) {
    return reviewerPool(app.db, call.id, await listCurrentOrganizers(app.db, call.community_id))
  }

  function options (request: FastifyRequest) {
    const q = request.query as Static<typeof DashboardQuery>
    const sort: Sort = (SORTS as readonly string[]).includes(q.sort ?? '') ? q.sort as Sort : 'mean'
    return { sort, format: q.format || undefined, topic: q.topic || undefined, firstTime: q.first_time === 'yes' }
  }

  async function dashboardPage (request: FastifyRequest, reply: FastifyReply, call: Call,
    extra: { reviewerEmail?: string, reviewerErrors?: Record<string, string>, settings?: SettingsValues, settingsErrors?: Record<string, string> } = {}, status = 200) {
    const slug = request.community.slug
    const opts = options(request)
    const [reviewers, people] = await Promise.all([listCallReviewers(app.db, call.id), pool(call)])
    const data = await reviewDashboard(app.db, call, people, opts, { page: pageNumber(request.query), size: DASHBOARD_PAGE_SIZE })
    const settings = extra.settings ?? settingsValues(call, rubricOf(call))
    const formats = call.formats as unknown as CallFormat[]
    const filters = { format: opts.format, topic: opts.topic, first_time: opts.firstTime ? 'yes' : undefined }
    return reply.page('c/orga/calls/reviews', {
      title: `Review dashboard: ${call.title}`,
      community: request.community,
      call,
      blind: isBlind(call),
      reviewers: reviewers.map((r) => ({ ...r, removeHref: paths.orgaReviewerRemove(slug, call.id, r.id) })),
      progress: data.reviewers,
      proposalPage: data.page,
      pageUrl: (n: number) => paths.orgaReviews(slug, call.id, { ...filters, sort: opts.sort === 'mean' ? undefined : opts.sort, page: n > 1 ? String(n) : undefined }),
      proposals: data.proposals.map((p) => ({ ...p, formatLabel: formats.find((f) => f.key === p.view.format)?.label ?? p.view.format, href: paths.reviewProposal(slug, call.id, p.view.id) })),
      sorts: SORTS.map((s) => ({ label: SORT_LABELS[s], href: paths.orgaReviews(slug, call.id, { ...filters, sort: s }), current: s === opts.sort })),
      opts,
      formats,
      topics: call.topics,
      csvHref: paths.orgaReviewsCsv(slug, call.id) + (request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''),
      reviewHref: paths.review(slug, call.id),
      reviewerEmail: extra.reviewerEmail ?? '',
      errors: { ...(extra.reviewerErrors ?? {}), ...(extra.settingsErrors ?? {}) },
      reviewerErrors: extra.reviewerErrors ?? {},
      settingsErrors: extra.settingsErrors ?? {},
      settings: { ...settings, criteria: [...settings.criteria, ...Array.from({ length: SPARE_CRITERIA }, () => ({ key: '', label: '', weight: '' }))] }
    }, status)
  }

  async function dashboard (request: FastifyRequest, reply: FastifyReply) {
    return dashboardPage(request, reply, await loadCall(request))
  }

  async function dashboardCsv (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const data = await reviewDashboard(app.db, call, await pool(call), options(request))
    const csv = toCsv([
      ['Proposal', 'Title', 'Speakers', 'Format', 'Topic', 'First time', 'Reviews', 'Weighted mean', 'Spread'],
      ...data.proposals.map((p) => [p.view.id, p.view.title, p.view.speakers, p.view.format, p.view.topic ?? '', p.view.firstTime ? 'yes' : 'no',
        p.count, p.mean === null ? '' : p.mean.toFixed(2), p.spread === null ? '' : p.spread.toFixed(2)])
    ])
    return reply.header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="reviews-call-${call.id}.csv"`).send(csv)
  }

  async function addTheReviewer (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const f = readForm(AddReviewerForm, request.body)
    const email = readEmail(f)
    if (!email) return dashboardPage(request, reply, call, { reviewerEmail: f.values.email, reviewerErrors: f.errors }, 400)
    const added = await addReviewer(app.db, request.community.id, call.id, email, request.member!.id)
    if (!added.ok) return dashboardPage(request, reply, call, { reviewerEmail: f.values.email, reviewerErrors: { email: added.problem } }, 400)
    return reply.flash(`${added.name} now reviews this call.`).redirect(paths.orgaReviews(request.community.slug, call.id), 303)
  }

  async function removeTheReviewer (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const removed = await removeReviewer(app.db, call.id, idParam(request, 'reviewer', 'mid'))
    return reply.flash(removed ? 'Reviewer removed (their reviews stay).' : 'That member was not a reviewer of this call.')
      .redirect(paths.orgaReviews(request.community.slug, call.id), 303)
  }

  async function saveSettings (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const f = readSettingsForm(request.body)
    if (!f.input) return dashboardPage(request, reply, call, { settings: f.values, settingsErrors: f.errors }, 400)
    await saveReviewSettings(app.db, call.id, f.input)
    return reply.flash('Review settings saved.').redirect(paths.orgaReviews(request.community.slug, call.id), 303)
  }

  async function assign (request: FastifyRequest, reply: FastifyReply) {
    const call = await loadCall(request)
    const people = await pool(call)
    const { added, short } = await app.db.transaction().execute((trx) => assignEvenly(trx, call, people))
    const note = short ? ` ${short} proposal(s) could not get ${call.reviewers_per_proposal} reviewers without a conflict: add reviewers.` : ''
    return reply.flash(`${added} assignment(s) added.${note}`).redirect(paths.orgaReviews(request.community.slug, call.id), 303)
  }
}
