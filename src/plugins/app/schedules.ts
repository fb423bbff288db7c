import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/database.js'
import type { JobQueue } from '../../infra/jobs/queue.js'
import { keepAnOrganizer } from '../../domain/communities/organizers.service.js'
import type { Mailer } from '../../domain/mail/mailer.js'
import { materialiseAllSeries } from '../../domain/series/series.service.js'
import { CONFIRM_REMINDERS_CRON, CONFIRM_REMINDERS_JOB, sendConfirmReminders } from '../../domain/proposals/decisions.service.js'
import { deleteExpired } from '../../domain/site/site.repository.js'
import { MET_PROMPT_CRON, MET_PROMPT_JOB, sendMetPrompts } from '../../domain/connections/met-prompt.service.js'

/** Daily: roll every series' horizon forward, so a series always has its occurrences ~12 months ahead. */
export const SERIES_HORIZON_JOB = 'series.extend-horizon'
/** 03:15 UTC every day: a quiet hour for US communities. */
export const SERIES_HORIZON_CRON = '15 3 * * *'

interface Logger {
  info (obj: unknown, msg?: string): void
}

/** The handler of the daily series job (exported so tests run it without waiting for cron). */
export function seriesHorizonHandler (db: Kysely<Database>, log: Logger) {
  return async (): Promise<void> => {
    const created = await materialiseAllSeries(db)
    if (created) log.info({ created }, 'series horizon extended')
  }
}

/** Daily housekeeping: expired sessions, tokens and rate-limit counters go; no community is left without an organizer. */
export const HOUSEKEEPING_JOB = 'site.housekeeping'
/** 00:20 UTC: just after midnight, so a term ending "today" in US zones is extended before anyone notices. */
export const HOUSEKEEPING_CRON = '20 0 * * *'

export function housekeepingHandler (db: Kysely<Database>, log: Logger, mailer: Mailer) {
  return async (): Promise<void> => {
    const deleted = await deleteExpired(db)
    const extended = await keepAnOrganizer(db, mailer)
    if (deleted || extended) log.info({ deleted, extended }, 'housekeeping')
  }
}

/** Hourly: accepted speakers who have not confirmed `confirm_reminder_days` after their mail are reminded, once. */
export function confirmRemindersHandler (db: Kysely<Database>, log: Logger, mailer: Mailer) {
  return async (): Promise<void> => {
    const sent = await sendConfirmReminders(db, mailer)
    if (sent) log.info({ sent }, 'talk confirmation reminders')
  }
}

/** Hourly: "Who did you meet at …?" to those checked in at in-person events that have ended, once per event. */
export function metPromptHandler (db: Kysely<Database>, log: Logger, mailer: Mailer) {
  return async (): Promise<void> => {
    const sent = await sendMetPrompts(db, mailer)
    if (sent) log.info({ sent }, 'who did you meet mail')
  }
}

export function registerSchedules (queue: JobQueue, db: Kysely<Database>, log: Logger, mailer: Mailer): void {
  void queue.work(SERIES_HORIZON_JOB, seriesHorizonHandler(db, log), { policy: 'stately', retryLimit: 1, pollingIntervalSeconds: 60 })
  void queue.schedule(SERIES_HORIZON_JOB, SERIES_HORIZON_CRON)
  void queue.work(HOUSEKEEPING_JOB, housekeepingHandler(db, log, mailer), { policy: 'stately', retryLimit: 1, pollingIntervalSeconds: 60 })
  void queue.schedule(HOUSEKEEPING_JOB, HOUSEKEEPING_CRON)
  void queue.work(CONFIRM_REMINDERS_JOB, confirmRemindersHandler(db, log, mailer), { policy: 'stately', retryLimit: 1, pollingIntervalSeconds: 60 })
  void queue.schedule(CONFIRM_REMINDERS_JOB, CONFIRM_REMINDERS_CRON)
  void queue.work(MET_PROMPT_JOB, metPromptHandler(db, log, mailer), { policy: 'stately', retryLimit: 1, pollingIntervalSeconds: 60 })
  void queue.schedule(MET_PROMPT_JOB, MET_PROMPT_CRON)
}

/** Scheduled jobs of the app (cron, UTC): they run in the worker process only (see plugins/app/queue.ts). */
export default fp(async (app) => {
  registerSchedules(app.queue, app.db, app.log, app.mailer)
}, { name: 'schedules', dependencies: ['queue', 'db', 'mailer'] })
