import type { FastifyInstance } from 'fastify'
import {
  directoryPage, memberPageFor, PROFILE_LIMITS, profileToForm, readProfileForm, saveMemberTimeZone, saveProfile, validateProfile
} from '../../domain/members/members.service.js'
import { US_STATES_AND_TERRITORIES } from '../../domain/members/regions.js'
import { notFound } from '../../lib/errors.js'
import { idParam } from '../../lib/http.js'
import { ALL_ZONES, readTimeZone } from '../../lib/time-zones.js'
import { feedLinks } from '../../domain/calendar/feeds.js'

const STATE_OPTIONS = [{ value: '', label: '- Choose -' }, ...US_STATES_AND_TERRITORIES.map((s) => ({ value: s, label: s }))]

/** Profiles (your own), member pages (for members who share a community) and each community's directory. */
export default async function memberRoutes (app: FastifyInstance) {
  const zoneOptions = [{ value: '', label: '- Each event’s own time zone only -' }, ...ALL_ZONES.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))]
  const profilePage = { title: 'Your profile', limits: PROFILE_LIMITS, stateOptions: STATE_OPTIONS, zoneOptions }

  app.get('/profile', { preHandler: app.requireMember }, async (request, reply) => {
    const calendarFeed = await feedLinks(app.db, app.secret, app.config.PUBLIC_URL, request.member!)
    return reply.page('members/profile', { ...profilePage, values: { ...profileToForm(request.member!), time_zone: request.member!.time_zone ?? '' }, calendarFeed })
  })

  app.post('/profile', { preHandler: app.requireMember }, async (request, reply) => {
    const form = readProfileForm(request.body)
    const zone = readTimeZone(request.body)
    const errors = zone.error ? { ...validateProfile(form).errors, time_zone: zone.error } : await saveProfile(app.db, request.member!.id, form)
    if (Object.keys(errors).length) {
      const calendarFeed = await feedLinks(app.db, app.secret, app.config.PUBLIC_URL, request.member!)
      return reply.page('members/profile', { ...profilePage, values: { ...form, time_zone: zone.value }, errors, calendarFeed }, 400)
    }
    await saveMemberTimeZone(app.db, request.member!.id, zone.value || null)
    return reply.flash('Your profile is saved.').redirect(`/members/${request.member!.id}`, 303)
  })

  // To anyone who does not share a community with the member, the page does not exist (404, not 403).
  app.get('/members/:id', async (request, reply) => {
    const found = await memberPageFor(app.db, request.member, idParam(request))
    if (!found) throw notFound()
    // `member` is the viewer in every template; the member shown is `profile`.
    return reply.page('members/show', {
      title: found.member.full_name,
      profile: found.member,
      communities: found.communities,
      sharedOnly: found.sharedOnly,
      isSelf: found.member.id === request.member!.id
    })
  })

  app.get('/c/:slug/members', { preHandler: app.requireCommunityMember }, async (request, reply) => {
    const query = request.query as { q?: unknown, page?: unknown }
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 100) : ''
    const page = typeof query.page === 'string' && /^\d{1,6}$/.test(query.page) ? Number(query.page) : 1
    const result = await directoryPage(app.db, request.community.id, q, page)
    return reply.page('members/directory', {
      title: `Members · ${request.community.name}`, community: request.community, q, ...result
    })
  })
}
