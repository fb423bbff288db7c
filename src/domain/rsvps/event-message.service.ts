import type { Community, Db, Event, RsvpStatus } from '../../db/database.js'
import { queueTemplatedMail, type Mailer } from '../mail/mailer.js'
import { communitySender } from '../mail/sender.js'
import { listAnswerers } from './rsvps.repository.js'

/** Whom an organizer's message to an event goes to. */
export const MESSAGE_AUDIENCES = {
  going: { label: 'Those going', statuses: ['going'], phrase: 'going to' },
  waitlist: { label: 'The waitlist', statuses: ['waitlisted'], phrase: 'on the waitlist of' },
  both: { label: 'Those going and the waitlist', statuses: ['going', 'waitlisted'], phrase: 'going to or waitlisted for' }
} as const satisfies Record<string, { label: string, statuses: RsvpStatus[], phrase: string }>

export type MessageAudience = keyof typeof MESSAGE_AUDIENCES

export interface EventMessage {
  audience: MessageAudience
  subject: string
  body: string
}

/**
 * Queues an organizer's message to those going, the waitlist or both: one mail per person, through the outbox,
 * in the caller's transaction. It is from "<Community> via Convene" (MAIL_FROM's address) and replies go to the
 * community's contact address, or to the organizer who wrote it (`writer`) when the community has none.
 * Returns how many were queued (0: nobody in that audience).
 */
export async function messageAnswerers (trx: Db, mailer: Mailer, community: Community, event: Event, message: EventMessage,
  writer: { full_name: string, email: string }): Promise<number> {
  const audience = MESSAGE_AUDIENCES[message.audience]
  const people = await listAnswerers(trx, event.id, [...audience.statuses])
  const from = communitySender(mailer.site.mailFrom, community, { writer })
  for (const p of people) {
    await queueTemplatedMail(trx, mailer, {
      template: 'event-message',
      kind: 'event-message',
      to: p.email,
      memberId: p.id,
      data: {
        name: p.full_name,
        sender: writer.full_name,
        audienceLabel: audience.phrase,
        subject: message.subject,
        message: message.body,
        event: { id: event.id, title: event.title, starts_at: event.starts_at, time_zone: event.time_zone },
        community: { name: community.name, slug: community.slug },
        replyTo: from.replyTo
      },
      from
    })
  }
  return people.length
}
