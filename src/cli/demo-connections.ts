import type { FastifyInstance } from 'fastify'
import type { Db, Member } from '../db/database.js'
import { recordMet } from '../domain/connections/connections.service.js'
import { answerIntroduction, introduce } from '../domain/connections/introductions.service.js'
import { metCodeOf } from '../domain/connections/qr.service.js'

/*
 * Who met whom in the demo (issue 13), made through the domain services as the pages make it:
 * - at each past in-person event (the regional meetups, last year's conference, the IdeaLab workshops), the
 *   checked-in attendees recorded a few of the people they met, both ways: connections "met at …";
 * - one attendee of the past meetup says they met the demo member, who has not confirmed yet;
 * - the organizer introduced two analysts (both accepted: "introduced by Dana Whitfield"), and the demo member to
 *   a colleague who has accepted — the demo member's answer is waiting on their introductions page;
 * - the demo member and a dozen colleagues opted in to "people you haven't met yet", with what they look for and
 *   can help with, so the directory and the conference page suggest people, each with a reason;
 * - the demo member and the organizer have their QR codes (on their profiles), and are not connected yet: one
 *   scanning the other's code records the meeting.
 * Once: nothing happens when any connection exists.
 */

/** The demo's people (src/cli/demo.ts makes them; not imported: the CLI has no cycles). */
const ORGANIZER = 'dana.whitfield@dfs.virginia.example.gov'
const MEMBER = 'jordan.ellis@bci.ohio.example.gov'

/** Opted in to suggestions, with what they can help with and look for (only what members may see is used). */
const OPT_IN: Array<[email: string, canHelpWith: string | null, lookingFor: string | null]> = [
  [MEMBER, 'STR analysis and mixture interpretation on casework', 'Validating probabilistic genotyping (STRmix) and automated extraction'],
  ['priya.patel@isp.illinois.example.gov', 'STRmix validation and probabilistic genotyping testimony', 'Rapid DNA policy for booking stations'],
  ['samuel.adeyemi@msp.maryland.example.gov', 'Validation plans for new kits and NGS', 'Mixture interpretation training material'],
  ['carlos.mendoza@azdps.example.gov', 'LIMS configuration and automated extraction robots', 'Validation of automated workflows'],
  ['thomas.nguyen@usacil.army.example.mil', 'Preparing new examiners for expert testimony', 'Touch DNA mixture interpretation'],
  ['kevin.obrien@msp.example.gov', 'ISO 17025 accreditation', 'Lab management peers'],
  ['daniel.brooks@fdle.example.gov', 'Proficiency testing and corrective action', 'QAS audit preparation'],
  ['nadia.petrova@ncdoj.example.gov', 'Retention of case records in a crime lab', 'Probabilistic genotyping validation records'],
  [ORGANIZER, 'QAS audits and validation of probabilistic genotyping', 'Proficiency test providers'],
  ['grace.kim@wsp.example.gov', 'Sexual-assault-kit triage', 'Rapid DNA validation'],
  ['hannah.lindqvist@bca.mn.example.gov', 'Rapid DNA at booking stations', 'Sexual-assault-kit programmes']
]

async function byEmail (db: Db, email: string): Promise<Member | undefined> {
  return db.selectFrom('members').selectAll().where('email', '=', email).executeTakeFirst()
}

export async function seedDemoConnections (app: FastifyInstance): Promise<void> {
  const db = app.db
  if (await db.selectFrom('connections').select('id').limit(1).executeTakeFirst()) return
  const member = await byEmail(db, MEMBER)
  const organizer = await byEmail(db, ORGANIZER)
  if (!member || !organizer) return
  const now = new Date()

  // Introductions by the organizer: one both accepted, one waiting for the demo member.
  const pairs: Array<[string, string, string, boolean]> = [
    ['grace.kim@wsp.example.gov', 'hannah.lindqvist@bca.mn.example.gov', 'You both run Rapid DNA: Grace is validating it for kits, Hannah runs it at booking stations in Minnesota.', true],
    [MEMBER, 'priya.patel@isp.illinois.example.gov', 'Jordan is moving to probabilistic genotyping; Priya validated STRmix in Illinois and explains likelihood ratios in court.', false]
  ]
  // The pair still waiting for the demo member's answer did not meet at an event.
  const notMet = new Set<string>([`${organizer.id}-${member.id}`, `${member.id}-${organizer.id}`])
  for (const [x, y, note, bothAccept] of pairs) {
    const a = await byEmail(db, x)
    const b = await byEmail(db, y)
    if (!a || !b) continue
    if (!bothAccept) notMet.add(`${a.id}-${b.id}`).add(`${b.id}-${a.id}`)
    await db.transaction().execute(async (trx) => {
      const made = await introduce(trx, app.mailer, organizer, a.id, b.id, note)
      if (!made.ok) return
      const intro = await trx.selectFrom('introductions').select('id').where('member_a', '=', Math.min(a.id, b.id))
        .where('member_b', '=', Math.max(a.id, b.id)).orderBy('id', 'desc').executeTakeFirstOrThrow()
      await answerIntroduction(trx, app.mailer, b.id, intro.id, 'accept', now)
      if (bothAccept) await answerIntroduction(trx, app.mailer, a.id, intro.id, 'accept', now)
    })
  }

  // Past in-person events, oldest first, with who checked in.
  const events = await db.selectFrom('events').select(['id', 'title']).where('kind', '<>', 'brown-bag')
    .where('status', '=', 'published').where('ends_at', '<', now).orderBy('starts_at').orderBy('id').execute()
  let pending: number | null = null
  for (const event of events) {
    const attendees = (await db.selectFrom('check_ins').select('member_id').where('event_id', '=', event.id)
      .orderBy('member_id').execute()).map((r) => r.member_id)
    if (attendees.length < 2) continue
    await db.transaction().execute(async (trx) => {
      // Each met the next one and the one three further on (a sparse web, as a day of sessions gives).
      for (const [i, a] of attendees.entries()) {
        for (const step of [1, 3]) {
          const b = attendees[(i + step) % attendees.length]
          // The organizer and the demo member have not met yet: their QR codes are there to try.
          if (b === a || notMet.has(`${a}-${b}`)) continue
          await recordMet(trx, a, b, event.id)
          await recordMet(trx, b, a, event.id)
        }
      }
    })
    // Someone at the meetup the demo member went to says they met them: the demo member can confirm.
    if (pending === null && attendees.includes(member.id)) {
      const known = new Set((await db.selectFrom('connections').select(['member_a', 'member_b'])
        .where((eb) => eb.or([eb('member_a', '=', member.id), eb('member_b', '=', member.id)])).execute())
        .flatMap((c) => [c.member_a, c.member_b]))
      const stranger = attendees.find((id) => id !== member.id && id !== organizer.id && !known.has(id))
      if (stranger !== undefined) {
        pending = stranger
        await db.transaction().execute((trx) => recordMet(trx, stranger, member.id, event.id))
      }
    }
  }

  // "People you haven't met yet": opted in, with what they can help with and look for.
  for (const [email, canHelpWith, lookingFor] of OPT_IN) {
    await db.updateTable('members').set({ suggestions_opt_in: true, can_help_with: canHelpWith, looking_for: lookingFor, updated_at: now })
      .where('email', '=', email).execute()
  }

  // QR codes for the two demo members who have not met yet.
  await metCodeOf(db, member.id)
  await metCodeOf(db, organizer.id)
}
