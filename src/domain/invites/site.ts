/**
 * What calendar mail needs beyond the database: the public URL (links, UIDs), MAIL_FROM (the ORGANIZER
 * mailbox) and the site secret (signed RSVP links). Only the worker that sends mail has it: the app passes it
 * from its configuration (src/plugins/app/calendar-mail.ts); code that changes calendars only queues rows.
 */
export interface MailSite {
  publicUrl: string
  mailFrom: string
  secret: string
}
