import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Event } from '../../../../db/database.js'
import { recordAudit } from '../../../../domain/audit/audit.service.js'
import { listHosts, setHosts } from '../../../../domain/events/events.repository.js'
import { Type } from 'typebox'
import { cancelEvent, copyEvent, createEvent, deleteDraft, EVENT_KINDS, lacksCaptions, publishEvent, updateEvent } from '../../../../domain/events/events.service.js'
import { zoneOptions } from '../../../../lib/time-zones.js'
import { hostChoices, memberOptions, resolveHosts, type HostsForm } from '../../../../domain/events/hosts.service.js'
import { countByStatus, listAttendees } from '../../../../domain/rsvps/rsvps.repository.js'
import { attendeesCsv } from '../../../../domain/rsvps/rsvps.service.js'
import { connectionsMadeAt } from '../../../../domain/connections/met.service.js'
import { EventForm, eventFormValues, hostsFormValues, readEventForm, readHostsForm } from '../../../../forms/event-form.js'
import { buttonForm, form, NoQuery, SlugIdParams, SlugParams } from '../../../../lib/schema.js'
import { paths } from '../../../../lib/paths.js'
import agendaRoutes from './agenda.js'
import eventMessageRoutes from './message.js'

const kindOptions = [{ value: '', label: '- Choose -' }, ...EVENT_KINDS]

/** Organizers' event pages: create, edit, publish, copy and cancel an event; its attendees and their CSV. */
export default async function eventRoutes (app: FastifyInstance) {
  const page = { schema: { params: SlugIdParams, querystring: NoQuery } }
  const button = { schema: { params: SlugIdParams, querystring: NoQuery, body: buttonForm } }
  // The form pages read their own errors (config.form): the form is re-shown with them and the input kept.
  app.get('/c/:slug/orga/events/new', { schema: { params: SlugParams, querystring: NoQuery } }, newEvent)
  app.post('/c/:slug/orga/events/new', { schema: { params: SlugParams, querystring: NoQuery, body: EventForm }, config: { form: true } }, createTheEvent)
  app.get('/c/:slug/orga/events/:id/edit', page, editEvent)
  app.post('/c/:slug/orga/events/:id/edit', { schema: { params: SlugIdParams, querystring: NoQuery, body: EventForm }, config: { form: true } }, saveEvent)
  app.post('/c/:slug/orga/events/:id/publish', { schema: { params: SlugIdParams, querystring: NoQuery, body: form({ confirm: Type.Optional(Type.Literal('yes')) }) } }, publishDraft)
  app.post('/c/:slug/orga/events/:id/copy', button, copyTheEvent)
  app.post('/c/:slug/orga/events/:id/cancel', button, cancelTheEvent)
  app.post('/c/:slug/orga/events/:id/delete', button, deleteTheDraft)
  await app.register(eventMessageRoutes)
  await app.register(agendaRoutes)
  app.get('/c/:slug/orga/events/:id/attendees', page, showAttendees)
  app.get('/c/:slug/orga/events/:id/attendees.csv', page, attendeesFile)

  /** The event form; `hosts` is what the hosts checkboxes show (the event's hosts, or the form as sent). */
  async function eventForm (request: FastifyRequest, reply: FastifyReply, data: { event?: Event, values: Record<string, unknown>, hosts: HostsForm, errors?: Record<string, string> }, status = 200) {
    const current = data.event ? (await listHosts(app.db, data.event.id)).map((h) => h.id) : [request.member!.id]
    const offered = [...current, ...data.hosts.hosts.map(Number)].filter((n) => Number.isSafeInteger(n))
    return reply.page('c/orga/events/form', {
      title: data.event ? `Edit ${data.event.title}` : 'New event',
      community: request.community,
      kindOptions,
      zoneOptions: zoneOptions(String(data.values.time_zone ?? '')),
      hostChoices: await hostChoices(app.db, request.community.id, offered),
      hostOptions: await memberOptions(app.db, request.community.id, '- Nobody else -'),
      errors: {},
      ...data,
      values: { ...data.values, ...data.hosts }
    }, status)
  }

  async function newEvent (request: FastifyRequest, reply: FastifyReply) {
    return eventForm(request, reply, { values: { time_zone: 'America/New_York', ask_accessibility: true }, hosts: hostsFormValues([request.member!.id]) })
  }

  async function createTheEvent (request: FastifyRequest, reply: FastifyReply) {
    const form = readEventForm(request.body)
    const hostsForm = readHostsForm(request.body)
    const hosts = await resolveHosts(app.db, request.community.id, hostsForm, [request.member!.id])
    if (!form.input || !hosts.hostIds) return eventForm(request, reply, { values: form.values, hosts: hostsForm, errors: { ...form.errors, ...hosts.errors } }, 400)
    const input = form.input
    const hostIds = hosts.hostIds
    const event = await app.db.transaction().execute(async (trx) => {
      const created = await createEvent(trx, request.community.id, input, request.member!.id)
      await setHosts(trx, created.id, hostIds)
      return created
    })
    return reply.flash('Draft saved. Check it, then publish it.').redirect(paths.eventPage(request.community.slug, event.id), 303)
  }

  async function editEvent (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const hosts = (await listHosts(app.db, event.id)).map((h) => h.id)
    return eventForm(request, reply, { event, values: eventFormValues(event), hosts: hostsFormValues(hosts) })
  }

  async function saveEvent (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const form = readEventForm(request.body)
    const hostsForm = readHostsForm(request.body)
    const currentHosts = (await listHosts(app.db, event.id)).map((h) => h.id)
    const hosts = await resolveHosts(app.db, request.community.id, hostsForm, currentHosts)
    if (!form.input || !hosts.hostIds) return eventForm(request, reply, { event, values: form.values, hosts: hostsForm, errors: { ...form.errors, ...hosts.errors } }, 400)
    const input = form.input
    const hostIds = hosts.hostIds
    const hostsChanged = [...new Set(hostIds)].sort().join() !== [...new Set(currentHosts)].sort().join()
    const { promoted } = await app.db.transaction().execute(async (trx) => {
      const result = await updateEvent(trx, event.id, input, { hostsChanged })
      await setHosts(trx, event.id, hostIds)
      return result
    })
    const note = promoted.length ? ` ${promoted.length} waitlisted ${promoted.length === 1 ? 'member is' : 'members are'} now going and have been emailed.` : ''
    return reply.flash(`Changes saved.${note}`).redirect(paths.eventPage(request.community.slug, event.id), 303)
  }

  async function publishDraft (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    if (event.status !== 'draft') return reply.flash('This event is not a draft.').redirect(paths.eventPage(request.community.slug, event.id), 303)
    if (lacksCaptions(event) && (request.body as { confirm?: string }).confirm !== 'yes') {
      return reply.page('c/orga/events/confirm-publish', { title: 'Publish without live captions?', community: request.community, event })
    }
    await app.db.transaction().execute(async (trx) => {
      await publishEvent(trx, event.id)
      await recordAudit(trx, { actorId: request.member!.id, action: 'event.published', communityId: request.community.id, target: event.title })
    })
    return reply.flash('Published: members can now see it and RSVP.').redirect(paths.eventPage(request.community.slug, event.id), 303)
  }

  async function copyTheEvent (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const copy = await app.db.transaction().execute((trx) => copyEvent(trx, event.id, request.member!.id))
    return reply.flash('This is a copy, saved as a draft. Set its date and details, then save.')
      .redirect(paths.orgaEventEdit(request.community.slug, copy.id), 303)
  }

  async function cancelTheEvent (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    await app.db.transaction().execute(async (trx) => {
      await cancelEvent(trx, event.id)
      await recordAudit(trx, { actorId: request.member!.id, action: 'event.cancelled', communityId: request.community.id, target: event.title })
    })
    return reply.flash('Event cancelled. Everyone who said they were coming has been emailed.').redirect(paths.eventPage(request.community.slug, event.id), 303)
  }

  async function deleteTheDraft (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const result = await app.db.transaction().execute(async (trx) => {
      const deleted = await deleteDraft(trx, event.id)
      if (deleted.ok) await recordAudit(trx, { actorId: request.member!.id, action: 'event.deleted', communityId: request.community.id, target: event.title })
      return deleted
    })
    if (!result.ok) return reply.flash(result.message).redirect(paths.eventPage(request.community.slug, event.id), 303)
    return reply.flash(`The draft “${event.title}” is deleted.`).redirect(paths.events(request.community.slug), 303)
  }

  async function showAttendees (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const [attendees, counts, connectionsMade] = await Promise.all([listAttendees(app.db, event.id), countByStatus(app.db, event.id), connectionsMadeAt(app.db, event)])
    return reply.page('c/orga/events/attendees', { title: `Attendees · ${event.title}`, community: request.community, event, attendees, counts, connectionsMade })
  }

  async function attendeesFile (request: FastifyRequest, reply: FastifyReply) {
    const event = await app.loadEvent(request)
    const csv = attendeesCsv(await listAttendees(app.db, event.id))
    return reply.header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="attendees-${event.id}.csv"`)
      .header('Cache-Control', 'no-store')
      .send(csv)
  }
}
