import type { FastifyInstance } from 'fastify'
import { DateTime } from 'luxon'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Db } from '../db/database.js'
import { insertEmailToken } from '../domain/auth/auth.repository.js'
import { createCommunity, DEFAULT_NORMS, DEFAULT_PUBLIC_RECORDS_NOTICE } from '../domain/communities/communities.service.js'
import { hashToken, randomToken } from '../lib/tokens.js'
import type { EventKind } from '../db/database.js'
import { checkIn } from '../domain/events/check-ins.service.js'
import { setHosts, updateEventRow } from '../domain/events/events.repository.js'
import { cancelEvent, createEvent, publishEvent, updateEvent, type EventInput, type PlaceInput } from '../domain/events/events.service.js'
import { eventFormValues, readEventForm } from '../forms/event-form.js'
import { inviteList } from '../domain/invites/invites.service.js'
import { inviteByEmail } from '../domain/memberships/join.service.js'
import { findCommunityBySlug } from '../domain/communities/communities.repository.js'
import { answerInTransaction, type RsvpChoice } from '../domain/rsvps/rsvps.service.js'
import { buildRule, localToInstant } from '../domain/series/recurrence.js'
import { createSeries, materialiseSeries } from '../domain/series/series.service.js'
import { listRequirements } from '../domain/communities/communities.repository.js'
import { callTemplates, createCall, ensureTemplates } from '../domain/proposals/calls.service.js'
import { listCallsOn } from '../domain/proposals/proposals.repository.js'
import { listCallReviewers } from '../domain/proposals/reviews.repository.js'
import { addReviewer, assignEvenly, reviewerQueue, saveReview } from '../domain/proposals/reviews.service.js'
import { saveProposal, type ProposalInput } from '../domain/proposals/proposals.service.js'
import { DEFAULT_FORMATS } from '../domain/proposals/templates.js'
import { addCoachingNote, answerCoSpeaker, inviteCoSpeaker, inviteToPropose, startInvitedDraft } from '../domain/proposals/speakers.service.js'
import { answerConfirmLink, confirmToken, decide, releaseDecisions } from '../domain/proposals/decisions.service.js'
import { seedDemoConnections } from './demo-connections.js'
import { seedDemoAgenda } from './demo-agenda.js'
import { seedDemoSeriesCall } from './demo-placement.js'

/**
 * Demo data for `npm run demo`: a site admin, two communities with organizers (current and past coordinator
 * terms), about forty members from many agencies and regions, and pending join requests; and for each community
 * a monthly brown-bag series, an every-other-month IdeaLab series, a past and a full upcoming meetup (with a
 * waitlist) and a two-day conference, with RSVPs and check-ins on past events. Running it again
 * adds nothing; it only mints fresh sign-in links. Addresses are under example.gov so no real person gets mail.
 */

export const DEMO = {
  organizer: { name: 'Dana Whitfield', email: 'dana.whitfield@dfs.virginia.example.gov' },
  member: { name: 'Jordan Ellis', email: 'jordan.ellis@bci.ohio.example.gov' },
  admin: { name: 'Sam Rivera', email: 'sam.rivera@gsa.example.gov' },
  reviewer: { name: 'Emily Chen', email: 'emily.chen@doj.ca.example.gov' },
  // The accepted and confirmed speaker of the conference call.
  speaker: { name: 'Rachel Thompson', email: 'rachel.thompson@ocme.nyc.example.gov' },
  communities: { dna: 'forensic-dna-analysts', records: 'records-managers' }
} as const

/** Demo sign-in links work for a day, so they can be opened at leisure (real ones: 15 minutes). */
const DEMO_LINK_HOURS = 24

type P = [name: string, agency: string, domain: string, title: string, region: string, expertise: string[], ask: string]

// Forensic DNA Analysts: crime-lab DNA analysts, technical leaders and CODIS administrators.
const DNA: P[] = [
  ['Dana Whitfield', 'Virginia Department of Forensic Science', 'dfs.virginia.example.gov', 'DNA Technical Leader', 'Richmond, Virginia', ['QAS audits', 'validation', 'probabilistic genotyping'], 'Preparing for an external QAS audit'],
  ['Luis Arroyo', 'Texas Department of Public Safety Crime Laboratory', 'dps.texas.example.gov', 'State CODIS Administrator', 'Austin, Texas', ['CODIS', 'NDIS procedures', 'familial searching'], 'NDIS uploads and keyboard searches'],
  ['Grace Kim', 'Washington State Patrol Crime Laboratory', 'wsp.example.gov', 'Forensic Scientist 4', 'Seattle, Washington', ['Rapid DNA', 'sexual assault kits'], 'Clearing a sexual-assault-kit backlog'],
  ['Jordan Ellis', 'Ohio Bureau of Criminal Investigation', 'bci.ohio.example.gov', 'Forensic Scientist, DNA', 'Ohio', ['STR analysis', 'mixture interpretation'], 'Moving from manual to automated extraction'],
  ['Aisha Rahman', 'FBI Laboratory', 'fbi.example.gov', 'Biologist, DNA Casework Unit', 'Quantico, Virginia', ['mitochondrial DNA', 'hair analysis'], 'mtDNA on degraded samples'],
  ['Michael Okafor', 'Georgia Bureau of Investigation', 'gbi.example.gov', 'Forensic Biologist', 'Atlanta, Georgia', ['Y-STR', 'serology'], 'Y-STR interpretation'],
  ['Rachel Thompson', 'New York City Office of Chief Medical Examiner', 'ocme.nyc.example.gov', 'Criminalist III', 'New York City, New York', ['low-template DNA', 'training'], 'Designing a competency test'],
  ['Carlos Mendoza', 'Arizona Department of Public Safety', 'azdps.example.gov', 'DNA Analyst', 'Phoenix, Arizona', ['LIMS', 'lab automation'], 'LIMS configuration for DNA workflows'],
  ['Emily Chen', 'California Department of Justice', 'doj.ca.example.gov', 'Senior Criminalist', 'Richmond, California', ['familial searching', 'genetic genealogy policy'], 'State policy on investigative genetic genealogy'],
  ['Daniel Brooks', 'Florida Department of Law Enforcement', 'fdle.example.gov', 'Crime Laboratory Analyst', 'Tallahassee, Florida', ['proficiency testing', 'QAS audits'], 'Proficiency test failures and corrective action'],
  ['Priya Patel', 'Illinois State Police', 'isp.illinois.example.gov', 'Forensic Scientist III', 'Chicago, Illinois', ['probabilistic genotyping', 'STRmix'], 'Explaining likelihood ratios in court'],
  ['Kevin O’Brien', 'Massachusetts State Police Crime Laboratory', 'msp.example.gov', 'DNA Unit Supervisor', 'Greater Boston, Massachusetts', ['lab management', 'accreditation'], 'ISO 17025 accreditation'],
  ['Maria Santos', 'Puerto Rico Institute of Forensic Sciences', 'icf.pr.example.gov', 'Forensic Chemist, DNA', 'Puerto Rico', ['disaster victim identification', 'kinship analysis'], 'Kinship analysis after mass disasters'],
  ['Thomas Nguyen', 'U.S. Army Criminal Investigation Laboratory', 'usacil.army.example.mil', 'DNA Examiner', 'Forest Park, Georgia', ['touch DNA', 'expert testimony'], 'Testifying as a new examiner'],
  ['Hannah Lindqvist', 'Minnesota Bureau of Criminal Apprehension', 'bca.mn.example.gov', 'Forensic Scientist 3', 'Twin Cities, Minnesota', ['Rapid DNA', 'booking stations'], 'Rapid DNA at booking'],
  ['Samuel Adeyemi', 'Maryland State Police Forensic Sciences Division', 'msp.maryland.example.gov', 'Forensic Scientist II', 'Maryland', ['validation', 'next-generation sequencing'], 'Validating an NGS kit'],
  ['Olivia Martinez', 'Colorado Bureau of Investigation', 'cbi.example.gov', 'Agent in Charge, DNA', 'Denver, Colorado', ['budgeting', 'grant writing'], 'DNA Capacity Enhancement grants'],
  ['Benjamin Harris', 'Tennessee Bureau of Investigation', 'tbi.example.gov', 'Special Agent Forensic Scientist', 'Nashville, Tennessee', ['CODIS', 'database hits'], 'Following up CODIS hits'],
  ['Fatima Haddad', 'Michigan State Police', 'msp.michigan.example.gov', 'Forensic Scientist', 'Lansing, Michigan', ['serology', 'body fluid identification'], 'Body-fluid screening methods'],
  ['Robert Yazzie', 'New Mexico Department of Public Safety', 'dps.nm.example.gov', 'Forensic Scientist Supervisor', 'Santa Fe, New Mexico', ['tribal partnerships', 'missing persons'], 'Missing and murdered Indigenous persons cases']
]

// Records Managers Network: agency records officers, archivists and records liaisons.
const RECORDS: P[] = [
  ['Patricia Nwosu', 'National Archives and Records Administration', 'nara.example.gov', 'Senior Records Analyst', 'Washington, District of Columbia', ['General Records Schedules', 'appraisal'], 'Which GRS item fits your records'],
  ['Tom Becker', 'Department of the Interior', 'doi.example.gov', 'Departmental Records Officer', 'District of Columbia', ['records schedules', 'electronic records'], 'Getting a schedule through NARA'],
  ['Helen Marsh', 'U.S. Department of Agriculture', 'usda.example.gov', 'Agency Records Officer', 'Kansas City, Missouri', ['email management', 'Capstone'], 'Capstone roles for email'],
  ['Andre Jackson', 'Social Security Administration', 'ssa.example.gov', 'Records Management Specialist', 'Baltimore, Maryland', ['digitization', 'paper to electronic'], 'Planning a digitization project to the M-19-21 standards'],
  ['Linda Park', 'Environmental Protection Agency', 'epa.example.gov', 'Records Liaison Officer', 'Research Triangle, North Carolina', ['FOIA', 'litigation holds'], 'Litigation holds without losing your mind'],
  ['James Whitaker', 'Department of Veterans Affairs', 'va.example.gov', 'Records Officer', 'Philadelphia, Pennsylvania', ['records retention', 'federal records centers'], 'Transfers to Federal Records Centers'],
  ['Sofia Romero', 'State of New Mexico Commission of Public Records', 'srca.nm.example.gov', 'Records Analyst', 'Santa Fe, New Mexico', ['state records schedules', 'local governments'], 'Records schedules for counties'],
  ['Ethan Wright', 'Department of Homeland Security', 'dhs.example.gov', 'Electronic Records Manager', 'Northern Virginia, Virginia', ['electronic records', 'Microsoft 365 retention'], 'Retention labels in Microsoft 365'],
  ['Naomi Feldman', 'Federal Reserve Board', 'frb.example.gov', 'Information Governance Lead', 'District of Columbia', ['information governance', 'metadata'], 'Building a metadata standard'],
  ['Marcus Reed', 'U.S. Navy', 'navy.example.mil', 'Command Records Manager', 'Norfolk, Virginia', ['classified records', 'declassification'], 'Handling classified records at disposition'],
  ['Yuki Tanaka', 'State of Hawaii Archives', 'archives.hawaii.example.gov', 'State Archivist', 'Hawaii', ['archives', 'disaster recovery'], 'Recovering water-damaged records'],
  ['Grace Okonkwo', 'Department of Education', 'ed.example.gov', 'Records Management Program Manager', 'District of Columbia', ['training', 'records inventories'], 'Running a records inventory'],
  ['Peter Novak', 'General Services Administration', 'gsa.example.gov', 'Records Officer', 'Kansas City, Missouri', ['records schedules', 'auditing'], 'Self-assessments (RMSA)'],
  ['Amanda Clark', 'Texas State Library and Archives Commission', 'tsl.texas.example.gov', 'Records Management Consultant', 'Austin, Texas', ['state agencies', 'training'], 'Teaching records basics to new staff'],
  ['Rahul Mehta', 'Department of Energy', 'doe.example.gov', 'Records Management Specialist', 'Oak Ridge, Tennessee', ['scientific records', 'permanent records'], 'Permanent scientific records'],
  ['Christine Dubois', 'Smithsonian Institution', 'si.example.gov', 'Records Manager', 'District of Columbia', ['museum records', 'donor files'], 'Donor and accession records'],
  ['Victor Alvarez', 'Department of Justice', 'doj.example.gov', 'Records Liaison', 'District of Columbia', ['case files', 'litigation holds'], 'Closing out case files'],
  ['Kimberly Scott', 'City of Seattle', 'seattle.example.gov', 'City Records Manager', 'Seattle, Washington', ['public records requests', 'body-worn camera video'], 'Retention for body-worn camera video']
]

// Members of both communities: lab quality managers who also run their lab's records programme.
const BOTH: P[] = [
  ['Nadia Petrova', 'North Carolina State Crime Laboratory', 'ncdoj.example.gov', 'Quality Manager', 'Raleigh, North Carolina', ['quality systems', 'records retention', 'QAS audits'], 'Retention of case records in a crime lab'],
  ['George Whitman', 'Oregon State Police Forensic Services', 'osp.example.gov', 'Quality and Records Coordinator', 'Portland, Oregon', ['document control', 'LIMS'], 'Document control in a LIMS']
]

const PENDING = {
  dna: [
    ['Chris Doyle', 'Kentucky State Police Central Laboratory', 'ksp.example.gov', 'New DNA analyst, six months into casework. Our lab is preparing for its first NGS validation and I would love to learn from others who have done it.'],
    ['Lena Fischer', 'Nevada Department of Public Safety', 'dps.nv.example.gov', 'CODIS administrator for our state; we are joining NDIS Rapid DNA booking next year.'],
    ['Omar Farouk', 'Idaho State Police Forensic Services', 'isp.idaho.example.gov', 'Technical leader. A colleague from the regional meetup in Denver suggested I join.']
  ],
  records: [
    ['Beth Sullivan', 'Department of Transportation', 'dot.example.gov', 'Newly appointed records liaison for our operating administration.'],
    ['Ivan Petrov', 'State of Alaska Archives', 'archives.alaska.example.gov', 'We are rewriting our general schedule and would like to compare notes with federal colleagues.']
  ]
} as const

/** Requests an organizer has decided already: the requests page's history (and the audit log) show them. */
const DECIDED = {
  dna: [
    ['Priya Raman', 'Arizona Department of Public Safety', 'azdps.example.gov', 'approved', null],
    ['Tom Becker', 'Example Genomics LLC', 'genomics.example.gov', 'rejected', 'This community is for analysts in public crime laboratories; a vendor contact is welcome at our open conference sessions instead.']
  ],
  records: [
    ['Grace Okafor', 'Department of Energy', 'energy.example.gov', 'approved', null],
    ['Mark Ellis', 'Records Storage Partners', 'storage.example.gov', 'rejected', 'We keep the network to government records staff. Our public webinars are open to everyone.']
  ]
} as const

function emailFor (name: string, domain: string): string {
  return `${name.toLowerCase().normalize('NFD').replace(/[^a-z ]/g, '').trim().replace(/\s+/g, '.')}@${domain}`
}

async function insertPeople (trx: Db, people: P[], byEmail: Map<string, number>): Promise<number[]> {
  const ids: number[] = []
  for (const [name, agency, domain, title, region, expertise, ask] of people) {
    const email = emailFor(name, domain)
    let id = byEmail.get(email)
    if (id === undefined) {
      const row = await trx.insertInto('members').values({
        email, full_name: name, agency, job_title: title, region, expertise, ask_me_about: ask,
        bio: `${title} at ${agency}. ${expertise.length ? 'Works mostly on ' + expertise.join(', ') + '.' : ''}`,
        email_verified_at: new Date()
      }).returning('id').executeTakeFirstOrThrow()
      id = row.id
      byEmail.set(email, id)
    }
    ids.push(id)
  }
  return ids
}

async function createDemoData (trx: Db): Promise<void> {
  const today = DateTime.utc().startOf('day')
  const iso = (d: DateTime) => d.toISODate()!
  const byEmail = new Map<string, number>()

  await trx.insertInto('members').values({
    email: DEMO.admin.email, full_name: DEMO.admin.name, agency: 'General Services Administration',
    job_title: 'Convene site administrator', region: 'District of Columbia', expertise: ['communities of practice'],
    is_admin: true, email_verified_at: new Date()
  }).execute()

  const dnaIds = await insertPeople(trx, DNA, byEmail)
  const recordsIds = await insertPeople(trx, RECORDS, byEmail)
  const bothIds = await insertPeople(trx, BOTH, byEmail)
  // Pronouns and a longer bio for a few, as real profiles have.
  await trx.updateTable('members').set({ pronouns: 'she/her' }).where('id', 'in', [dnaIds[0], recordsIds[0], dnaIds[6]]).execute()
  await trx.updateTable('members').set({ pronouns: 'they/them' }).where('id', '=', dnaIds[3]).execute()
  await trx.updateTable('members').set({ pronouns: 'he/him' }).where('id', 'in', [dnaIds[1], recordsIds[1]]).execute()

  const communities = [
    {
      slug: DEMO.communities.dna,
      name: 'Forensic DNA Analysts',
      about: 'DNA analysts, technical leaders and CODIS administrators from public crime laboratories. We meet monthly online and twice a year in person to compare methods, validations and audit findings.',
      requirements: ['FBI Quality Assurance Standards for DNA Databasing Laboratories', 'FBI Quality Assurance Standards for Forensic DNA Testing Laboratories'],
      organizers: [dnaIds[0], dnaIds[1]],
      pastOrganizer: dnaIds[2],
      members: [...dnaIds, ...bothIds],
      pending: PENDING.dna,
      decided: DECIDED.dna
    },
    {
      slug: DEMO.communities.records,
      name: 'Records Managers Network',
      about: 'Records officers, liaisons and archivists from federal, state and local government. We share how we apply the schedules, manage electronic records and prepare for transfers.',
      requirements: ['NARA General Records Schedules', '36 CFR Chapter XII, Subchapter B (Records Management)'],
      organizers: [recordsIds[0], recordsIds[1]],
      pastOrganizer: recordsIds[2],
      members: [...recordsIds, ...bothIds],
      pending: PENDING.records,
      decided: DECIDED.records
    }
  ]
  const adminId = (await trx.selectFrom('members').select('id').where('email', '=', DEMO.admin.email).executeTakeFirstOrThrow()).id
  const nameOf = async (id: number) => (await trx.selectFrom('members').select('full_name').where('id', '=', id).executeTakeFirstOrThrow()).full_name

  for (const [i, c] of communities.entries()) {
    const created = await createCommunity(trx, {
      slug: c.slug, name: c.name, about: c.about, requirements: c.requirements, norms: DEFAULT_NORMS,
      publicRecordsNotice: DEFAULT_PUBLIC_RECORDS_NOTICE, allowedDomains: ['*.gov', '*.mil'], requiresApproval: true, invitationOnly: false,
      contactEmail: null
    }, c.organizers[0])
    // The creator's term (from createCommunity) becomes a one-year term that began five months ago.
    await trx.updateTable('coordinator_terms')
      .set({ starts_on: iso(today.minus({ months: 5 })), ends_on: iso(today.plus({ months: 7 })) })
      .where('community_id', '=', created.id).where('member_id', '=', c.organizers[0]).execute()
    await trx.insertInto('coordinator_terms').values([
      { community_id: created.id, member_id: c.organizers[1], starts_on: iso(today.minus({ months: 2 })), ends_on: iso(today.plus({ months: 10 })), created_by: c.organizers[0] },
      // The coordinator before: the role rotates.
      { community_id: created.id, member_id: c.pastOrganizer, starts_on: iso(today.minus({ months: 17 })), ends_on: iso(today.minus({ months: 5, days: 1 })), created_by: null }
    ]).execute()
    const others = c.members.filter((id) => id !== c.organizers[0])
    await trx.insertInto('memberships').values(others.map((memberId, n) => {
      const joined = today.minus({ days: 20 + ((n * 37 + i * 11) % 500) }).toJSDate()
      return { community_id: created.id, member_id: memberId, joined_at: joined, norms_accepted_at: joined }
    })).execute()
    // As after the join flow's verify step: the requester has a (verified) account and waits for an organizer.
    for (const [n, [name, agency, domain, note]] of c.pending.entries()) {
      const verified = today.minus({ days: n + 1 }).toJSDate()
      const requester = await trx.insertInto('members').values({ email: emailFor(name, domain), full_name: name, agency, email_verified_at: verified })
        .returning(['id', 'email']).executeTakeFirstOrThrow()
      await trx.insertInto('join_requests').values({
        community_id: created.id, email: requester.email, full_name: name, agency, note,
        status: 'pending', member_id: requester.id, verified_at: verified, created_at: verified
      }).execute()
    }
    // Decided requests (the history on the requests page) and what the audit log says of this community so far.
    const [lead, second] = [await nameOf(c.organizers[0]), await nameOf(c.organizers[1])]
    const audit: Array<{ at: DateTime, actor: number, name: string, action: string, target: string, reason?: string | null }> = [
      { at: today.minus({ months: 5 }), actor: adminId, name: DEMO.admin.name, action: 'community.created', target: c.name },
      { at: today.minus({ months: 2 }), actor: c.organizers[0], name: lead, action: 'organizer.added', target: second, reason: `${second} is an organizer from ${iso(today.minus({ months: 2 }))} to ${iso(today.plus({ months: 10 }))}.` },
      { at: today.minus({ days: 40 }), actor: c.organizers[1], name: second, action: 'settings.changed', target: c.name }
    ]
    for (const [n, [name, agency, domain, status, note]] of c.decided.entries()) {
      const asked = today.minus({ days: 30 - n * 7 })
      const decided = asked.plus({ days: 2 })
      const decider = n === 0 ? c.organizers[0] : c.organizers[1]
      const requester = await trx.insertInto('members').values({ email: emailFor(name, domain), full_name: name, agency, email_verified_at: asked.toJSDate() })
        .returning(['id', 'email']).executeTakeFirstOrThrow()
      await trx.insertInto('join_requests').values({
        community_id: created.id, email: requester.email, full_name: name, agency, note: '',
        status, member_id: requester.id, verified_at: asked.toJSDate(), created_at: asked.toJSDate(),
        decided_at: decided.toJSDate(), decided_by: decider, decision_note: note
      }).execute()
      audit.push({ at: decided, actor: decider, name: n === 0 ? lead : second, action: status === 'approved' ? 'request.approved' : 'request.declined', target: name, reason: note })
    }
    await trx.insertInto('audit_entries').values(audit.sort((a, b) => a.at.toMillis() - b.at.toMillis()).map((e) => ({
      at: e.at.toJSDate(), actor_id: e.actor, actor_name: e.name, action: e.action, community_id: created.id, target: e.target, reason: e.reason ?? null
    }))).execute()
  }
}

// ---- Events (issue 3): series, one-off events, RSVPs, a waitlist and check-ins, past and upcoming.

interface EventsSpec {
  brownBag: { title: string, summary: string, why: string }
  ideaLab: { title: string, summary: string, why: string, zone: string, time: string }
  meetup: { title: string, summary: string, why: string, zone: string, venue: string, address: string, region: string }
  fullMeetup: { title: string, summary: string, why: string, zone: string, venue: string, address: string, region: string }
  conference: { title: string, summary: string, why: string, zone: string, venue: string, address: string, region: string }
}

const EVENTS: Record<string, EventsSpec> = {
  [DEMO.communities.dna]: {
    brownBag: {
      title: 'DNA brown-bag',
      summary: 'An hour over lunch: one lab presents a validation, an audit finding or a tricky case, then open questions.',
      why: 'Hear how another lab solved the problem you have this month, and ask them directly.'
    },
    ideaLab: {
      title: 'DNA IdeaLab', zone: 'America/Chicago', time: '14:00',
      summary: 'A working session every other month: bring a half-formed idea (a new workflow, a training, a shared SOP) and leave with collaborators.',
      why: 'Ideas that need more than one lab get a room and people to carry them.'
    },
    meetup: {
      title: 'Mid-Atlantic DNA meetup', zone: 'America/New_York', venue: 'Virginia Department of Forensic Science, Central Laboratory',
      address: '700 North 5th Street, Richmond, VA 23219', region: 'Mid-Atlantic',
      summary: 'Half a day of lab tours and short talks on probabilistic genotyping in court.',
      why: 'Meet the analysts in neighbouring states you email about proficiency tests.'
    },
    fullMeetup: {
      title: 'Rapid DNA roundtable (Twin Cities)', zone: 'America/Chicago', venue: 'Minnesota BCA Forensic Science Laboratory',
      address: '1430 Maryland Avenue East, Saint Paul, MN 55106', region: 'Midwest',
      summary: 'A small-room roundtable on Rapid DNA at booking: what the first states learned.',
      why: 'Rapid DNA at booking changes your lab’s CODIS workload; hear it first from the states already doing it.'
    },
    conference: {
      title: 'Forensic DNA Analysts annual conference', zone: 'America/Denver', venue: 'Colorado Convention Center',
      address: '700 14th Street, Denver, CO 80202', region: 'Mountain',
      summary: 'Two days of sessions on NGS validation, genetic genealogy policy, backlog reduction and testimony.',
      why: 'The one time a year the whole community is in one place: the sessions are chosen by members.'
    }
  },
  [DEMO.communities.records]: {
    brownBag: {
      title: 'Records brown-bag',
      summary: 'An hour over lunch: an agency walks through a schedule, a transfer or an email-management change.',
      why: 'See how another agency got its schedule through, before you start yours.'
    },
    ideaLab: {
      title: 'Records IdeaLab', zone: 'America/Denver', time: '13:00',
      summary: 'Every other month, a working session on shared tools: crosswalks, training decks, inventory templates.',
      why: 'Build the template once, together, instead of fifty times alone.'
    },
    meetup: {
      title: 'Capital-region records meetup', zone: 'America/New_York', venue: 'National Archives Building, Jefferson Room',
      address: '700 Pennsylvania Avenue NW, Washington, DC 20408', region: 'Capital region',
      summary: 'An afternoon on Microsoft 365 retention labels, with a demo from two agencies.',
      why: 'Retention in Microsoft 365 is where most of us are stuck; see two working setups.'
    },
    fullMeetup: {
      title: 'Records disaster-recovery workshop (Kansas City)', zone: 'America/Chicago', venue: 'National Archives at Kansas City',
      address: '400 West Pershing Road, Kansas City, MO 64108', region: 'Midwest',
      summary: 'Hands-on: recovering water-damaged paper records, limited to a small group.',
      why: 'When the pipes burst you will not have time to learn this.'
    },
    conference: {
      title: 'Records Managers Network annual conference', zone: 'America/New_York', venue: 'Walter E. Washington Convention Center',
      address: '801 Mount Vernon Place NW, Washington, DC 20001', region: 'Capital region',
      summary: 'Two days on electronic records, Capstone, the General Records Schedules and transfers to NARA.',
      why: 'Meet the records officers you only know by email, and the NARA analysts who review your schedules.'
    }
  }
}

const NO_PLACE: PlaceInput = {
  venueName: null, venueAddress: null, venueRoom: null, accessibilityNotes: null, onlineUrl: null, region: null, liveTranscriptUrl: null, capacity: null
}

/** The nth (1-based) given weekday (1 = Monday) of the month containing `d`, as YYYY-MM-DD. */
function nthWeekday (d: DateTime, n: number, weekday: number): string {
  const first = d.startOf('month')
  return first.plus({ days: (weekday - first.weekday + 7) % 7 + 7 * (n - 1) }).toISODate()!
}

async function rsvpAll (trx: Db, eventId: number, memberIds: number[], choice: RsvpChoice, at: Date): Promise<void> {
  for (const memberId of memberIds) await answerInTransaction(trx, { eventId, memberId, choice }, at)
}

/** Everyone going came, but for the last one (a no-show); plus one walk-in. Check-ins are the attendance record. */
async function checkInGoing (trx: Db, communityId: number, eventId: number, by: number, walkIn?: number): Promise<void> {
  const going = await trx.selectFrom('rsvps').select('member_id').where('event_id', '=', eventId).where('status', '=', 'going').orderBy('id').execute()
  for (const r of going.slice(0, -1)) await checkIn(trx, { eventId, communityId, memberId: r.member_id, by, walkIn: false })
  if (walkIn !== undefined) await checkIn(trx, { eventId, communityId, memberId: walkIn, by, walkIn: true })
}

async function oneOff (trx: Db, communityId: number, creator: number, input: Partial<EventInput> & { kind: EventKind, title: string, startsAt: Date, endsAt: Date, timeZone: string }): Promise<number> {
  const event = await createEvent(trx, communityId, {
    ...NO_PLACE, summary: '', whyItMatters: '', recordingUrl: null, rsvpClosesAt: null, askAccessibility: false, askDietary: false, ...input
  }, creator)
  await publishEvent(trx, event.id)
  return event.id
}

async function createDemoEvents (trx: Db, communityId: number, spec: EventsSpec, now: Date): Promise<void> {
  const organizers = (await trx.selectFrom('coordinator_terms').select('member_id').where('community_id', '=', communityId)
    .where('starts_on', '<=', DateTime.fromJSDate(now).toISODate()!).where('ends_on', '>=', DateTime.fromJSDate(now).toISODate()!)
    .orderBy('starts_on').execute()).map((r) => r.member_id)
  const [host, coHost] = organizers
  const people = (await trx.selectFrom('memberships').select('member_id').where('community_id', '=', communityId)
    .where('member_id', 'not in', organizers).orderBy('member_id').execute()).map((r) => r.member_id)
  const demoMember = await trx.selectFrom('members').select('id').where('email', '=', DEMO.member.email).executeTakeFirstOrThrow()
  // The demo member first where they belong, so signing in as them shows RSVPs and a waitlist place.
  const crowd = people.includes(demoMember.id) ? [demoMember.id, ...people.filter((id) => id !== demoMember.id)] : people
  const slug = (await trx.selectFrom('communities').select('slug').where('id', '=', communityId).executeTakeFirstOrThrow()).slug
  const days = (n: number) => n * 86_400_000
  const nyNow = DateTime.fromJSDate(now, { zone: 'America/New_York' })

  // Monthly brown-bag: 2nd Tuesday, 12:00 New York, online with captions; begun five months ago.
  const seriesStart = nyNow.minus({ months: 5 })
  const brownBagFirst = nthWeekday(seriesStart, 2, 2)
  const brownBag = await createSeries(trx, communityId, {
    ...NO_PLACE, kind: 'brown-bag', title: spec.brownBag.title, summary: spec.brownBag.summary, whyItMatters: spec.brownBag.why,
    onlineUrl: `https://meet.example.gov/${slug}/brown-bag`, liveTranscriptUrl: `https://captions.example.gov/${slug}/brown-bag`,
    region: 'Online', durationMinutes: 60, rrule: buildRule('monthly-weekday', 1, brownBagFirst), dtstartLocal: `${brownBagFirst}T12:00`,
    timeZone: 'America/New_York', publishOccurrences: true
  }, host, localToInstant(`${brownBagFirst}T00:00`, 'America/New_York'))
  await materialiseSeries(trx, brownBag.series, now) // and on to the 12-month horizon from today

  // Every other month: the IdeaLab (3rd Thursday), begun seven months ago.
  const ideaFirst = nthWeekday(nyNow.minus({ months: 7 }), 3, 4)
  const ideaLab = await createSeries(trx, communityId, {
    ...NO_PLACE, kind: 'workshop', title: spec.ideaLab.title, summary: spec.ideaLab.summary, whyItMatters: spec.ideaLab.why,
    onlineUrl: `https://meet.example.gov/${slug}/idealab`, liveTranscriptUrl: `https://captions.example.gov/${slug}/idealab`,
    region: 'Online', capacity: 30, durationMinutes: 90, rrule: buildRule('monthly-weekday', 2, ideaFirst), dtstartLocal: `${ideaFirst}T${spec.ideaLab.time}`,
    timeZone: spec.ideaLab.zone, publishOccurrences: true
  }, host, localToInstant(`${ideaFirst}T00:00`, spec.ideaLab.zone))
  await materialiseSeries(trx, ideaLab.series, now)
  await trx.insertInto('series_hosts').values({ series_id: ideaLab.series.id, member_id: coHost }).execute()
  const ideaEvents = await trx.selectFrom('events').select('id').where('series_id', '=', ideaLab.series.id).execute()
  await trx.insertInto('event_hosts').values(ideaEvents.map((e) => ({ event_id: e.id, member_id: coHost }))).execute()

  // Series occurrences: past ones with answers, check-ins and a recording; the next ones with answers.
  for (const [n, seriesId] of [brownBag.series.id, ideaLab.series.id].entries()) {
    const occurrences = await trx.selectFrom('events').select(['id', 'starts_at']).where('series_id', '=', seriesId).orderBy('starts_at').execute()
    const past = occurrences.filter((o) => o.starts_at < now)
    const next = occurrences.filter((o) => o.starts_at >= now).slice(0, 2)
    for (const [i, o] of past.entries()) {
      const before = new Date(o.starts_at.getTime() - days(5))
      await rsvpAll(trx, o.id, crowd.slice(1 + (i + n) % 4, 8 + (i + n) % 4), 'going', before)
      await rsvpAll(trx, o.id, crowd.slice(12, 14), 'maybe', before)
      await checkInGoing(trx, communityId, o.id, host)
      await updateEventRow(trx, o.id, { recording_url: `https://video.example.gov/${slug}/${seriesId}-${i + 1}` })
    }
    for (const [i, o] of next.entries()) {
      const before = new Date(Math.min(now.getTime(), o.starts_at.getTime() - days(1)))
      await rsvpAll(trx, o.id, crowd.slice(i, 6 + i), 'going', before)
      await rsvpAll(trx, o.id, crowd.slice(9, 11), 'maybe', before)
      await rsvpAll(trx, o.id, crowd.slice(11, 12), 'declined', before)
    }
  }

  // A past regional meetup, in person: answers, check-ins and a walk-in.
  const at = (zone: string, inDays: number, time: string) => localToInstant(`${DateTime.fromJSDate(now, { zone }).plus({ days: inDays }).toISODate()!}T${time}`, zone)
  const m = spec.meetup
  const pastMeetup = await oneOff(trx, communityId, host, {
    kind: 'meetup', title: m.title, summary: m.summary, whyItMatters: m.why, timeZone: m.zone,
    startsAt: at(m.zone, -45, '13:00'), endsAt: at(m.zone, -45, '17:00'), venueName: m.venue, venueAddress: m.address,
    venueRoom: 'Training room B', accessibilityNotes: 'Step-free entrance on the north side; an ASL interpreter on request.', region: m.region, capacity: 40,
    recordingUrl: `https://video.example.gov/${slug}/meetup-notes`
  })
  await rsvpAll(trx, pastMeetup, crowd.slice(0, 10), 'going', at(m.zone, -60, '09:00'))
  await rsvpAll(trx, pastMeetup, crowd.slice(10, 12), 'declined', at(m.zone, -60, '09:00'))
  await checkInGoing(trx, communityId, pastMeetup, coHost, crowd[14])

  // An upcoming small-room meetup that is full, with a waitlist (the demo member is first on it).
  const f = spec.fullMeetup
  const full = await oneOff(trx, communityId, coHost, {
    kind: 'meetup', title: f.title, summary: f.summary, whyItMatters: f.why, timeZone: f.zone,
    startsAt: at(f.zone, 24, '09:30'), endsAt: at(f.zone, 24, '12:30'), venueName: f.venue, venueAddress: f.address,
    venueRoom: 'Conference room 2', accessibilityNotes: 'Accessible parking by the main entrance.', region: f.region, capacity: 8,
    askAccessibility: true, askDietary: true
  })
  await rsvpAll(trx, full, crowd.slice(1, 9), 'going', now)
  await rsvpAll(trx, full, [crowd[0], ...crowd.slice(9, 12)], 'going', now)
  await rsvpAll(trx, full, crowd.slice(12, 14), 'maybe', now)

  // A two-day conference, hybrid, hosted by both organizers.
  const c = spec.conference
  const conference = await oneOff(trx, communityId, host, {
    kind: 'conference', title: c.title, summary: c.summary, whyItMatters: c.why, timeZone: c.zone,
    startsAt: at(c.zone, 110, '09:00'), endsAt: at(c.zone, 111, '17:00'), venueName: c.venue, venueAddress: c.address,
    venueRoom: 'Meeting rooms 201–205', accessibilityNotes: 'Captioned main stage, quiet room, step-free throughout.', region: c.region, capacity: 150,
    onlineUrl: `https://meet.example.gov/${slug}/conference`, liveTranscriptUrl: `https://captions.example.gov/${slug}/conference`,
    rsvpClosesAt: at(c.zone, 100, '23:59'), askAccessibility: true, askDietary: true
  })
  await setHosts(trx, conference, [host, coHost])
  await rsvpAll(trx, conference, crowd.slice(0, 12), 'going', now)
  await answerInTransaction(trx, { eventId: conference, memberId: crowd[12], choice: 'going', accessibilityNeeds: 'Live captions on the main stage, please.', dietaryNeeds: 'Vegetarian' }, now)
  await rsvpAll(trx, conference, crowd.slice(13, 16), 'maybe', now)

  // Last year's conference, in person: who met whom there is part of the directory (src/cli/demo-connections.ts).
  const lastYear = DateTime.fromJSDate(now, { zone: c.zone }).minus({ days: 255 })
  const pastConference = await oneOff(trx, communityId, host, {
    kind: 'conference', title: `${c.title} ${lastYear.year}`, summary: c.summary, whyItMatters: c.why, timeZone: c.zone,
    startsAt: at(c.zone, -255, '09:00'), endsAt: at(c.zone, -254, '17:00'), venueName: c.venue, venueAddress: c.address,
    venueRoom: 'Meeting rooms 201–205', region: c.region, capacity: 150
  })
  await setHosts(trx, pastConference, [host, coHost])
  await rsvpAll(trx, pastConference, [host, coHost, ...crowd.slice(0, 14)], 'going', at(c.zone, -290, '09:00'))
  await checkInGoing(trx, communityId, pastConference, coHost)

  await createCalendarDemo(trx, communityId, { host, crowd, slug, ideaLabSeriesId: ideaLab.series.id, conference, at, now })
}

/**
 * What the calendar side does with the events above, so the dev mailbox holds one of each kind of message
 * (issue 4): the RSVPs above queued their invites (REQUEST); here the conference moves to another room (an
 * update: same UID, higher SEQUENCE, to everyone who answered before), the second upcoming IdeaLab is cancelled
 * (METHOD:CANCEL), the organizers invite the whole community to a drop-in clinic tomorrow, and a draft online
 * event still lacks its captions link (the organizers' events list warns about it). The seed only writes: the
 * calendar mail waits on the calendar_changes queue and the clinic's reminders are due, and the app's worker
 * sends both once it runs (`npm run demo` at once, after `npm run db:seed` at the next start).
 */
async function createCalendarDemo (trx: Db, communityId: number, d: {
  host: number, crowd: number[], slug: string, ideaLabSeriesId: number, conference: number,
  at: (zone: string, inDays: number, time: string) => Date, now: Date
}): Promise<void> {
  const conference = await trx.selectFrom('events').selectAll().where('id', '=', d.conference).executeTakeFirstOrThrow()
  const moved = readEventForm({ ...eventFormValues(conference), venue_room: 'Ballroom C (moved from rooms 201–205: more people are coming)' })
  if (moved.input) await updateEvent(trx, conference.id, moved.input)

  const ideaLabs = await trx.selectFrom('events').select('id').where('series_id', '=', d.ideaLabSeriesId)
    .where('starts_at', '>', d.now).orderBy('starts_at').limit(2).execute()
  if (ideaLabs[1]) await cancelEvent(trx, ideaLabs[1].id)

  // Tomorrow, an hour before the start of the working day in New York: inside the one-day reminder.
  const startsAt = new Date(Math.ceil((d.now.getTime() + 20 * 3_600_000) / 1_800_000) * 1_800_000)
  const clinic = await oneOff(trx, communityId, d.host, {
    kind: 'workshop', title: d.slug === DEMO.communities.dna ? 'Probabilistic genotyping drop-in clinic' : 'Retention-schedule drop-in clinic',
    summary: 'Bring a case or a question; two experienced members answer for an hour.',
    whyItMatters: 'A half-hour with a peer can save a week of guessing.', timeZone: 'America/New_York',
    startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000),
    onlineUrl: `https://meet.example.gov/${d.slug}/clinic`, liveTranscriptUrl: `https://captions.example.gov/${d.slug}/clinic`, region: 'Online'
  })
  const event = await trx.selectFrom('events').selectAll().where('id', '=', clinic).executeTakeFirstOrThrow()
  await inviteList(trx, event, { everyone: true, emails: [] })
  await rsvpAll(trx, clinic, d.crowd.slice(0, 5), 'going', d.now)

  await createEvent(trx, communityId, {
    ...NO_PLACE, kind: 'brown-bag', title: d.slug === DEMO.communities.dna ? 'Mixture interpretation brown-bag (draft)' : 'Email management brown-bag (draft)',
    summary: 'Planned; the speaker is confirmed, the captioner not yet.', whyItMatters: 'Asked for by members in the last survey.',
    startsAt: d.at('America/New_York', 40, '12:00'), endsAt: d.at('America/New_York', 40, '13:00'), timeZone: 'America/New_York',
    onlineUrl: `https://meet.example.gov/${d.slug}/draft`, region: 'Online', recordingUrl: null, rsvpClosesAt: null, askAccessibility: false, askDietary: false
  }, d.host)
}

/** Adds the events of each demo community that has none yet (so a database seeded before events gets them too). */
async function seedDemoEvents (app: FastifyInstance, now = new Date()): Promise<void> {
  for (const [slug, spec] of Object.entries(EVENTS)) {
    const community = await app.db.selectFrom('communities').select('id').where('slug', '=', slug).executeTakeFirst()
    if (!community) continue
    const any = await app.db.selectFrom('events').select('id').where('community_id', '=', community.id).limit(1).executeTakeFirst()
    if (any) continue
    await app.db.transaction().execute((trx) => createDemoEvents(trx, community.id, spec, now))
  }
}

/** Invitations to join, as an organizer sends them: mailed (see the dev mailbox) and listed on the invitations page. */
const INVITED: Record<string, string[]> = {
  [DEMO.communities.dna]: ['priya.natarajan@dfs.state.example.gov', 'luis.ortega@crimelab.county.example.gov'],
  [DEMO.communities.records]: ['grace.kim@archives.state.example.gov']
}

async function seedDemoInvitations (app: FastifyInstance): Promise<void> {
  for (const [slug, emails] of Object.entries(INVITED)) {
    const community = await findCommunityBySlug(app.db, slug)
    if (!community) continue
    const any = await app.db.selectFrom('invitations').select('id').where('community_id', '=', community.id).limit(1).executeTakeFirst()
    if (any) continue
    const inviter = await app.db.selectFrom('coordinator_terms').innerJoin('members', 'members.id', 'coordinator_terms.member_id')
      .selectAll('members').where('coordinator_terms.community_id', '=', community.id).where('coordinator_terms.ends_on', '>=', DateTime.now().toISODate()!)
      .orderBy('coordinator_terms.starts_on').limit(1).executeTakeFirstOrThrow()
    await app.db.transaction().execute((trx) => inviteByEmail(trx, app.mailer, community, emails, inviter))
  }
}

/** The demo's proposals: [speaker's email, template, submitted?, title, format, answers, bio, affiliation, first time?]. */
type DemoProposal = [email: string, template: string, submit: boolean, title: string, format: string, answers: Record<string, string>, bio: string, affiliation: ProposalInput['affiliation'], firstTime: boolean]
const DNA_PROPOSALS: DemoProposal[] = [
  [DEMO.member.email, 'Experience report', true, 'From manual to automated extraction in nine months', 'talk', {
    problem: 'In 2025 our DNA unit extracted every sample by hand. Turnaround for property crimes had drifted past 120 days, two analysts spent half their week at the bench on extractions, and the backlog grew by forty cases a month.',
    tried: 'We validated an automated extraction platform on a borrowed instrument first, then ran both methods side by side for six weeks. The first batch layout failed on low-quantity touch samples; we rebuilt it around sample type.',
    happened: 'Turnaround for property crimes fell from 124 to 61 days (monthly LIMS reports). Hands-on extraction time fell by 70 per cent. Our QAS audit found no nonconformities in the new procedure.',
    reuse: 'Our validation plan, the side-by-side comparison spreadsheet and the batch layout by sample type, all shareable.',
    why: 'Every lab still extracting by hand faces the same decision; this saves months of validation design.',
    pitch: 'How a mid-size state lab automated DNA extraction in nine months, halved turnaround, and passed its QAS audit: the plan and the spreadsheets you can reuse.'
  }, 'Forensic scientist in the DNA unit of the Ohio Bureau of Criminal Investigation; led our move to automated extraction.', 'government', false],
  [emailFor('Priya Patel', 'isp.illinois.example.gov'), 'How-to / demo', true, 'Explaining a likelihood ratio to a jury in two minutes', 'lightning', {
    goal: 'Explain a probabilistic genotyping likelihood ratio to a jury clearly and correctly, in under two minutes.',
    steps: '1. The one-sentence definition we use. 2. The three analogies that mislead jurors and the one that does not. 3. Answering the transposed-conditional question on cross.',
    context: 'I have testified on STRmix results in over forty trials in Illinois since 2022.',
    why: 'Every analyst reporting likelihood ratios will be asked this on the stand.',
    pitch: 'A tested two-minute explanation of likelihood ratios for juries, and how to avoid the transposed conditional on cross-examination.'
  }, 'Forensic scientist III, Illinois State Police; STRmix trainer.', 'government', false],
  [emailFor('Grace Kim', 'wsp.example.gov'), 'Experience report', false, 'Clearing 1,400 sexual assault kits', 'talk', {
    problem: 'Our sexual assault kit backlog passed 1,400 kits in 2024.'
  }, '', 'government', true]
]

/** An open call for proposals on the DNA community's conference, with proposals submitted and in draft (once). */
async function seedDemoCalls (app: FastifyInstance, now = new Date()): Promise<void> {
  const community = await findCommunityBySlug(app.db, DEMO.communities.dna)
  if (!community) return
  const conference = await app.db.selectFrom('events').select(['id', 'time_zone', 'created_by']).where('community_id', '=', community.id)
    .where('kind', '=', 'conference').orderBy('starts_at').limit(1).executeTakeFirst()
  if (!conference || (await listCallsOn(app.db, conference.id, null)).length) return
  const templates = await ensureTemplates(app.db, community.id)
  const topics = (await listRequirements(app.db, community.id)).map((r) => r.name)
  await app.db.transaction().execute(async (trx) => {
    const call = await createCall(trx, community.id, {
      target: { kind: 'event', id: conference.id, timeZone: conference.time_zone },
      title: 'Talks for the regional conference',
      lookingFor: 'Experience reports and demos from your own casework and lab management: what you changed, what happened, and what another lab can reuse. First-time speakers are welcome; ask for coaching.',
      opensAt: new Date(now.getTime() - 7 * 86_400_000), closesAt: new Date(now.getTime() + 45 * 86_400_000),
      formats: DEFAULT_FORMATS, topics, templateIds: templates.map((t) => t.id), maxPerPerson: 2, blindReview: true
    }, conference.created_by)
    for (const [email, templateName, submit, title, format, answers, bio, affiliation, firstTime] of DNA_PROPOSALS) {
      const member = await trx.selectFrom('members').select('id').where('email', '=', email).executeTakeFirst()
      const template = templates.find((t) => t.name === templateName)
      if (!member || !template) continue
      const saved = await saveProposal(trx, {
        call, template, memberId: member.id, existing: null, now,
        input: { templateId: template.id, title, format, topic: submit ? topics[0] ?? '' : '', answers, bio, affiliation, affiliationNote: '', pledge: submit, firstTime, wantsCoaching: firstTime, submit }
      })
      if (!saved.ok) throw new Error(`demo proposal "${title}": ${Object.values(saved.errors).join(' ')}`)
    }
  })
}

/**
 * The conference call's people (once): the demo member's proposal with an accepted co-speaker and a pending one,
 * a draft started from an organizer's invitation to propose, and a coaching note for the first-time speaker.
 */
async function seedDemoSpeakers (app: FastifyInstance): Promise<void> {
  const community = await findCommunityBySlug(app.db, DEMO.communities.dna)
  if (!community) return
  const call = await app.db.selectFrom('calls').selectAll().where('community_id', '=', community.id)
    .where('title', '=', 'Talks for the regional conference').orderBy('id').limit(1).executeTakeFirst()
  if (!call) return
  const done = await app.db.selectFrom('proposal_invitations').select('id').where('call_id', '=', call.id).executeTakeFirst()
  if (done) return
  const byEmail = async (email: string) => app.db.selectFrom('members').selectAll().where('email', '=', email).executeTakeFirst()
  const organizer = await byEmail(DEMO.organizer.email)
  const speaker = await byEmail(DEMO.member.email)
  if (!organizer || !speaker) return
  const proposals = await app.db.selectFrom('proposals').selectAll().where('call_id', '=', call.id).orderBy('id').execute()
  const own = proposals.find((p) => p.submitter_id === speaker.id)
  const coached = proposals.find((p) => p.wants_coaching)
  const others = await app.db.selectFrom('members').innerJoin('memberships', 'memberships.member_id', 'members.id')
    .select(['members.id', 'members.email']).where('memberships.community_id', '=', community.id).where('memberships.suspended_at', 'is', null)
    .where('members.id', 'not in', [organizer.id, ...proposals.map((p) => p.submitter_id)]).orderBy('members.id').limit(3).execute()
  if (!own || others.length < 3) return
  const templates = callTemplates(call, await ensureTemplates(app.db, community.id))
  await app.db.transaction().execute(async (trx) => {
    for (const other of others.slice(0, 2)) {
      const invited = await inviteCoSpeaker(trx, app.mailer, { community, call, proposal: own, submitter: speaker, email: other.email })
      if (!invited.ok) throw new Error(`demo co-speaker: ${Object.values(invited.errors).join(' ')}`)
    }
    await answerCoSpeaker(trx, { proposalId: own.id, member: others[0], isMember: true, accept: true })
    const invitation = await inviteToPropose(trx, app.mailer, {
      community, call, organizer, email: others[2].email,
      note: 'We heard your lab cut its backlog in half this year — would you tell that story? What you changed, what happened, and what another lab could reuse.'
    })
    if (!invitation.ok) throw new Error(`demo invitation to propose: ${Object.values(invitation.errors).join(' ')}`)
    const note = await trx.selectFrom('proposal_invitations').select(['id', 'note']).where('id', '=', invitation.value.id).executeTakeFirstOrThrow()
    if (templates[0]) await startInvitedDraft(trx, { call, template: templates[0], memberId: others[2].id, invitation: note })
    if (coached) {
      await addCoachingNote(trx, coached.id, organizer.id,
        'A strong start. Open with the number (1,400 kits) and the one change that moved it, then show the before/after chart. Happy to do a 20-minute practice run with you.')
    }
  })
}

/** Two members review the conference call (the demo reviewer and a colleague who has reviewed already), once. */
async function seedDemoReviews (app: FastifyInstance): Promise<void> {
  const community = await findCommunityBySlug(app.db, DEMO.communities.dna)
  if (!community) return
  const call = await app.db.selectFrom('calls').selectAll().where('community_id', '=', community.id).orderBy('id').limit(1).executeTakeFirst()
  if (!call || (await listCallReviewers(app.db, call.id)).length) return
  const organizer = await app.db.selectFrom('members').select('id').where('email', '=', DEMO.organizer.email).executeTakeFirstOrThrow()
  await app.db.transaction().execute(async (trx) => {
    for (const email of [DEMO.reviewer.email, emailFor('Aisha Rahman', 'fbi.example.gov')]) {
      const added = await addReviewer(trx, community.id, call.id, email, organizer.id)
      if (!added.ok) throw new Error(`demo reviewer ${email}: ${added.problem}`)
    }
    const reviewers = await listCallReviewers(trx, call.id)
    await assignEvenly(trx, call, reviewers)
    const aisha = reviewers.find((r) => r.full_name === 'Aisha Rahman')!
    const queue = await reviewerQueue(trx, call, aisha)
    for (const [i, q] of queue.filter((q) => q.assigned).entries()) {
      const saved = await saveReview(trx, call, aisha, q.proposal.id, {
        scores: { relevant: 5, experience: 4 - (i % 2), practical: 4, clear: 3 + (i % 2) },
        comment: i % 2 ? 'Useful, but the outline needs a concrete example.' : 'Strong: real figures and material others can reuse.',
        noteToSpeaker: i % 2 ? 'Consider adding one worked example from casework.' : ''
      })
      if (!saved.ok) throw new Error(`demo review: ${saved.problem}`)
    }
  })
}

/** Decided and released proposals on the conference call: [speaker's email, title, decision, note, answers]. */
const DECIDED_PROPOSALS: Array<[email: string, title: string, decision: 'accepted' | 'backup' | 'rejected', note: string, answers: Record<string, string>, bio: string]> = [
  [emailFor('Rachel Thompson', 'ocme.nyc.example.gov'), 'A competency test for low-template DNA in one afternoon', 'accepted', 'Please bring the test kit list; we will print it for the room.', {
    goal: 'Design and run a competency test for low-template DNA interpretation that fits in one afternoon.',
    steps: '1. Choosing the mock samples and their expected answers. 2. The scoring sheet and the pass rule. 3. Running it with two analysts at once. 4. What to do with a failed test.',
    context: 'We test every new criminalist at the New York City OCME with it; 31 analysts so far.',
    why: 'Every lab must show competency before casework; most build the test from scratch each time.',
    pitch: 'A reusable afternoon competency test for low-template DNA: the samples, the scoring sheet and the pass rule.'
  }, 'Criminalist III at the New York City Office of Chief Medical Examiner; trains new DNA analysts.'],
  [emailFor('Carlos Mendoza', 'azdps.example.gov'), 'Configuring a LIMS for DNA batches without a vendor', 'backup', '', {
    goal: 'Configure batch tracking for DNA casework in an existing LIMS without paying for vendor services.',
    steps: '1. The batch record and its fields. 2. The three status changes that matter. 3. The reports supervisors read each morning. 4. Testing the configuration.',
    context: 'Arizona DPS DNA section, eight analysts, in daily use since the spring of 2024.',
    why: 'Labs pay for configuration they can do themselves in a week.',
    pitch: 'How we configured DNA batch tracking in our LIMS ourselves in a week, and the reports our supervisors use daily.'
  }, 'DNA analyst at the Arizona Department of Public Safety; configures the section’s LIMS.'],
  [emailFor('Kevin O’Brien', 'msp.example.gov'), 'Why every lab needs our accreditation software', 'rejected', 'This reads as a product presentation. We would welcome a talk about what your unit changed to pass ISO 17025, tools included.', {
    goal: 'Show the features of the accreditation software our unit uses for ISO 17025.',
    steps: '1. The dashboard and its audit view. 2. Document control. 3. Corrective actions and their follow-up. 4. Pricing and licences for state labs.',
    context: 'Massachusetts State Police Crime Laboratory DNA unit, through our last two assessments.',
    why: 'Accreditation is a burden for every lab.',
    pitch: 'A tour of the accreditation software that made our ISO 17025 assessment painless, with licence options for state labs.'
  }, 'DNA unit supervisor at the Massachusetts State Police Crime Laboratory.']
]

/**
 * Decisions on the conference call (once): an accepted and confirmed talk, a backup, and a rejection with a note,
 * released (their mails go to the outbox); the demo's other proposals stay under review.
 */
async function seedDemoDecisions (app: FastifyInstance, now = new Date()): Promise<void> {
  const community = await findCommunityBySlug(app.db, DEMO.communities.dna)
  if (!community) return
  const call = await app.db.selectFrom('calls').selectAll().where('community_id', '=', community.id)
    .where('title', '=', 'Talks for the regional conference').orderBy('id').limit(1).executeTakeFirst()
  if (!call || call.decisions_released_at) return
  const templates = await ensureTemplates(app.db, community.id)
  const template = templates.find((t) => t.name === 'How-to / demo')
  const organizer = await app.db.selectFrom('members').select('id').where('email', '=', DEMO.organizer.email).executeTakeFirst()
  if (!template || !organizer) return
  const topic = (await listRequirements(app.db, community.id))[0]?.name ?? ''
  let accepted: { id: number, decided_at: Date | null } | null = null
  for (const [email, title, decision, note, answers, bio] of DECIDED_PROPOSALS) {
    const member = await app.db.selectFrom('members').select('id').where('email', '=', email).executeTakeFirst()
    if (!member) continue
    const saved = await app.db.transaction().execute((trx) => saveProposal(trx, {
      call, template, memberId: member.id, existing: null, now,
      input: { templateId: template.id, title, format: 'talk', topic, answers, bio, affiliation: 'government', affiliationNote: '', pledge: true, firstTime: false, wantsCoaching: false, submit: true }
    }))
    if (!saved.ok) throw new Error(`demo proposal "${title}": ${Object.values(saved.errors).join(' ')}`)
    await decide(app.db, call.id, saved.proposal.id, decision, note, organizer.id)
    if (decision === 'accepted') accepted = { id: saved.proposal.id, decided_at: null }
  }
  await releaseDecisions(app.db, app.mailer, community.id, call.id, now)
  if (accepted) {
    const row = await app.db.selectFrom('proposals').select(['id', 'decided_at']).where('id', '=', accepted.id).executeTakeFirstOrThrow()
    await answerConfirmLink(app.db, app.mailer, confirmToken(app.secret, row.id, row.decided_at), 'confirmed', now)
  }
}

async function signInLink (app: FastifyInstance, email: string): Promise<string> {
  const member = await app.db.selectFrom('members').select(['id', 'email']).where('email', '=', email).executeTakeFirstOrThrow()
  const token = randomToken()
  await insertEmailToken(app.db, {
    tokenHash: hashToken(token), purpose: 'sign-in', email: member.email, memberId: member.id,
    expiresAt: new Date(Date.now() + DEMO_LINK_HOURS * 3_600_000)
  })
  return `${app.config.PUBLIC_URL}/auth/sign-in?token=${encodeURIComponent(token)}`
}

/** A sign-in link per demo role. */
export interface DemoLinks { organizer: string, member: string, speaker: string, reviewer: string, admin: string }

/** The sign-in links as the console prints them, one role per line. */
export function demoLinkLines (links: DemoLinks): string {
  const rows: Array<[string, string, string]> = [
    ['organizer', DEMO.organizer.name, links.organizer], ['member', DEMO.member.name, links.member],
    ['speaker', DEMO.speaker.name, links.speaker], ['reviewer', DEMO.reviewer.name, links.reviewer], ['admin', DEMO.admin.name, links.admin]
  ]
  return rows.map(([role, name, link]) => `  ${`${role} (${name})`.padEnd(28)} ${link}`).join('\n')
}

/** Demo data; returns a sign-in link for each demo role. */
export async function seedDemo (app: FastifyInstance): Promise<DemoLinks> {
  const present = await app.db.selectFrom('communities').select('id').where('slug', '=', DEMO.communities.dna).executeTakeFirst()
  if (!present) await app.db.transaction().execute((trx) => createDemoData(trx))
  await seedDemoEvents(app)
  await seedDemoInvitations(app)
  await seedDemoCalls(app)
  await seedDemoSpeakers(app)
  await seedDemoReviews(app)
  await seedDemoDecisions(app)
  await seedDemoAgenda(app)
  await seedDemoSeriesCall(app)
  await seedDemoConnections(app)
  return {
    organizer: await signInLink(app, DEMO.organizer.email),
    member: await signInLink(app, DEMO.member.email),
    speaker: await signInLink(app, DEMO.speaker.email),
    reviewer: await signInLink(app, DEMO.reviewer.email),
    admin: await signInLink(app, DEMO.admin.email)
  }
}

// `npm run db:seed`: the same demo data (and its own data folder) as `npm run demo`, without starting the server.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { loadConfig } = await import('../config.js')
  const { buildApp } = await import('../build.js')
  const config = loadConfig()
  if (!config.DATABASE_URL) config.DATA_DIR = path.join(config.DATA_DIR, 'demo')
  const app = await buildApp({ config: { ...config, WORKER: false }, logger: false })
  const links = await seedDemo(app)
  await app.close()
  console.log(`Demo data is ready. Start it with \`npm run demo\` (which prints fresh links), or sign in now as:\n${demoLinkLines(links)}`)
}
