import t from 'tap'
import { setupCodeBanner } from '../../src/lib/console-banner.js'

t.test('the first-run setup code is printed as a framed block of its own, not a log line', async (t) => {
  const banner = setupCodeBanner('https://convene.example.gov', 'ABCD-EFGH-IJKL')
  const lines = banner.split('\n')
  t.ok(lines.length >= 8, 'several lines')
  t.equal(lines[0], '', 'starts on a line of its own')
  t.match(lines[1], /^=+$/, 'framed by a rule')
  t.equal(lines.at(-2), lines[1], 'closed by the same rule')
  t.ok(lines.some((l) => l.includes('https://convene.example.gov/setup')), 'says where to go')
  t.ok(lines.some((l) => l.includes('ABCD-EFGH-IJKL')), 'and the code')
  t.ok(lines.every((l) => !l.startsWith('{')), 'no line is JSON')
  t.ok(lines.every((l) => !/\s$/.test(l)), 'no trailing spaces')
  t.ok(lines.slice(2, -2).every((l) => l.length <= lines[1].length), 'the rule is as wide as the widest line')
})
