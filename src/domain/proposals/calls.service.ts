import type { Call, CallFormat, Db, TalkTemplate, TemplateField } from '../../db/database.js'
import {
  countTemplates, findTemplate, insertCall, insertTemplates, listTemplates, templateNameTaken, updateCallRow, updateTemplateRow
} from './proposals.repository.js'
import { checkTemplateFields, DEFAULT_DECISION_MAILS, DEFAULT_RUBRIC, DEFAULT_TEMPLATES } from './templates.js'

/*
 * Calls for proposals as organizers run them: the community's talk templates (the shipped defaults, made the
 * first time they are needed, then edited), and calls on an event or a series with their dates, formats, topics,
 * templates, cap and review settings.
 */

/** What the call form gives: dates already turned into instants in the event's or series' zone. */
export interface CallInput {
  target: { kind: 'event' | 'series', id: number, timeZone: string }
  title: string
  lookingFor: string
  opensAt: Date
  closesAt: Date
  formats: CallFormat[]
  topics: string[]
  templateIds: number[]
  maxPerPerson: number
  blindReview: boolean
}

/** The community's templates, the shipped defaults first made if it has never had any. */
export async function ensureTemplates (db: Db, communityId: number): Promise<TalkTemplate[]> {
  if (await countTemplates(db, communityId) === 0) await insertTemplates(db, communityId, DEFAULT_TEMPLATES)
  return listTemplates(db, communityId)
}

export async function createCall (db: Db, communityId: number, input: CallInput, by: number | null): Promise<Call> {
  return insertCall(db, {
    community_id: communityId,
    event_id: input.target.kind === 'event' ? input.target.id : null,
    series_id: input.target.kind === 'series' ? input.target.id : null,
    time_zone: input.target.timeZone,
    ...editableColumns(input),
    rubric: JSON.stringify(DEFAULT_RUBRIC),
    decision_mails: JSON.stringify(DEFAULT_DECISION_MAILS),
    decisions_released_at: null,
    created_by: by
  })
}

/** Edits a call; what it is on stays (a call moved to another event would strand its proposals). */
export async function editCall (db: Db, callId: number, input: Omit<CallInput, 'target'>): Promise<void> {
  await updateCallRow(db, callId, editableColumns(input))
}

/** The columns the call form sets, on creation and on every edit. */
function editableColumns (input: Omit<CallInput, 'target'>) {
  return {
    title: input.title,
    looking_for: input.lookingFor,
    opens_at: input.opensAt,
    closes_at: input.closesAt,
    formats: JSON.stringify(input.formats),
    topics: input.topics,
    template_ids: input.templateIds,
    max_proposals_per_person: input.maxPerPerson,
    blind_review: input.blindReview
  }
}

export type CallPhase = 'not-open' | 'open' | 'closed'

/** Where a call is at `now`: proposals are written only while it is open. */
export function callPhase (call: Pick<Call, 'opens_at' | 'closes_at'>, now = new Date()): CallPhase {
  if (now < call.opens_at) return 'not-open'
  return now < call.closes_at ? 'open' : 'closed'
}

/** The call's templates, in the order the call lists them (archived or deleted ones left out). */
export function callTemplates (call: Pick<Call, 'template_ids'>, templates: TalkTemplate[]): TalkTemplate[] {
  return call.template_ids.map((id) => templates.find((t) => t.id === id)).filter((t): t is TalkTemplate => Boolean(t))
}

/**
 * Saves a template's name, description and fields as organizers edited them. Returns the problems (each naming
 * the field or the template) instead when the result would not be a usable template or the name is taken.
 */
export async function saveTemplate (db: Db, communityId: number, templateId: number,
  edit: { name: string, description: string, fields: TemplateField[] }): Promise<{ ok: true } | { ok: false, problems: string[] }> {
  const template = await findTemplate(db, communityId, templateId)
  if (!template) return { ok: false, problems: ['That template no longer exists.'] }
  const problems = checkTemplateFields(edit.fields)
  if (await templateNameTaken(db, communityId, edit.name, templateId)) problems.unshift(`Another template is already called "${edit.name}".`)
  if (problems.length) return { ok: false, problems }
  await updateTemplateRow(db, templateId, edit)
  return { ok: true }
}
