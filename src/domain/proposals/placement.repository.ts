import type { Db, Event, TemplateField } from '../../db/database.js'

/*
 * The SQL of placing accepted talks on a series' meetings (placement.service.ts decides). A meeting names the
 * talk it holds in `events.proposal_id`; every lookup names the call or series a row must belong to.
 */

/**
 * A call's accepted talks (submitted, accepted, not declined by their speaker), with their speaker and the
 * meeting each is placed on (null when none), in proposal order.
 */
export async function listAcceptedTalks (db: Db, callId: number) {
  return db.selectFrom('proposals').innerJoin('members', 'members.id', 'proposals.submitter_id')
    .leftJoin('events', 'events.proposal_id', 'proposals.id')
    .select(['proposals.id', 'proposals.title', 'proposals.format', 'proposals.decision_mailed_at', 'proposals.confirmation',
      'members.full_name', 'events.id as event_id', 'events.starts_at as event_starts_at', 'events.time_zone as event_time_zone',
      'events.status as event_status'])
    .where('proposals.call_id', '=', callId).where('proposals.state', '=', 'submitted')
    .where('proposals.decision', '=', 'accepted')
    .where((eb) => eb.or([eb('proposals.confirmation', 'is', null), eb('proposals.confirmation', '!=', 'declined')]))
    .orderBy('proposals.id').execute()
}

/** The names of a talk's speakers: its submitter, then the co-speakers who accepted, in the order invited. */
export async function talkSpeakerNames (db: Db, proposalId: number): Promise<string[]> {
  const submitter = await db.selectFrom('proposals').innerJoin('members', 'members.id', 'proposals.submitter_id')
    .select('members.full_name').where('proposals.id', '=', proposalId).executeTakeFirst()
  const co = await db.selectFrom('proposal_speakers').innerJoin('members', 'members.id', 'proposal_speakers.member_id')
    .select('members.full_name').where('proposal_speakers.proposal_id', '=', proposalId)
    .where('proposal_speakers.state', '=', 'accepted').orderBy('proposal_speakers.id').execute()
  return [...(submitter ? [submitter.full_name] : []), ...co.map((c) => c.full_name)]
}

/** The fields of the template a proposal was written in. */
export async function proposalTemplateFields (db: Db, proposalId: number): Promise<TemplateField[]> {
  const row = await db.selectFrom('proposals').innerJoin('talk_templates', 'talk_templates.id', 'proposals.template_id')
    .select('talk_templates.fields').where('proposals.id', '=', proposalId).executeTakeFirst()
  return (row?.fields ?? []) as TemplateField[]
}

/** The meeting a talk is placed on, locked; undefined when it is on none. */
export async function lockMeetingOfTalk (trx: Db, proposalId: number): Promise<Event | undefined> {
  return trx.selectFrom('events').selectAll().where('proposal_id', '=', proposalId).forUpdate().executeTakeFirst()
}

/** A meeting of the series, locked; undefined when the event is not one of its meetings. */
export async function lockMeetingOfSeries (trx: Db, seriesId: number, eventId: number): Promise<Event | undefined> {
  return trx.selectFrom('events').selectAll().where('id', '=', eventId).where('series_id', '=', seriesId).forUpdate().executeTakeFirst()
}

/** Records which talk a meeting holds (null: none). */
export async function setMeetingTalk (trx: Db, eventId: number, proposalId: number | null): Promise<void> {
  await trx.updateTable('events').set({ proposal_id: proposalId, updated_at: new Date() }).where('id', '=', eventId).execute()
}

/** The talk a meeting holds, for its page: the title and where the talk's page is. */
export async function findMeetingTalk (db: Db, proposalId: number) {
  return db.selectFrom('proposals').select(['id', 'call_id', 'title']).where('id', '=', proposalId).executeTakeFirst()
}

/** The meeting a talk is placed on (for its proposal's page), or undefined. */
export async function findMeetingOfTalk (db: Db, proposalId: number) {
  return db.selectFrom('events').select(['id', 'starts_at', 'time_zone', 'status']).where('proposal_id', '=', proposalId).executeTakeFirst()
}
