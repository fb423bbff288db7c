import t from 'tap'
import {
  charCount, checkAnswers, checkTemplateFields, DEFAULT_TEMPLATES, ELEVATOR_PITCH, fillPlaceholders, isMarkdownField, whyThisMattersOf
} from '../../../src/domain/proposals/templates.js'

const report = DEFAULT_TEMPLATES.find((d) => d.name === 'Experience report')!

t.test('the shipped templates: the experience report asks the five questions, and every template has the pitch', async (t) => {
  t.same(report.fields.map((f) => f.label), ['The problem you faced', 'What you tried', 'What happened, with evidence', 'What others can reuse', 'Who else should hear this', 'Elevator pitch'])
  t.same(DEFAULT_TEMPLATES.map((d) => d.name), ['Experience report', 'How-to / demo', 'Panel'])
  for (const d of DEFAULT_TEMPLATES) {
    t.same(checkTemplateFields(d.fields), [], `${d.name} is a valid template`)
    t.equal(d.fields.at(-1)!.max, 300, `${d.name}: a 300-character elevator pitch`)
    t.ok(d.fields.every((f) => f.guidance && f.example), `${d.name}: every field has guidance and an example`)
  }
})

t.test('a submitted proposal: every field within its range, each message names the field and says what to do', async (t) => {
  const answers: Record<string, string> = Object.fromEntries(report.fields.map((f) => [f.key, 'x'.repeat(f.min)]))
  t.same(checkAnswers(report.fields, answers, true), {}, 'minimum lengths pass')
  const short = checkAnswers(report.fields, { ...answers, problem: 'Too short.' }, true)
  t.same(Object.keys(short), ['problem'])
  t.equal(short.problem, 'The problem you faced: 10 characters; write at least 100.')
  const long = checkAnswers(report.fields, { ...answers, pitch: 'y'.repeat(301) }, true)
  t.equal(long.pitch, 'Elevator pitch: 301 characters; shorten it to 300 or fewer.')
  const missing = checkAnswers(report.fields, { ...answers, reuse: '   ' }, true)
  t.equal(missing.reuse, 'What others can reuse: write this part (60–800 characters).')
})

t.test('a draft may be half-written but not over-long', async (t) => {
  t.same(checkAnswers(report.fields, { problem: 'Started.' }, false), {})
  t.same(Object.keys(checkAnswers(report.fields, { tried: 'z'.repeat(1501) }, false)), ['tried'])
})

t.test('lengths count characters as a person sees them', async (t) => {
  t.equal(charCount('  café  '), 4, 'ends trimmed; é is one')
  t.equal(charCount('🇺🇸👩‍🔬'), 2, 'a flag and a scientist emoji are one each')
  const pitch = { ...ELEVATOR_PITCH, min: 1, max: 3 }
  t.same(checkAnswers([pitch], { pitch: '👩‍🔬👩‍🔬👩‍🔬' }, true), {}, 'three emoji fit in three')
})

t.test('a single-line field refuses line breaks', async (t) => {
  const title = { key: 'title', label: 'Short title', guidance: '', example: '', min: 1, max: 80, multiline: false }
  t.equal(checkAnswers([title], { title: 'a\nb' }, true).title, 'Short title: must be one line.')
})

t.test('the "why this matters" line comes from the marked field, else the pitch', async (t) => {
  t.equal(whyThisMattersOf(report.fields, { why: '  Every lab must re-validate.  ', pitch: 'p' }), 'Every lab must re-validate.')
  t.equal(whyThisMattersOf([ELEVATOR_PITCH], { pitch: 'The pitch.' }), 'The pitch.')
})

t.test('decision mails fill known placeholders and leave others as written', async (t) => {
  t.equal(fillPlaceholders('Hi {name}, "{title}" {unknown}', { name: 'Ana', title: 'T' }), 'Hi Ana, "T" {unknown}')
})

t.test('an edited template must stay usable', async (t) => {
  const f = (over: object) => ({ key: 'a', label: 'A', guidance: '', example: '', min: 0, max: 10, multiline: true, ...over })
  t.same(checkTemplateFields([]), ['A template needs at least one field.', 'Every template keeps the elevator pitch field.'])
  t.match(checkTemplateFields([f({}), f({}), ELEVATOR_PITCH]), ['Two fields are both called "a".'])
  t.match(checkTemplateFields([f({ min: 11 }), ELEVATOR_PITCH]), ['A: the shortest length must be between 0 and the longest.'])
  t.match(checkTemplateFields([f({ max: 6000 }), ELEVATOR_PITCH]), ['A: at most 5,000 characters.'])
})

t.test('the long answers are Markdown; the elevator pitch, the "why this matters" line and one-line fields are not', async (t) => {
  const experience = DEFAULT_TEMPLATES[0].fields
  t.same(experience.filter(isMarkdownField).map((f) => f.key), ['problem', 'tried', 'happened', 'reuse'])
  t.notOk(isMarkdownField(ELEVATOR_PITCH))
  t.notOk(isMarkdownField({ key: 'venue', multiline: false }))
})
