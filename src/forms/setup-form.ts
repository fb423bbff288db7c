import { validateCommunityForm } from '../domain/communities/settings.js'
import { DEFAULT_NORMS, DEFAULT_PUBLIC_RECORDS_NOTICE } from '../domain/communities/communities.service.js'
import { PROFILE_LIMITS } from './profile-form.js'
import type { SetupInput } from '../domain/site/site.service.js'
import { form, multiline, text } from '../lib/schema.js'
import { readEmail, readForm, type ReadForm } from './read-form.js'

/** The message for a setup form sent without its code. */
export const SETUP_CODE_MISSING = 'Enter the setup code printed in the server’s console when Convene started.'

/** The first-run form: the one-time code, the site admin, and the first community. */
export const SetupForm = form({
  code: text('the setup code', 100, { required: true, errorMessage: SETUP_CODE_MISSING }),
  email: text('your email address', 254, { required: true }),
  full_name: text('your full name', PROFILE_LIMITS.full_name, { required: true }),
  agency: text('your agency', PROFILE_LIMITS.agency, { required: true }),
  name: text('the community’s name', 120, { required: true }),
  // Empty is reported by the community's rules, with an example of a good one.
  slug: text('the address name', 60),
  about: multiline('what we’re about', 2000),
  requirements: multiline('the shared requirements', 6000),
  allowed_domains: multiline('the email domains', 5000)
})

/**
 * Reads the first-run form: the schema's checks, the address, and the community's rules (the community starts
 * with the default norms and public-records notice, and requires approval). `input` is set only without errors.
 */
export function readSetupForm (body: unknown): ReadForm & { input?: SetupInput } {
  const read = readForm(SetupForm, body)
  const { values, errors } = read
  values.slug = values.slug.toLowerCase()
  const email = readEmail(read)
  const community = validateCommunityForm({
    slug: values.slug,
    name: values.name,
    about: values.about,
    requirements: values.requirements,
    norms: DEFAULT_NORMS.join('\n'),
    public_records_notice: DEFAULT_PUBLIC_RECORDS_NOTICE,
    allowed_domains: values.allowed_domains,
    requires_approval: true,
    invitation_only: false
  })
  for (const [field, message] of Object.entries(community.errors)) errors[field] ??= message
  if (!values.about) errors.about ??= 'Say in a sentence or two what the community is about: people read it before asking to join.'
  if (Object.keys(errors).length || !email) return read
  return { ...read, input: { code: values.code, email, fullName: values.full_name, agency: values.agency, community: community.input } }
}
