import type { FastifyInstance } from 'fastify'
import { findCommunityBySlug } from '../domain/communities/communities.repository.js'
import { createCall, ensureTemplates } from '../domain/proposals/calls.service.js'
import { answerConfirmLink, confirmToken, decide, releaseDecisions } from '../domain/proposals/decisions.service.js'
import { placementChoices, placeTalk } from '../domain/proposals/placement.service.js'
import { saveProposal } from '../domain/proposals/proposals.service.js'
import { answerCoSpeaker, inviteCoSpeaker } from '../domain/proposals/speakers.service.js'
import { DEFAULT_FORMATS } from '../domain/proposals/templates.js'

/*
 * The demo's call on a series: "talks for the next brown-bags" of the DNA community, with three talks accepted
 * and confirmed (one with a co-speaker) and placed on the next three brown-bags, and one on the backup list —
 * all through the domain services, as the pages make them. Once: nothing happens when the series has a call.
 */

/** The demo community and series this call is on (src/cli/demo.ts makes them; not imported: the CLI has no cycles). */
const DNA_SLUG = 'forensic-dna-analysts'
const BROWN_BAG = 'DNA brown-bag'

type Talk = [speaker: string, title: string, decision: 'accepted' | 'backup', coSpeaker: string | null, answers: Record<string, string>, bio: string]

const TALKS: Talk[] = [
  ['Grace Kim', 'Triage that cleared 600 sexual-assault kits', 'accepted', 'Luis Arroyo', {
    goal: 'Set up a two-tier triage for sexual-assault kits that sends the easy ones through in days.',
    steps: '1. The screening decision table and who applies it. 2. Batching by kit type. 3. The weekly backlog report. 4. What we stopped doing (overtime).',
    context: 'Washington State Patrol Crime Laboratory, Seattle: 1,400 kits waiting in 2025, 800 a year later.',
    why: 'Every state lab is under a legislated deadline for kits; this is a method, not more staff.',
    pitch: 'The two-tier triage that took our kit backlog from 1,400 to 800 in a year, and the decision table you can copy.'
  }, 'Forensic Scientist 4 at the Washington State Patrol Crime Laboratory.'],
  ['Aisha Rahman', 'mtDNA on degraded samples: what still works', 'accepted', null, {
    goal: 'Choose the right mitochondrial DNA approach for a degraded sample before spending it.',
    steps: '1. Reading the quantification result. 2. Mini-amplicons versus capture. 3. Interpreting heteroplasmy. 4. Writing the report so it survives cross-examination.',
    context: 'FBI Laboratory DNA Casework Unit: hair shafts and burnt remains, several hundred cases a year.',
    why: 'Degraded samples come to every lab, and each wasted extract is gone for good.',
    pitch: 'Which mitochondrial DNA approach to use on a degraded sample, decided before you spend the extract.'
  }, 'Biologist in the DNA Casework Unit of the FBI Laboratory.'],
  ['Michael Okafor', 'Y-STR results a jury understands', 'accepted', null, {
    goal: 'Explain a Y-STR result and its statistics in words a jury follows, without overstating it.',
    steps: '1. What a haplotype match does and does not mean. 2. The counting method in one picture. 3. Three sentences for the stand. 4. Questions to expect.',
    context: 'Georgia Bureau of Investigation: Y-STR testimony in some forty trials since 2022.',
    why: 'Y-STR evidence is misunderstood in court more than any other; the words matter.',
    pitch: 'Three sentences and one picture that explain a Y-STR result to a jury, tested in forty trials.'
  }, 'Forensic Biologist at the Georgia Bureau of Investigation.'],
  ['Carlos Mendoza', 'Our LIMS reports that supervisors actually read', 'backup', null, {
    goal: 'Build three LIMS reports for DNA supervisors that replace the morning status meeting.',
    steps: '1. The three questions supervisors ask each morning. 2. One report per question. 3. Scheduling and mailing them. 4. Retiring the meeting.',
    context: 'Arizona Department of Public Safety DNA section, eight analysts, in use since 2024.',
    why: 'Supervisors lose an hour a day to status questions a report could answer.',
    pitch: 'Three LIMS reports that replaced our DNA section’s morning status meeting, and how to build them.'
  }, 'DNA Analyst at the Arizona Department of Public Safety.']
]

/**
 * Creates the demo's call on the DNA brown-bag series with accepted, confirmed talks placed on the next
 * brown-bags (and a backup). Once; nothing when the series or its members are missing.
 */
export async function seedDemoSeriesCall (app: FastifyInstance, now = new Date()): Promise<void> {
  const db = app.db
  const community = await findCommunityBySlug(db, DNA_SLUG)
  if (!community) return
  const series = await db.selectFrom('series').selectAll().where('community_id', '=', community.id).where('title', '=', BROWN_BAG).executeTakeFirst()
  if (!series || !series.created_by) return
  if (await db.selectFrom('calls').select('id').where('series_id', '=', series.id).executeTakeFirst()) return
  const organizerId = series.created_by
  const member = async (name: string) => db.selectFrom('members').innerJoin('memberships', 'memberships.member_id', 'members.id')
    .select(['members.id', 'members.email', 'members.full_name', 'members.agency'])
    .where('memberships.community_id', '=', community.id).where('members.full_name', '=', name).executeTakeFirst()
  const template = (await ensureTemplates(db, community.id)).find((t) => t.name === 'How-to / demo')
  if (!template) return
  const call = await createCall(db, community.id, {
    target: { kind: 'series', id: series.id, timeZone: series.time_zone },
    title: 'Talks for the next brown-bags',
    lookingFor: 'One talk per brown-bag: a validation, an audit finding, a method or a tricky case from your own lab, in 30 minutes with time for questions. We place accepted talks on the next meetings as they come.',
    opensAt: new Date(now.getTime() - 21 * 86_400_000), closesAt: new Date(now.getTime() + 60 * 86_400_000),
    formats: DEFAULT_FORMATS.filter((f) => f.key === 'talk'), topics: [], templateIds: [template.id], maxPerPerson: 1, blindReview: false
  }, organizerId)
  const accepted: number[] = []
  for (const [name, title, decision, coSpeakerName, answers, bio] of TALKS) {
    const speaker = await member(name)
    if (!speaker) continue
    const saved = await db.transaction().execute((trx) => saveProposal(trx, {
      call, template, memberId: speaker.id, existing: null, now,
      input: { templateId: template.id, title, format: 'talk', topic: '', answers, bio, affiliation: 'government', affiliationNote: '', pledge: true, firstTime: false, wantsCoaching: false, submit: true }
    }))
    if (!saved.ok) throw new Error(`demo series proposal "${title}": ${Object.values(saved.errors).join(' ')}`)
    const coSpeaker = coSpeakerName ? await member(coSpeakerName) : undefined
    if (coSpeaker) {
      await db.transaction().execute(async (trx) => {
        const invited = await inviteCoSpeaker(trx, app.mailer, { community, call, proposal: saved.proposal, submitter: speaker, email: coSpeaker.email })
        if (!invited.ok) throw new Error(`demo series co-speaker: ${Object.values(invited.errors).join(' ')}`)
        await answerCoSpeaker(trx, { proposalId: saved.proposal.id, member: coSpeaker, isMember: true, accept: true })
      })
    }
    await decide(db, call.id, saved.proposal.id, decision, decision === 'accepted' ? 'Thank you! We placed your talk on the brown-bag shown on your proposal’s page.' : '', organizerId)
    if (decision === 'accepted') accepted.push(saved.proposal.id)
  }
  await releaseDecisions(db, app.mailer, community.id, call.id, now)
  const meetings = await placementChoices(db, series.id, now, accepted.length)
  for (const [i, proposalId] of accepted.entries()) {
    const row = await db.selectFrom('proposals').select(['id', 'decided_at']).where('id', '=', proposalId).executeTakeFirstOrThrow()
    await answerConfirmLink(db, app.mailer, confirmToken(app.secret, row.id, row.decided_at), 'confirmed', now)
    const meeting = meetings[i]
    if (!meeting) break
    const placed = await db.transaction().execute((trx) => placeTalk(trx, call, proposalId, meeting.id, now))
    if (!placed.ok) throw new Error(`demo placement: ${placed.message}`)
  }
}
