/**
 * Membership policy: who may ask to join a community, and what happens next. Pure functions, no database.
 *
 * A community lists email domains (`fbi.gov` = exactly that domain; `*.gov` = any subdomain of gov, at any
 * depth) and/or requires an organizer's approval, or is by invitation only. Domain checks compare whole DNS
 * labels, case-insensitively: `agency.gov.evil.com` is not `*.gov`, `fbi.gov.evil.com` is not `fbi.gov`.
 */

export interface MembershipPolicy {
  allowed_domains: string[]
  requires_approval: boolean
  invitation_only: boolean
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?'
const DOMAIN_RE = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`)

/** A domain pattern as typed by an organizer, lower-cased; null when it is not one. */
export function normaliseDomainPattern (raw: string): string | null {
  let p = raw.trim().toLowerCase()
  if (p.startsWith('@')) p = p.slice(1)
  if (p.endsWith('.')) p = p.slice(0, -1)
  const wildcard = p.startsWith('*.')
  const domain = wildcard ? p.slice(2) : p
  if (!domain || domain.length > 253 || !DOMAIN_RE.test(domain)) return null
  // A bare single label ("gov") is only meaningful with a wildcard; exact domains need at least two labels.
  if (!wildcard && !domain.includes('.')) return null
  return wildcard ? `*.${domain}` : domain
}

/** The domain of an email address, lower-cased ('' when there is none). */
export function emailDomain (email: string): string {
  const at = email.lastIndexOf('@')
  return at < 0 ? '' : email.slice(at + 1).trim().toLowerCase().replace(/\.$/, '')
}

/** Whether one domain matches one pattern. */
export function domainMatches (domain: string, pattern: string): boolean {
  const d = domain.toLowerCase()
  const p = pattern.trim().toLowerCase()
  if (!d || !p) return false
  if (p.startsWith('*.')) {
    const base = p.slice(2)
    return base.length > 0 && d.length > base.length + 1 && d.endsWith('.' + base)
  }
  return d === p
}

/** Whether the email address's domain is one the community allows. */
export function emailAllowed (email: string, patterns: string[]): boolean {
  const domain = emailDomain(email)
  if (!DOMAIN_RE.test(domain)) return false
  return patterns.some((p) => domainMatches(domain, p))
}

export type JoinDecision =
  /** The community takes no requests: only organizers' invitations. */
  | { kind: 'invitation-only' }
  /** The address's domain is not on the list. */
  | { kind: 'domain-refused', allowedDomains: string[] }
  /** Verified; an organizer decides. */
  | { kind: 'needs-approval' }
  /** Verified and allowed: the person may accept the norms and join. */
  | { kind: 'admit' }

/**
 * What happens to a request to join from this (verified) address. A community with no domain list and no
 * approval step would let anyone in; that is never the intent, so it is treated as requiring approval.
 */
export function decideJoin (policy: MembershipPolicy, email: string): JoinDecision {
  if (policy.invitation_only) return { kind: 'invitation-only' }
  const domains = policy.allowed_domains
  if (domains.length && !emailAllowed(email, domains)) return { kind: 'domain-refused', allowedDomains: domains }
  if (policy.requires_approval || !domains.length) return { kind: 'needs-approval' }
  return { kind: 'admit' }
}

/** The policy in a sentence or two, for the landing page and the refusal page. */
export function describePolicy (policy: MembershipPolicy): string[] {
  if (policy.invitation_only) return ['This community is by invitation only: an organizer invites new members.']
  const out: string[] = []
  if (policy.allowed_domains.length) out.push(`Anyone with a verified email address at ${policy.allowed_domains.join(', ')} may ask to join.`)
  else out.push('Anyone with a verified email address may ask to join.')
  if (policy.requires_approval || !policy.allowed_domains.length) out.push('An organizer reviews each request.')
  return out
}

/** Who may act as an organizer of a community: its current organizers, and site admins in every community. */
export function mayOrganize (standing: { isOrganizer: boolean, isAdmin: boolean }): boolean {
  return standing.isOrganizer || standing.isAdmin
}
