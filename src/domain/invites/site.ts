/**
 * What calendar mail needs beyond the database: the public URL (links, UIDs), MAIL_FROM (the ORGANIZER
 * mailbox) and the site secret (signed RSVP links). The app registers a getter once at boot
 * (src/plugins/app/calendar-mail.ts), so every `respond()`, event update and cancellation — whoever calls it —
 * sends invites without each caller threading the secret through. Code running without an app (no getter)
 * sends no calendar mail; plain notices still go.
 */
export interface MailSite {
  publicUrl: string
  mailFrom: string
  secret: string
}

let getter: (() => MailSite) | null = null

/** Called by the app at boot. A getter, not a value: tests change app.config.PUBLIC_URL after building. */
export function registerMailSite (get: () => MailSite): void {
  getter = get
}

export function mailSite (): MailSite | null {
  return getter ? getter() : null
}
