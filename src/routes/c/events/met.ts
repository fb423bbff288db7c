import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import type { Event } from '../../../db/database.js'
import { chooseMet, metAccess, metCandidates } from '../../../domain/connections/met.service.js'
import { forbidden, notFound } from '../../../lib/errors.js'
import { parseId } from '../../../lib/forms.js'
import { pageField, slicePage } from '../../../lib/paging.js'
import { paths } from '../../../lib/paths.js'
import { shortDate } from '../../../lib/format.js'
import { form, NoQuery, queryText, SlugIdParams } from '../../../lib/schema.js'

/** People per page of the "Who did you meet?" list. */
const PER_PAGE = 25

const MetQuery = Type.Object({ q: queryText('the search', 100), page: pageField }, { additionalProperties: false })
/** "I met them": the person, and the search the page had (so the member comes back to the same list). */
const MetForm = form({
  // '' or not an id: "Choose someone from the list."
  member_id: Type.Optional(Type.String({ title: 'the person', maxLength: 12, default: '' })),
  q: queryText('the search', 100)
})

/**
 * "Who did you meet?" at an in-person event (members only, by the community guard): the other members checked in
 * there, and "I met them". A brown-bag (online) has no such page: 404. A member who was not checked in at the
 * event gets 403 with what to do (ask an organizer to check them in).
 */
export default async function metRoutes (app: FastifyInstance) {
  app.get('/c/:slug/events/:id/met', { schema: { params: SlugIdParams, querystring: MetQuery } }, showMet)
  app.post('/c/:slug/events/:id/met', { schema: { params: SlugIdParams, querystring: NoQuery, body: MetForm } }, sayMet)

  /** The event, when the viewer may use its "Who did you meet?"; otherwise the 404 or 403. */
  async function loadMetEvent (request: FastifyRequest): Promise<Event> {
    const event = await app.loadEvent(request)
    const access = await metAccess(app.db, event, request.member!.id)
    if (access === 'not-in-person') throw notFound('page')
    if (access === 'not-checked-in') {
      throw forbidden('“Who did you meet?” is for members checked in at this event. If you were there, ask an organizer to check you in.')
    }
    return event
  }

  async function metPage (request: FastifyRequest, reply: FastifyReply, event: Event, q: string, page: number, problem?: string) {
    const people = await metCandidates(app.db, event, request.member!.id, q)
    const shown = slicePage(people, page, PER_PAGE)
    return reply.page('c/events/met', {
      title: `Who did you meet? ${event.title}, ${shortDate(event.starts_at, event.time_zone)}`,
      community: request.community,
      event,
      q,
      people: shown.rows,
      page: shown.page,
      pages: shown.pages,
      total: shown.total,
      pageUrl: (n: number) => paths.eventMet(request.community.slug, event.id, { q, page: n }),
      problem
    }, problem ? 400 : 200)
  }

  async function showMet (request: FastifyRequest, reply: FastifyReply) {
    const event = await loadMetEvent(request)
    const query = request.query as Static<typeof MetQuery>
    return metPage(request, reply, event, (query.q ?? '').trim(), Number(query.page ?? '1'))
  }

  async function sayMet (request: FastifyRequest, reply: FastifyReply) {
    const event = await loadMetEvent(request)
    const body = request.body as Static<typeof MetForm>
    const q = (body.q ?? '').trim()
    const metId = parseId(body.member_id)
    if (metId === null) return metPage(request, reply, event, q, 1, 'Choose someone from the list: only members checked in at this event can be chosen.')
    const result = await app.db.transaction().execute((trx) => chooseMet(trx, event, request.member!.id, metId))
    if (!result.ok) return metPage(request, reply, event, q, 1, result.message)
    const messages = {
      connected: `You and ${result.name} are now connected.`,
      'already-connected': `You and ${result.name} are already connected.`,
      recorded: `Recorded. You’ll be connected when ${result.name} says so too.`,
      'already-recorded': `Recorded. You’ll be connected when ${result.name} says so too.`
    }
    return reply.flash(messages[result.outcome]).redirect(paths.eventMet(request.community.slug, event.id, { q }), 303)
  }
}
