import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { checkIn, countCheckIns, doorList, isWalkInSearch, undoCheckIn, walkInCandidates } from '../../../../domain/events/check-ins.service.js'
import { bool, parseId, str } from '../../../../lib/forms.js'

/** Check-in at the door of an event: who is expected, who has arrived, and walk-ins from the community. */
export default async function checkInRoutes (app: FastifyInstance) {
  app.get('/c/:slug/orga/events/:id/check-in', showDoorList)
  app.post('/c/:slug/orga/events/:id/check-in', checkInAtTheDoor)

  async function showDoorList (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const q = String((request.query as { q?: string }).q ?? '').trim().slice(0, 100)
    const [rows, candidates, arrived] = await Promise.all([
      doorList(app.db, event.id, q), walkInCandidates(app.db, request.community.id, event.id, q), countCheckIns(app.db, event.id)
    ])
    return reply.page('c/orga/check-in/index', { title: `Check-in · ${event.title}`, community: request.community, event, rows, candidates, arrived, q, walkInSearched: isWalkInSearch(q) })
  }

  async function checkInAtTheDoor (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const memberId = parseId(str(request.body, 'member_id', 12))
    const q = str(request.body, 'q', 100)
    const back = `/c/${request.community.slug}/orga/events/${event.id}/check-in${q ? '?q=' + encodeURIComponent(q) : ''}`
    if (memberId === null) return reply.flash('Choose a person to check in.').redirect(back, 303)
    if (str(request.body, 'undo') === 'yes') {
      await undoCheckIn(app.db, event.id, memberId)
      return reply.flash('Check-in undone.').redirect(back, 303)
    }
    const result = await checkIn(app.db, { eventId: event.id, communityId: request.community.id, memberId, by: request.member!.id, walkIn: bool(request.body, 'walk_in') })
    const messages = { 'checked-in': 'Checked in.', already: 'Already checked in.', 'not-a-member': 'Only members of this community can be checked in.' }
    return reply.flash(messages[result]).redirect(back, 303)
  }
}
