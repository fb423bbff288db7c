import t from 'tap'
import { decideJoin, describePolicy, domainMatches, emailAllowed, emailDomain, normaliseDomainPattern } from '../../../src/domain/communities/policy.js'
import { validateCommunityForm } from '../../../src/domain/communities/settings.js'

t.test('domain patterns: exact, wildcard, case-insensitive, no look-alikes', async (t) => {
  const gov = ['*.gov', '*.mil', 'fbi.gov']
  t.ok(emailAllowed('someone@agency.gov', gov))
  t.ok(emailAllowed('someone@lab.state.va.gov', ['*.gov']), 'any depth under the wildcard')
  t.ok(emailAllowed('Someone@FBI.GOV', ['fbi.gov']), 'case-insensitive address')
  t.ok(emailAllowed('someone@fbi.gov', ['FBI.gov']), 'case-insensitive pattern')
  t.ok(emailAllowed('someone@army.mil', gov))
  t.notOk(emailAllowed('someone@agency.gov.evil.com', gov), 'agency.gov.evil.com is not *.gov')
  t.notOk(emailAllowed('someone@fbi.gov.evil.com', ['fbi.gov']), 'fbi.gov.evil.com is not fbi.gov')
  t.notOk(emailAllowed('someone@evilfbi.gov', ['fbi.gov']), 'a longer label is not the domain')
  t.notOk(emailAllowed('someone@la.fbi.gov', ['fbi.gov']), 'an exact domain does not cover subdomains')
  t.notOk(emailAllowed('someone@evilgov', ['*.gov']), 'the wildcard needs a dot before the suffix')
  t.notOk(emailAllowed('someone@gov', ['*.gov']), 'the wildcard means a subdomain, not the bare suffix')
  t.notOk(emailAllowed('someone@agency.gov@evil.com', ['*.gov']), 'the domain is after the last @')
  t.notOk(emailAllowed('someone@agency..gov', ['*.gov']), 'an empty label is not a domain')
  t.notOk(emailAllowed('no-at-sign', ['*.gov']))
  t.notOk(emailAllowed('someone@agency.gov', []), 'an empty list allows no domain')
  t.equal(emailDomain('A@B.GOV'), 'b.gov')
  t.notOk(domainMatches('', '*.gov'))
  t.notOk(domainMatches('a.gov', '*.'))
})

t.test('normalising the patterns organizers type', async (t) => {
  t.equal(normaliseDomainPattern(' *.GOV '), '*.gov')
  t.equal(normaliseDomainPattern('@fbi.gov'), 'fbi.gov')
  t.equal(normaliseDomainPattern('fbi.gov.'), 'fbi.gov')
  t.equal(normaliseDomainPattern('gov'), null, 'a bare top-level domain needs the wildcard')
  t.equal(normaliseDomainPattern('*'), null)
  t.equal(normaliseDomainPattern('*.*.gov'), null)
  t.equal(normaliseDomainPattern('fbi gov'), null)
  t.equal(normaliseDomainPattern('-bad.gov'), null)
  t.equal(normaliseDomainPattern('a'.repeat(254) + '.gov'), null)
})

t.test('the join decision', async (t) => {
  const base = { allowed_domains: ['*.gov'], requires_approval: false, invitation_only: false }
  t.same(decideJoin(base, 'a@x.gov'), { kind: 'admit' })
  t.same(decideJoin(base, 'a@x.gov.evil.com'), { kind: 'domain-refused', allowedDomains: ['*.gov'] })
  t.same(decideJoin({ ...base, requires_approval: true }, 'a@x.gov'), { kind: 'needs-approval' }, 'domain and approval')
  t.same(decideJoin({ ...base, requires_approval: true }, 'a@gmail.com').kind, 'domain-refused', 'approval does not replace the domain check')
  t.same(decideJoin({ allowed_domains: [], requires_approval: true, invitation_only: false }, 'a@gmail.com'), { kind: 'needs-approval' }, 'approval only')
  t.same(decideJoin({ allowed_domains: [], requires_approval: false, invitation_only: false }, 'a@gmail.com'), { kind: 'needs-approval' }, 'no rule at all still needs an organizer')
  t.same(decideJoin({ ...base, invitation_only: true }, 'a@x.gov'), { kind: 'invitation-only' })
  t.match(describePolicy({ ...base, invitation_only: true }).join(' '), 'invitation only')
  t.match(describePolicy({ ...base, requires_approval: true }).join(' '), /\*\.gov.*An organizer reviews/)
  t.match(describePolicy({ allowed_domains: [], requires_approval: true, invitation_only: false }).join(' '), 'Anyone with a verified email address may ask')
})

t.test('community settings validation', async (t) => {
  const ok = {
    slug: 'dna-analysts', name: 'DNA Analysts', about: 'Crime lab DNA work.', requirements: 'FBI QAS\nISO 17025\nFBI QAS',
    norms: 'Be present\n\nMake space, take space', public_records_notice: 'FOIA applies.', allowed_domains: '*.GOV, fbi.gov\n*.gov',
    requires_approval: false, invitation_only: false
  }
  const good = validateCommunityForm(ok)
  t.same(good.errors, {})
  t.same(good.input.requirements, ['FBI QAS', 'ISO 17025'])
  t.same(good.input.norms, ['Be present', 'Make space, take space'])
  t.same(good.input.allowedDomains, ['*.gov', 'fbi.gov'])
  const bad = validateCommunityForm({ ...ok, slug: 'DNA Analysts', name: '', norms: ' ', public_records_notice: '', allowed_domains: 'gov\nnot a domain' })
  t.same(Object.keys(bad.errors).sort(), ['allowed_domains', 'name', 'norms', 'public_records_notice', 'slug'])
  t.match(bad.errors.allowed_domains, '“gov”, “not a domain” are not email domains')
  t.match(validateCommunityForm({ ...ok, slug: '-x' }).errors.slug, 'lowercase letters, digits and hyphens')
  t.match(validateCommunityForm({ ...ok, slug: '' }).errors.slug, 'Enter a short name')
  t.match(validateCommunityForm({ ...ok, allowed_domains: '' }).errors.allowed_domains, 'otherwise anyone could join')
  t.same(validateCommunityForm({ ...ok, allowed_domains: '', requires_approval: true }).errors, {})
  t.same(validateCommunityForm({ ...ok, allowed_domains: '', invitation_only: true }).errors, {})
  const noSlug = { ...ok }
  delete (noSlug as { slug?: string }).slug
  t.same(validateCommunityForm(noSlug).errors, {}, 'the settings page has no slug to check')
})
