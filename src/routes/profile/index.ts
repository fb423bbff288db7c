import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { saveMailPreferences, saveProfile } from '../../domain/members/members.service.js'
import { MailPreferencesForm, readMailPreferencesForm } from '../../forms/mail-preferences-form.js'
import { US_STATES_AND_TERRITORIES } from '../../domain/members/regions.js'
import { PROFILE_LIMITS, ProfileForm, profileFormValues, readProfileForm } from '../../forms/profile-form.js'
import { buttonForm, IdParams, NoQuery } from '../../lib/schema.js'
import { idParam } from '../../lib/http.js'
import { ALL_ZONES } from '../../lib/time-zones.js'
import { feedLinks, regenerateFeed } from '../../domain/calendar/feeds.js'
import { paths } from '../../lib/paths.js'
import { myEvents } from '../../domain/rsvps/my-events.js'
import { accountDeletionPreview, deleteAccount } from '../../domain/members/account.service.js'
import { DeleteAccountForm, readDeleteAccountForm } from '../../forms/delete-account-form.js'
import { requestEmailChange } from '../../domain/auth/email-change.service.js'
import { EmailChangeForm, readEmailChangeForm } from '../../forms/email-change-form.js'
import { memberDataExport } from '../../domain/members/export.service.js'
import { confirmationsFor, confirmMet, declineMet } from '../../domain/connections/met.service.js'
import { FIELD_LABELS, LEVEL_LABELS, PROFILE_FIELDS, VISIBILITY_LEVELS } from '../../domain/members/visibility.js'
// Issue 13 (who met whom): the personal QR code and introductions.
import { metQrOf } from '../../domain/connections/qr.service.js'
import profileQrRoutes from './qr.js'
import profileIntroductionRoutes from './introductions.js'

const STATE_OPTIONS = [{ value: '', label: '- Choose -' }, ...US_STATES_AND_TERRITORIES.map((s) => ({ value: s, label: s }))]

/** Your own profile, and the addresses of your calendar feeds. Signed-in members only. */
export default async function profileRoutes (app: FastifyInstance) {
  app.addHook('preHandler', app.requireMember)

  app.get('/profile', { schema: { querystring: NoQuery } }, showProfile)
  app.post('/profile', { schema: { querystring: NoQuery, body: ProfileForm }, config: { form: true } }, saveTheProfile)
  app.post('/profile/calendar-feed', { schema: { querystring: NoQuery, body: buttonForm } }, newFeedAddresses)
  app.get('/profile/data.json', { schema: { querystring: NoQuery } }, downloadData)
  app.get('/profile/events', { schema: { querystring: NoQuery } }, showMyEvents)
  app.get('/profile/delete', { schema: { querystring: NoQuery } }, showDeleteAccount)
  app.post('/profile/delete', { schema: { querystring: NoQuery, body: DeleteAccountForm }, config: { form: true } }, deleteTheAccount)
  app.post('/profile/email-address', { schema: { querystring: NoQuery, body: EmailChangeForm }, config: { form: true } }, askToChangeEmail)
  app.post('/profile/email', { schema: { querystring: NoQuery, body: MailPreferencesForm } }, saveEmailPreferences)
  await app.register(profileQrRoutes)
  await app.register(profileIntroductionRoutes)
  // "People who say they met you": confirm (connected), or "not someone I met" (their mark goes; never suggested).
  app.post('/profile/met/:id/confirm', { schema: { params: IdParams, querystring: NoQuery, body: buttonForm } }, confirmTheyMet)
  app.post('/profile/met/:id/decline', { schema: { params: IdParams, querystring: NoQuery, body: buttonForm } }, declineTheyMet)

  const zoneOptions = [{ value: '', label: '- Each event’s own time zone only -' }, ...ALL_ZONES.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))]
  const profilePage = {
    title: 'Your profile', limits: PROFILE_LIMITS, stateOptions: STATE_OPTIONS, zoneOptions,
    visibilityFields: PROFILE_FIELDS, fieldLabels: FIELD_LABELS,
    visibilityOptions: VISIBILITY_LEVELS.map((level) => ({ value: level, label: LEVEL_LABELS[level] }))
  }

  async function showProfile (request: FastifyRequest, reply: FastifyReply) {
    const calendarFeed = await feedLinks(app.db, app.site, request.member!)
    const metQr = await metQrOf(app.db, app.site.publicUrl, request.member!.id, request.member!.full_name)
    const confirmations = await confirmationsFor(app.db, request.member!.id)
    return reply.page('profile/edit', { ...profilePage, values: profileFormValues(request.member!), calendarFeed, metQr, confirmations, emailChange: { values: { new_email: '' }, errors: {} } })
  }

  async function askToChangeEmail (request: FastifyRequest, reply: FastifyReply) {
    const form = readEmailChangeForm(request.body)
    const outcome = form.email ? await requestEmailChange(app.db, app.mailer, request.member!, form.email) : null
    if (!outcome?.ok) {
      const errors = outcome ? { new_email: outcome.message } : form.errors
      const calendarFeed = await feedLinks(app.db, app.site, request.member!)
      const confirmations = await confirmationsFor(app.db, request.member!.id)
      return reply.page('profile/edit', { ...profilePage, values: profileFormValues(request.member!), calendarFeed, confirmations, emailChange: { values: form.values, errors } }, 400)
    }
    return reply.flash(`We sent a link to ${form.email}. Open it within a day to confirm the new address; until then Convene keeps using ${request.member!.email}.`)
      .redirect(paths.profileAccount(), 303)
  }

  async function saveTheProfile (request: FastifyRequest, reply: FastifyReply) {
    const form = readProfileForm(request.body)
    if (!form.input) {
      const calendarFeed = await feedLinks(app.db, app.site, request.member!)
      const confirmations = await confirmationsFor(app.db, request.member!.id)
      return reply.page('profile/edit', { ...profilePage, values: form.values, errors: form.errors, calendarFeed, confirmations, emailChange: { values: { new_email: '' }, errors: {} } }, 400)
    }
    await saveProfile(app.db, request.member!.id, form.input)
    return reply.flash('Your profile is saved.').redirect(paths.member(request.member!.id), 303)
  }

  async function downloadData (request: FastifyRequest, reply: FastifyReply) {
    const data = await memberDataExport(app.db, request.member!.id)
    return reply.header('Content-Type', 'application/json; charset=utf-8')
      .header('Content-Disposition', 'attachment; filename="convene-my-data.json"')
      .header('Cache-Control', 'no-store')
      .send(JSON.stringify(data, null, 2))
  }

  async function showMyEvents (request: FastifyRequest, reply: FastifyReply) {
    const { upcoming, past } = await myEvents(app.db, request.member!.id, request.viewerZone)
    return reply.page('profile/events', { title: 'My events', upcoming, past, viewerZone: request.viewerZone })
  }

  async function saveEmailPreferences (request: FastifyRequest, reply: FastifyReply) {
    const form = readMailPreferencesForm(request.body)
    // Checkboxes only: the schema has already refused anything else, so there is nothing to re-show.
    if (!form.input) return reply.flash('Your email choices could not be read. Try again.').redirect(paths.profileEmail(), 303)
    await saveMailPreferences(app.db, request.member!.id, form.input)
    return reply.flash('Your email choices are saved.').redirect(paths.profileEmail(), 303)
  }

  async function deletePage (request: FastifyRequest, reply: FastifyReply,
    extra: { values?: Record<string, string>, errors?: Record<string, string>, problem?: string } = {}, status = 200) {
    const preview = await accountDeletionPreview(app.db, request.member!.id)
    return reply.page('profile/delete', { title: 'Delete your account', preview, values: { email: '' }, ...extra, problem: extra.problem ?? preview.refusal }, status)
  }

  async function showDeleteAccount (request: FastifyRequest, reply: FastifyReply) {
    return deletePage(request, reply)
  }

  async function deleteTheAccount (request: FastifyRequest, reply: FastifyReply) {
    const form = readDeleteAccountForm(request.body, request.member!.email)
    if (!form.confirmed) return deletePage(request, reply, { values: form.values, errors: form.errors }, 400)
    const outcome = await deleteAccount(app.db, request.member!.id)
    if (!outcome.ok) return deletePage(request, reply, { values: form.values, problem: outcome.message }, 409)
    await reply.signOut()
    return reply.flash('Your account is deleted, and you are signed out. Thank you for taking part.').redirect(paths.home(), 303)
  }

  async function newFeedAddresses (request: FastifyRequest, reply: FastifyReply) {
    await regenerateFeed(app.db, request.member!.id)
    return reply.flash('Your calendar feeds have new addresses. The old ones no longer work: subscribe again with the new ones below.')
      .redirect(paths.profileFeeds(), 303)
  }

  /** The profile page again, with a problem in its "People who say they met you" section (400). */
  async function metProblem (request: FastifyRequest, reply: FastifyReply, message: string) {
    const [calendarFeed, confirmations] = await Promise.all([feedLinks(app.db, app.site, request.member!), confirmationsFor(app.db, request.member!.id)])
    return reply.page('profile/edit', {
      ...profilePage, values: profileFormValues(request.member!), calendarFeed, confirmations, metProblem: message, emailChange: { values: { new_email: '' }, errors: {} }
    }, 400)
  }

  async function confirmTheyMet (request: FastifyRequest, reply: FastifyReply) {
    const result = await app.db.transaction().execute((trx) => confirmMet(trx, request.member!.id, idParam(request, 'person')))
    if (!result.ok) return metProblem(request, reply, result.message)
    const message = result.outcome === 'connected' || result.outcome === 'already-connected'
      ? `You and ${result.name} are now connected.`
      : `Recorded. You’ll be connected when ${result.name} says so too.`
    return reply.flash(message).redirect(paths.profileMet(), 303)
  }

  async function declineTheyMet (request: FastifyRequest, reply: FastifyReply) {
    const done = await app.db.transaction().execute((trx) => declineMet(trx, request.member!.id, idParam(request, 'person')))
    if (!done) return metProblem(request, reply, 'That person is no longer waiting for you to confirm.')
    return reply.flash('Done: they no longer say they met you, and they won’t be suggested to you.').redirect(paths.profileMet(), 303)
  }
}
