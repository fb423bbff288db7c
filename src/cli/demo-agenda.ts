import type { FastifyInstance } from 'fastify'
import { listUnplacedTalks } from '../domain/agenda/sessions.repository.js'
import { createSession, eventDays, publishAgenda, type SessionInput } from '../domain/agenda/sessions.service.js'

/** The demo's DNA community (src/cli/demo.ts, DEMO.communities.dna; not imported, so demo.ts may import this file). */
const DNA_SLUG = 'forensic-dna-analysts'

const MAIN = 'Ballroom A'
const SIDE = 'Room 201'
const CASEWORK = 'Casework'
const LAB = 'Lab management'

type Slot = Omit<SessionInput, 'date' | 'proposalId'> & { day: 0 | 1 }

/** The programme around the talks: a keynote, a panel, clinics, breaks and lunch. */
const FIXED: Slot[] = [
  { day: 0, startTime: '08:30', endTime: '09:00', title: 'Registration and coffee', whyThisMatters: '', room: '', track: '' },
  {
    day: 0, startTime: '09:00', endTime: '09:45', title: 'Opening keynote: what the next five years of DNA casework ask of us', room: MAIN, track: '',
    whyThisMatters: 'Backlogs, new kits and the QAS revision land on every lab at once; this is where we decide what to share first.'
  },
  {
    day: 0, startTime: '10:00', endTime: '10:45', title: 'Panel: when should a lab adopt probabilistic genotyping?', room: SIDE, track: LAB,
    whyThisMatters: 'Three labs that decided differently compare what it cost them and what they would do again.'
  },
  { day: 0, startTime: '10:45', endTime: '11:00', title: 'Break', whyThisMatters: '', room: '', track: '' },
  { day: 0, startTime: '12:00', endTime: '13:00', title: 'Lunch', whyThisMatters: '', room: '', track: '' },
  {
    day: 1, startTime: '09:00', endTime: '09:45', title: 'Validation clinic: bring your protocol', room: SIDE, track: LAB,
    whyThisMatters: 'Peers read your validation plan with you and point out what assessors ask about.'
  },
  {
    day: 1, startTime: '09:00', endTime: '09:45', title: 'Lightning talks from the floor', room: MAIN, track: CASEWORK,
    whyThisMatters: 'Five minutes each on one change that worked in your lab this year.'
  },
  { day: 1, startTime: '10:00', endTime: '10:15', title: 'Break', whyThisMatters: '', room: '', track: '' },
  { day: 1, startTime: '12:00', endTime: '13:00', title: 'Lunch', whyThisMatters: '', room: '', track: '' },
  {
    day: 1, startTime: '16:00', endTime: '16:45', title: 'Closing: what we take home', room: MAIN, track: '',
    whyThisMatters: 'Each track says what it will share with the community before the next meeting.'
  }
]

/** Where accepted talks go, in order; a talk that cannot go in one (its speaker is elsewhere then) tries the next. */
const TALK_SLOTS: Array<Omit<Slot, 'title' | 'whyThisMatters'>> = [
  { day: 0, startTime: '10:00', endTime: '10:45', room: MAIN, track: CASEWORK },
  { day: 0, startTime: '11:00', endTime: '11:45', room: MAIN, track: CASEWORK },
  { day: 0, startTime: '11:00', endTime: '11:45', room: SIDE, track: LAB },
  { day: 1, startTime: '10:15', endTime: '11:00', room: MAIN, track: CASEWORK },
  { day: 1, startTime: '10:15', endTime: '11:00', room: SIDE, track: LAB },
  { day: 1, startTime: '11:00', endTime: '11:45', room: MAIN, track: CASEWORK },
  { day: 1, startTime: '14:00', endTime: '14:45', room: SIDE, track: LAB }
]

/**
 * A published two-day agenda on the demo conference (two rooms, two tracks): its accepted and confirmed talks, a
 * keynote, a panel, clinics and breaks. Once: nothing is done when the conference already has sessions.
 */
export async function seedDemoAgenda (app: FastifyInstance, _now = new Date()): Promise<void> {
  const conference = await app.db.selectFrom('events').innerJoin('communities', 'communities.id', 'events.community_id')
    .select(['events.id', 'events.starts_at', 'events.ends_at', 'events.time_zone'])
    .where('communities.slug', '=', DNA_SLUG).where('events.kind', '=', 'conference')
    .orderBy('events.starts_at').limit(1).executeTakeFirst()
  if (!conference) return
  const present = await app.db.selectFrom('agenda_sessions').select('id').where('event_id', '=', conference.id).limit(1).executeTakeFirst()
  if (present) return
  const days = eventDays(conference)
  if (days.length < 2) return
  await app.db.transaction().execute(async (trx) => {
    for (const { day, ...slot } of FIXED) {
      const saved = await createSession(trx, conference.id, { ...slot, proposalId: null, date: days[day].value })
      if (!saved.ok) throw new Error(`demo session "${slot.title}": ${Object.values(saved.errors).join(' ')}`)
    }
    const talks = (await listUnplacedTalks(trx, conference.id)).filter((talk) => talk.confirmation === 'confirmed')
    const free = [...TALK_SLOTS]
    for (const talk of talks) {
      for (const [i, { day, ...slot }] of free.entries()) {
        const saved = await createSession(trx, conference.id, { ...slot, proposalId: talk.id, title: '', whyThisMatters: '', date: days[day].value })
        if (saved.ok) {
          free.splice(i, 1)
          break
        }
      }
    }
    await publishAgenda(trx, conference.id)
  })
}
