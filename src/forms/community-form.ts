import { Type } from 'typebox'
import type { CommunityInput } from '../domain/communities/communities.service.js'
import { validateCommunityForm, type CommunityForm } from '../domain/communities/settings.js'
import { checkbox, form, multiline, text } from '../lib/schema.js'
import { checkForm } from '../lib/validation.js'
import { field, ticked } from './place-fields.js'

/*
 * The community settings form: the organizers' settings page and, with the address (`slug`), the site admin's
 * new-community page. The schema bounds each field; the domain (validateCommunityForm) checks what the lists
 * say (norms, requirements, allowed domains) and the rule that spans fields (who may join).
 */

const communityFields = {
  name: text('the name', 120),
  about: multiline('what we’re about', 2000),
  // One per line: the domain bounds the number of lines and each line's length.
  requirements: multiline('the shared requirements', 20_000),
  norms: multiline('the norms', 20_000),
  public_records_notice: multiline('the public-records notice', 2000),
  allowed_domains: multiline('the allowed email domains', 20_000),
  requires_approval: checkbox('require an organizer’s approval'),
  invitation_only: checkbox('invitation only'),
  contact_email: text('the community contact address', 254)
}

/** The settings page's form. */
export const CommunitySettingsForm = form(communityFields)

/** The new-community form: the settings and the address. */
export const NewCommunityForm = form({
  // Empty, or not an address name: the domain's messages say what to write.
  slug: Type.Optional(Type.String({ title: 'the address name', maxLength: 60, default: '' })),
  ...communityFields
})

/**
 * Reads the community form (with the address when `withSlug`): the schema's limits, then the domain's checks.
 * `values` re-show the form as typed; `input` is set only when there are no errors.
 */
export function readCommunityForm (body: unknown, withSlug = false): { values: CommunityForm, errors: Record<string, string>, input?: CommunityInput } {
  const errors = checkForm(withSlug ? NewCommunityForm : CommunitySettingsForm, body)
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const values: CommunityForm = {
    ...(withSlug ? { slug: field(b, 'slug') } : {}),
    name: field(b, 'name'),
    about: field(b, 'about'),
    requirements: field(b, 'requirements'),
    norms: field(b, 'norms'),
    public_records_notice: field(b, 'public_records_notice'),
    allowed_domains: field(b, 'allowed_domains'),
    requires_approval: ticked(b, 'requires_approval'),
    invitation_only: ticked(b, 'invitation_only'),
    contact_email: field(b, 'contact_email')
  }
  const checked = validateCommunityForm(values)
  for (const [name, message] of Object.entries(checked.errors)) errors[name] ??= message
  return Object.keys(errors).length ? { values, errors } : { values, errors, input: checked.input }
}

/** The form's values for an existing community (what the settings page shows first). */
export function communityFormValues (c: { name: string, about: string, norms: string[], public_records_notice: string,
  allowed_domains: string[], requires_approval: boolean, invitation_only: boolean, contact_email: string | null }, requirements: string[]): CommunityForm {
  return {
    name: c.name,
    about: c.about,
    requirements: requirements.join('\n'),
    norms: c.norms.join('\n'),
    public_records_notice: c.public_records_notice,
    allowed_domains: c.allowed_domains.join('\n'),
    requires_approval: c.requires_approval,
    invitation_only: c.invitation_only,
    contact_email: c.contact_email ?? ''
  }
}
