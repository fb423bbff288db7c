import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { PROFILE_LIMITS, profileToForm, readProfileForm, saveMemberTimeZone, saveProfile, validateProfile } from '../../domain/members/members.service.js'
import { US_STATES_AND_TERRITORIES } from '../../domain/members/regions.js'
import { ALL_ZONES, readTimeZone } from '../../lib/time-zones.js'
import { feedLinks, regenerateFeed } from '../../domain/calendar/feeds.js'

const STATE_OPTIONS = [{ value: '', label: '- Choose -' }, ...US_STATES_AND_TERRITORIES.map((s) => ({ value: s, label: s }))]

/** Your own profile, and the addresses of your calendar feeds. Signed-in members only. */
export default async function profileRoutes (app: FastifyInstance) {
  app.addHook('preHandler', app.requireMember)

  app.get('/profile', showProfile)
  app.post('/profile', saveTheProfile)
  app.post('/profile/calendar-feed', newFeedAddresses)

  const zoneOptions = [{ value: '', label: '- Each event’s own time zone only -' }, ...ALL_ZONES.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))]
  const profilePage = { title: 'Your profile', limits: PROFILE_LIMITS, stateOptions: STATE_OPTIONS, zoneOptions }

  async function showProfile (request: FastifyRequest, reply: FastifyReply) {
    const calendarFeed = await feedLinks(app.db, app.site, request.member!)
    return reply.page('profile/edit', { ...profilePage, values: { ...profileToForm(request.member!), time_zone: request.member!.time_zone ?? '' }, calendarFeed })
  }

  async function saveTheProfile (request: FastifyRequest, reply: FastifyReply) {
    const form = readProfileForm(request.body)
    const zone = readTimeZone(request.body)
    const errors = zone.error ? { ...validateProfile(form).errors, time_zone: zone.error } : await saveProfile(app.db, request.member!.id, form)
    if (Object.keys(errors).length) {
      const calendarFeed = await feedLinks(app.db, app.site, request.member!)
      return reply.page('profile/edit', { ...profilePage, values: { ...form, time_zone: zone.value }, errors, calendarFeed }, 400)
    }
    await saveMemberTimeZone(app.db, request.member!.id, zone.value || null)
    return reply.flash('Your profile is saved.').redirect(`/members/${request.member!.id}`, 303)
  }

  async function newFeedAddresses (request: FastifyRequest, reply: FastifyReply) {
    await regenerateFeed(app.db, request.member!.id)
    return reply.flash('Your calendar feeds have new addresses. The old ones no longer work: subscribe again with the new ones below.')
      .redirect('/profile#calendar-feed', 303)
  }
}
