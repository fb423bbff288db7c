import t from 'tap'
import { ALL_ZONES, COMMON_ZONES, isKnownZone, isValidZone, viewerTimes, zoneLabel } from '../../src/lib/time-zones.js'

t.test('two checks: any zone the runtime resolves, and the canonical list', async (t) => {
  t.ok(isValidZone('America/New_York'))
  t.ok(isValidZone('US/Eastern'), 'an alias places times')
  t.notOk(isValidZone(''))
  t.notOk(isValidZone('Mars/Olympus'))
  t.ok(isKnownZone('America/New_York'))
  t.notOk(isKnownZone('US/Eastern'), 'but is not offered in the profile’s list')
  t.ok(ALL_ZONES.includes('UTC'))
  for (const z of COMMON_ZONES) t.ok(isKnownZone(z), `${z} is in the list too`)
})

t.test('an event’s times in the viewer’s zone', async (t) => {
  const event = { starts_at: new Date('2026-07-01T16:00:00Z'), ends_at: new Date('2026-07-01T17:30:00Z'), time_zone: 'America/New_York' }
  t.equal(viewerTimes(event, null), null)
  t.equal(viewerTimes(event, 'America/New_York'), null, 'the event’s own zone')
  t.equal(viewerTimes(event, 'America/Toronto'), null, 'another zone showing the same clock')
  t.equal(viewerTimes(event, 'US/Pacific'), null, 'an alias is not one of the listed zones')
  const la = viewerTimes(event, 'America/Los_Angeles')
  t.equal(la?.zoneLabel, 'America/Los Angeles')
  t.match(la?.start, /9:00/)
  t.match(la?.end, /10:30/)
  t.equal(zoneLabel('America/Puerto_Rico'), 'America/Puerto Rico')
})
