import crypto from 'node:crypto'

/** A random token of 256 bits from the CSPRNG, URL-safe. */
export function randomToken (bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url')
}

/** What we store instead of a token that grants access: its SHA-256. */
export function hashToken (token: string): string {
  return crypto.createHash('sha256').update(token).digest('base64url')
}

/** HMAC-SHA256 of a payload, for links that are signed rather than stored (RSVP links, feeds). */
export function sign (secret: string, payload: string): string {
  return crypto.createHmac('sha256', secret).update(payload).digest('base64url')
}

/** Constant-time comparison of two strings. */
export function safeEqual (a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb)
}
