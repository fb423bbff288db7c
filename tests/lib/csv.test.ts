import t from 'tap'
import { csvCell, toCsv } from '../../src/lib/csv.js'
import { attendeesCsv } from '../../src/domain/rsvps/rsvps.service.js'

const row = { agency: 'GSA', email: 'a@b.gov', status: 'going' as const, listed: true, dietary_needs: null, created_at: new Date('2026-01-01T00:00:00Z'), checked_in_at: null }

t.test('a formula in any column is shown as text, not run', async (t) => {
  const csv = attendeesCsv([{ ...row, full_name: 'Ana', accessibility_needs: '=1+2' }, { ...row, full_name: '@SUM(A1)', accessibility_needs: '\t-3' }])
  const lines = csv.split('\r\n')
  t.equal(lines[1], "Ana,GSA,a@b.gov,going,yes,'=1+2,,2026-01-01T00:00:00.000Z,")
  t.equal(lines[2], "'@SUM(A1),GSA,a@b.gov,going,yes,'\t-3,,2026-01-01T00:00:00.000Z,")
  t.equal(csvCell(-2), "'-2", 'a negative number is neutralised like the text "-2"')
  t.equal(csvCell('a = b'), 'a = b', 'only a leading sign counts')
})

t.test('quotes, commas and line breaks inside a cell stay inside it', async (t) => {
  const awkward = ['Say "hi"', 'one,two', 'line\nbreak', 'car\rriage', 'both\r\nends', ' padded ']
  const csv = toCsv([awkward, ['x', '', null, undefined, true, 7]])
  t.equal(csv, '"Say ""hi""","one,two","line\nbreak","car\rriage","both\r\nends"," padded "\r\nx,,,,true,7\r\n')
})
