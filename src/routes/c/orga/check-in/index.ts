import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { checkIn, countCheckIns, doorList, isWalkInSearch, undoCheckIn, walkInCandidates } from '../../../../domain/events/check-ins.service.js'
import { Type, type Static } from 'typebox'
import { ticked } from '../../../../forms/place-fields.js'
import { parseId } from '../../../../lib/forms.js'
import { checkbox, form, NoQuery, queryText, SlugIdParams } from '../../../../lib/schema.js'
import { paths } from '../../../../lib/paths.js'
import { connectionsMadeAt } from '../../../../domain/connections/met.service.js'

const DoorListQuery = Type.Object({ q: queryText('the search', 100) }, { additionalProperties: false })

/** Check one person in (or undo it), keeping the door list's search. */
const CheckInForm = form({
  // '' or not an id: "Choose a person to check in."
  member_id: Type.Optional(Type.String({ title: 'the person', maxLength: 12, default: '' })),
  q: queryText('the search', 100),
  undo: Type.Optional(Type.String({ maxLength: 3 })),
  walk_in: checkbox('a walk-in')
})

/** Check-in at the door of an event: who is expected, who has arrived, and walk-ins from the community. */
export default async function checkInRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/events/:id/check-in', { schema: { params: SlugIdParams, querystring: DoorListQuery } }, showDoorList)
  app.post('/c/:slug/orga/events/:id/check-in', { schema: { params: SlugIdParams, querystring: NoQuery, body: CheckInForm } }, checkInAtTheDoor)

  async function showDoorList (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const q = ((request.query as Static<typeof DoorListQuery>).q ?? '').trim()
    const [rows, candidates, arrived, connectionsMade] = await Promise.all([
      doorList(app.db, event.id, q), walkInCandidates(app.db, request.community.id, event.id, q), countCheckIns(app.db, event.id),
      connectionsMadeAt(app.db, event)
    ])
    return reply.page('c/orga/check-in/index', {
      title: `Check-in · ${event.title}`, community: request.community, event, rows, candidates, arrived, q, walkInSearched: isWalkInSearch(q), connectionsMade
    })
  }

  async function checkInAtTheDoor (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const body = request.body as Static<typeof CheckInForm>
    const memberId = parseId(body.member_id)
    const q = body.q ?? ''
    const back = paths.orgaEvent(request.community.slug, event.id, 'check-in') + (q ? '?q=' + encodeURIComponent(q) : '')
    if (memberId === null) return reply.flash('Choose a person to check in.').redirect(back, 303)
    if (body.undo === 'yes') {
      await undoCheckIn(app.db, event.id, memberId)
      return reply.flash('Check-in undone.').redirect(back, 303)
    }
    const result = await checkIn(app.db, { eventId: event.id, communityId: request.community.id, memberId, by: request.member!.id, walkIn: ticked(request.body as Record<string, unknown>, 'walk_in') })
    const messages = { 'checked-in': 'Checked in.', already: 'Already checked in.', 'not-a-member': 'Only members of this community can be checked in.' }
    return reply.flash(messages[result]).redirect(back, 303)
  }
}
