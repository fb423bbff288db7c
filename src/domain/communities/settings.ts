import { lines, normaliseEmail } from '../../lib/forms.js'
import { quote } from '../../lib/validation.js'
import type { CommunityInput } from './communities.service.js'
import { normaliseDomainPattern } from './policy.js'

/** What the settings form (and the new-community form) sends, as typed. */
export interface CommunityForm {
  slug?: string
  name: string
  about: string
  requirements: string
  norms: string
  public_records_notice: string
  allowed_domains: string
  requires_approval: boolean
  invitation_only: boolean
  /** Where replies to the community's mail go; empty: none. Left out (first-run setup): none. */
  contact_email?: string
}

export const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/**
 * Checks a community's settings. Returns the clean input, or a message per field in error. The slug is only
 * checked when present (it is chosen once, at creation); whether it is taken is the caller's query.
 */
export function validateCommunityForm (form: CommunityForm): { input: CommunityInput, errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const slug = (form.slug ?? '').trim()
  if (form.slug !== undefined) {
    if (!slug) errors.slug = 'Enter a short name for the address, like dna-analysts.'
    else if (slug.length > 60) errors.slug = 'The address name must be 60 characters or fewer.'
    else if (!SLUG_RE.test(slug)) errors.slug = 'Use only lowercase letters, digits and hyphens (not at the start or end), like dna-analysts.'
  }
  const name = form.name.trim()
  if (!name) errors.name = 'Enter the community’s name.'
  else if (name.length > 120) errors.name = 'The name must be 120 characters or fewer.'
  const about = form.about.trim()
  if (about.length > 2000) errors.about = 'What we’re about must be 2,000 characters or fewer.'

  const requirements = lines(form.requirements)
  if (requirements.length > 30) errors.requirements = 'List at most 30 shared requirements.'
  else if (requirements.some((r) => r.length > 200)) errors.requirements = 'Each shared requirement must be 200 characters or fewer.'

  const norms = lines(form.norms)
  if (!norms.length) errors.norms = 'Enter at least one norm, one per line: every member accepts them on joining.'
  else if (norms.length > 20) errors.norms = 'List at most 20 norms.'
  else if (norms.some((r) => r.length > 300)) errors.norms = 'Each norm must be 300 characters or fewer.'

  const notice = form.public_records_notice.trim()
  if (!notice) errors.public_records_notice = 'Enter the public-records notice members see (for example, that posts may be subject to FOIA).'
  else if (notice.length > 2000) errors.public_records_notice = 'The public-records notice must be 2,000 characters or fewer.'

  const rawDomains = lines(form.allowed_domains, true)
  const allowedDomains: string[] = []
  const bad: string[] = []
  for (const d of rawDomains) {
    const p = normaliseDomainPattern(d)
    if (p) { if (!allowedDomains.includes(p)) allowedDomains.push(p) } else bad.push(d)
  }
  if (bad.length) {
    errors.allowed_domains = `${bad.slice(0, 3).map((d) => quote(d)).join(', ')}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''} ${bad.length === 1 ? 'is not an email domain' : 'are not email domains'}. Write domains like fbi.gov, or *.gov for any address under .gov.`
  } else if (allowedDomains.length > 50) {
    errors.allowed_domains = 'List at most 50 domains.'
  } else if (!form.invitation_only && !form.requires_approval && !allowedDomains.length) {
    errors.allowed_domains = 'List the email domains that may join, or require an organizer’s approval, or make the community invitation only — otherwise anyone could join.'
  }

  const rawContact = (form.contact_email ?? '').trim()
  const contactEmail = rawContact ? normaliseEmail(rawContact) : null
  if (rawContact && !contactEmail) {
    errors.contact_email = `${quote(rawContact)} is not an email address. Write the community contact address like records-team@agency.gov, or leave it empty.`
  }

  return {
    input: {
      slug,
      name,
      about,
      requirements,
      norms,
      publicRecordsNotice: notice,
      allowedDomains,
      requiresApproval: form.requires_approval,
      invitationOnly: form.invitation_only,
      contactEmail
    },
    errors
  }
}
