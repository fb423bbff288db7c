import addressparser from 'nodemailer/lib/addressparser'
import { normaliseEmail } from '../../lib/forms.js'

/*
 * Who a mail is from. Every message leaves from MAIL_FROM's address: it is the only address whose domain this
 * install signs and is allowed to send for (SPF, DKIM, DMARC), so a From in a community's or a person's
 * own domain would be forged and land in spam or be refused. What speaks for a community is the display
 * name ("Records Managers via Convene") and Reply-To (the community's contact address, or the organizer who
 * wrote), as mailing lists and event tools do ("Ada via Meetup", "… via Google Groups").
 */

/** A display name and an address, handed to nodemailer as an object (it quotes and encodes the name). */
export interface Mailbox {
  name: string
  address: string
}

/** What a queued message says about its sender: the From display name (address: MAIL_FROM's) and Reply-To. */
export interface MailFrom {
  name: string
  replyTo: Mailbox | null
}

/** The longest display name we put in a header (a community name is at most 120 characters). */
const NAME_MAX = 160

/**
 * A name fit for an address header: line breaks, tabs and every other control character (with the spaces
 * around them) become one space, and it is cut at 160 characters. Quotes, commas, angle brackets and non-ASCII
 * letters stay: nodemailer quotes or encodes them (RFC 5322 quoted-string, RFC 2047 encoded-word).
 */
export function headerName (name: string): string {
  return [...name.replace(/\s*[\p{Cc}\u2028\u2029]+\s*/gu, ' ').trim()].slice(0, NAME_MAX).join('').trim()
}

/** The address a header may carry, or null: one plain address (no name, no line break, no second address). */
export function headerAddress (address: string | null | undefined): string | null {
  const a = (address ?? '').trim()
  return a && normaliseEmail(a) !== null ? a : null
}

/**
 * MAIL_FROM read as a mailbox: `Convene <convene@agency.gov>` → name "Convene", address convene@agency.gov. A
 * bare address has the name "Convene". The name is the install's name in "<Community> via <name>".
 */
export function siteMailbox (mailFrom: string): Mailbox {
  const [first] = addressparser(mailFrom, { flatten: true })
  const address = first?.address || mailFrom.trim()
  return { name: headerName(first?.name ?? '') || 'Convene', address }
}

/**
 * Where replies to a community's mail go: `community` (the default) — the community's contact address when it
 * has one, else the writer; `writer` — the person who wrote it (a member inviting a colleague), else the
 * contact address; `none` — no Reply-To (mail to the organizers themselves, and calendar mail: a calendar
 * answers its ORGANIZER, and no Reply-To must suggest another address).
 */
export type RepliesTo = 'community' | 'writer' | 'none'

/**
 * The sender of a mail on behalf of one community: From "<Community> via <site>" at MAIL_FROM's address, and a
 * Reply-To as `replyTo` says (see RepliesTo); with none, replies go to MAIL_FROM as before. For what organizers
 * write the contact address wins over the organizer: it is the address they chose for the community's mail, and
 * the message names its writer in its text.
 */
export function communitySender (mailFrom: string, community: { name: string, contact_email: string | null },
  opts: { writer?: { full_name: string, email: string } | null, replyTo?: RepliesTo } = {}): MailFrom {
  const site = siteMailbox(mailFrom)
  const name = headerName(`${headerName(community.name)} via ${site.name}`)
  const contactAddress = headerAddress(community.contact_email)
  const contact = contactAddress ? { name: headerName(community.name), address: contactAddress } : null
  const writerAddress = opts.writer ? headerAddress(opts.writer.email) : null
  const writer = writerAddress ? { name: headerName(opts.writer!.full_name), address: writerAddress } : null
  const replyTo = opts.replyTo ?? 'community'
  return { name, replyTo: replyTo === 'none' ? null : replyTo === 'writer' ? writer ?? contact : contact ?? writer }
}

/** A mailbox as a person reads it: `Name <address>` (a page shows it; headers get the object). */
export function mailboxText (m: Mailbox | string): string {
  return typeof m === 'string' ? m : m.name ? `${m.name} <${m.address}>` : m.address
}

/** The From and Reply-To of a message row as they are sent (nodemailer's address objects) and as the dev mailbox shows them. */
export function messageSender (row: { from_name: string | null, reply_to: string | null, reply_to_name: string | null }, mailFrom: string):
{ from: Mailbox | string, replyTo: Mailbox | null } {
  const site = siteMailbox(mailFrom)
  const name = row.from_name ? headerName(row.from_name) : ''
  const replyAddress = headerAddress(row.reply_to)
  return {
    // No name of its own: MAIL_FROM as configured, untouched (the messages queued before senders were kept).
    from: name ? { name, address: site.address } : mailFrom,
    replyTo: replyAddress ? { name: headerName(row.reply_to_name ?? ''), address: replyAddress } : null
  }
}
