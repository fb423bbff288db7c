import { bool, str } from './forms.js'

/**
 * The community settings form as typed: the organizers' settings page and, with the address (`slug`), the site
 * admin's new-community page.
 */
export function readCommunityForm (body: unknown, withSlug = false) {
  return {
    ...(withSlug ? { slug: str(body, 'slug', 200) } : {}),
    name: str(body, 'name', 400),
    about: str(body, 'about', 4000),
    requirements: str(body, 'requirements', 20000),
    norms: str(body, 'norms', 20000),
    public_records_notice: str(body, 'public_records_notice', 4000),
    allowed_domains: str(body, 'allowed_domains', 20000),
    requires_approval: bool(body, 'requires_approval'),
    invitation_only: bool(body, 'invitation_only')
  }
}
