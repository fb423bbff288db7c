import nodemailer, { type SendMailOptions } from 'nodemailer'

/** What delivery needs from a nodemailer transport (tests may pass their own). */
export interface MailTransport {
  sendMail (message: SendMailOptions): Promise<unknown>
  close? (): void
}

export interface MailSender {
  transport: MailTransport
  /** 'smtp' sends to SMTP_URL; 'mailbox' keeps mail in the table for the admin's dev mailbox. */
  mode: 'smtp' | 'mailbox'
  from: string
}

/**
 * With an SMTP URL: nodemailer's SMTP transport with short timeouts (a stuck server must not hold a message
 * longer than its claim). Without: the dev mailbox — the message is still composed (so a broken message fails
 * here as it would over SMTP) but goes nowhere; it stays readable at /dev/mailbox.
 */
export function createMailSender (smtpUrl: string, from: string): MailSender {
  if (smtpUrl) {
    return {
      mode: 'smtp',
      from,
      transport: nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 })
    }
  }
  return { mode: 'mailbox', from, transport: nodemailer.createTransport({ streamTransport: true, buffer: true }) }
}
