import t from 'tap'
import { readProfileForm } from '../../src/forms/profile-form.js'

const good = { full_name: 'Ada Analyst', agency: 'Ohio BCI' }

t.test('the profile’s time-zone select takes a zone of its list, or none', async (t) => {
  t.equal(readProfileForm({ ...good, time_zone: '' }).input?.timeZone, null, 'empty: each event’s own zone')
  t.equal(readProfileForm({ ...good, time_zone: 'Europe/Berlin' }).input?.timeZone, 'Europe/Berlin')
  const alias = readProfileForm({ ...good, time_zone: 'US/Eastern' })
  t.equal(alias.input, undefined, 'an alias is not in the list')
  t.equal(alias.errors.time_zone, 'Choose a time zone from the list, or leave it empty.')
  t.equal(alias.values.time_zone, 'US/Eastern', 'kept as sent')
})

t.test('areas of expertise are read from a comma-separated list', async (t) => {
  t.same(readProfileForm({ ...good, expertise: 'STR, mixtures,STR , ' }).input?.expertise, ['STR', 'mixtures'])
  t.match(readProfileForm({ ...good, expertise: Array.from({ length: 16 }, (_, i) => `area ${i}`).join(',') }).errors.expertise, 'List at most 15')
})
