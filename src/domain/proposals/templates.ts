import type { CallFormat, DecisionMails, RubricCriterion, TemplateField } from '../../db/database.js'

/*
 * Talk templates coach a speaker as they write: each field says what to put there, shows an example, and has a
 * length range shown next to it (and enforced on the server). These are the defaults a community starts with;
 * its organizers edit them. Pure data and rules: no database here.
 */

/** Every template ends with this: the line a busy member reads in a list to decide whether to come. */
export const ELEVATOR_PITCH: TemplateField = {
  key: 'pitch',
  label: 'Elevator pitch',
  guidance: 'One or two sentences a busy colleague reads in the agenda to decide whether to come. Say what they will be able to do afterwards.',
  example: 'How our lab cut its DNA backlog from 1,400 cases to 600 in a year without new staff, and the three changes any lab can copy.',
  min: 50,
  max: 300,
  multiline: true
}

const WHY_IT_MATTERS: TemplateField = {
  key: 'why',
  label: 'Why this matters to members',
  guidance: 'Who in this community should hear this, and why now? This becomes the session’s "why this matters" line when the talk is accepted.',
  example: 'Every lab under the 2025 QAS revision has to re-validate its mixture protocol; this saves you the months we lost.',
  min: 40,
  max: 400,
  multiline: true,
  whyThisMatters: true
}

export interface DefaultTemplate {
  name: string
  description: string
  fields: TemplateField[]
}

export const DEFAULT_TEMPLATES: DefaultTemplate[] = [
  {
    name: 'Experience report',
    description: 'A problem you faced in your own work, what you tried, and what others can reuse. The most valued kind of talk in a community of practice.',
    fields: [
      { key: 'problem', label: 'The problem you faced', guidance: 'Describe the situation as it was: the constraint, the numbers, who was affected. Be specific; no background lecture.', example: 'In 2025 our sexual-assault kit backlog passed 1,400 cases and the average turnaround was 210 days.', min: 100, max: 1200, multiline: true },
      { key: 'tried', label: 'What you tried', guidance: 'What you changed, in the order you changed it, including what did not work.', example: 'We moved to a two-tier screening step, then tried overtime (it failed), then batched by kit type.', min: 100, max: 1500, multiline: true },
      { key: 'happened', label: 'What happened, with evidence', guidance: 'The results and how you know: figures, audits, before and after. Say what you are still unsure of.', example: 'Turnaround fell to 95 days in nine months (monthly LIMS reports); the QA audit found no new nonconformities.', min: 100, max: 1500, multiline: true },
      { key: 'reuse', label: 'What others can reuse', guidance: 'What a colleague in another agency could take home on Monday: a checklist, a template, a decision rule.', example: 'Our screening decision table and the batching schedule, both shareable.', min: 60, max: 800, multiline: true },
      { ...WHY_IT_MATTERS, label: 'Who else should hear this', guidance: 'Which members or roles should hear this, and why now? This becomes the session’s "why this matters" line when the talk is accepted.' },
      ELEVATOR_PITCH
    ]
  },
  {
    name: 'How-to / demo',
    description: 'Show how to do one thing well, step by step, so that members can do it themselves afterwards.',
    fields: [
      { key: 'goal', label: 'What members will be able to do', guidance: 'One concrete skill or task, stated as an outcome.', example: 'Set up a records retention schedule for shared drives in Microsoft 365.', min: 40, max: 400, multiline: true },
      { key: 'steps', label: 'The steps you will show', guidance: 'The outline of the demo, step by step. Note anything members should prepare or install.', example: '1. Map the drive to the schedule. 2. Create retention labels. 3. Test with a sample folder.', min: 100, max: 1500, multiline: true },
      { key: 'context', label: 'Where you use this', guidance: 'The real work where you use this, so members can judge whether it fits theirs.', example: 'We rolled this out to 40 program offices in the state comptroller’s office.', min: 60, max: 800, multiline: true },
      WHY_IT_MATTERS,
      ELEVATOR_PITCH
    ]
  },
  {
    name: 'Panel',
    description: 'Several practitioners compare how their agencies handle the same question.',
    fields: [
      { key: 'question', label: 'The question the panel answers', guidance: 'One question that practitioners disagree on or solve differently.', example: 'When should a lab adopt probabilistic genotyping for all mixtures?', min: 40, max: 400, multiline: true },
      { key: 'panelists', label: 'Panelists and what each brings', guidance: 'Who would sit on the panel (roles and agencies are enough for now) and the experience each brings. Invite co-speakers below.', example: 'A state lab director who adopted it in 2023; a county lab that decided against it; a prosecutor.', min: 60, max: 1000, multiline: true },
      { key: 'format', label: 'How the time is used', guidance: 'How you will run the panel: opening statements, questions, audience time.', example: 'Five minutes each, then 20 minutes of audience questions.', min: 40, max: 600, multiline: true },
      WHY_IT_MATTERS,
      ELEVATOR_PITCH
    ]
  }
]

export const DEFAULT_FORMATS: CallFormat[] = [
  { key: 'lightning', label: 'Lightning talk', minutes: 5 },
  { key: 'talk', label: 'Talk', minutes: 20 },
  { key: 'panel', label: 'Panel', minutes: 45 },
  { key: 'workshop', label: 'Workshop', minutes: 90 }
]

export const DEFAULT_RUBRIC: RubricCriterion[] = [
  { key: 'relevant', label: 'Relevant to our shared requirements', weight: 1 },
  { key: 'experience', label: 'From real experience', weight: 1 },
  { key: 'practical', label: 'Practical for others', weight: 1 },
  { key: 'clear', label: 'Clear', weight: 1 }
]

export const DEFAULT_DECISION_MAILS: DecisionMails = {
  accepted: {
    subject: 'Action required: confirm your talk "{title}"',
    body: 'Hello {name},\n\nYour proposal "{title}" has been accepted for {call}. Please confirm that you will give it (or tell us that you cannot) here:\n\n{confirm_link}\n\n{note}\n\nThank you,\nThe organizers of {community}'
  },
  backup: {
    subject: 'Your proposal "{title}" is on our backup list',
    body: 'Hello {name},\n\nWe could not fit "{title}" into {call} yet, but it is on our backup list: if a confirmed speaker cannot come, we will offer you the slot by mail.\n\n{note}\n\n{review_notes}\n\nThank you,\nThe organizers of {community}'
  },
  rejected: {
    subject: 'About your proposal "{title}"',
    body: 'Hello {name},\n\nThank you for proposing "{title}" for {call}. We could not include it this time.\n\n{note}\n\n{review_notes}\n\nWe hope you will propose again,\nThe organizers of {community}'
  }
}

/** The placeholders a decision mail may use, and what each becomes. */
export const DECISION_PLACEHOLDERS = ['name', 'title', 'call', 'community', 'confirm_link', 'note', 'review_notes'] as const

/**
 * The reviewers' notes as a decision mail says them (what {review_notes} becomes): anonymous, numbered in the
 * order written; '' when there are none.
 */
export function reviewNotesText (notes: string[]): string {
  if (!notes.length) return ''
  return ['What the reviewers wrote to you (their names are not shared):', ...notes.map((n, i) => `Reviewer ${i + 1}: ${n}`)].join('\n\n')
}

/** Characters as a person counts them (a flag or an accented letter is one), after trimming the ends. */
export function charCount (text: string): number {
  let n = 0
  for (const _ of new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text.trim())) n++
  return n
}

/**
 * Checks a proposal's answers against its template: every field within its length range. `complete` false
 * (a draft) checks only the maxima, so that a draft can be saved half-written. Returns a message per field key;
 * each names the field and says what to do.
 */
export function checkAnswers (fields: TemplateField[], answers: Record<string, string>, complete: boolean): Record<string, string> {
  const errors: Record<string, string> = {}
  for (const f of fields) {
    const n = charCount(answers[f.key] ?? '')
    if (n > f.max) errors[f.key] = `${f.label}: ${n} characters; shorten it to ${f.max} or fewer.`
    else if (complete && n === 0) errors[f.key] = `${f.label}: write this part (${f.min}–${f.max} characters).`
    else if (complete && n < f.min) errors[f.key] = `${f.label}: ${n} characters; write at least ${f.min}.`
    else if (!f.multiline && /[\r\n]/.test(answers[f.key] ?? '')) errors[f.key] = `${f.label}: must be one line.`
  }
  return errors
}

/**
 * Whether a field's answer is written in Markdown: the long, multi-line answers. The elevator pitch and the
 * "why this matters" line stay plain text: they are copied into the agenda and lists, one line each.
 */
export function isMarkdownField (f: Pick<TemplateField, 'key' | 'multiline' | 'whyThisMatters'>): boolean {
  return f.multiline && f.key !== ELEVATOR_PITCH.key && !f.whyThisMatters
}

/** The text of the template field that becomes "why this matters" (the elevator pitch when none is marked). */
export function whyThisMattersOf (fields: TemplateField[], answers: Record<string, string>): string {
  const field = fields.find((f) => f.whyThisMatters) ?? fields.find((f) => f.key === ELEVATOR_PITCH.key)
  return field ? (answers[field.key] ?? '').trim() : ''
}

/** Fills a decision mail's {placeholders}; an unknown placeholder stays as written. */
export function fillPlaceholders (text: string, values: Partial<Record<typeof DECISION_PLACEHOLDERS[number], string>>): string {
  return text.replace(/\{([a-z_]+)\}/g, (whole, key: string) => {
    const value = (values as Record<string, string | undefined>)[key]
    return value === undefined ? whole : value
  })
}

/** A template's fields as organizers edit them must still make a usable template. */
export function checkTemplateFields (fields: TemplateField[]): string[] {
  const problems: string[] = []
  const keys = new Set<string>()
  if (fields.length === 0) problems.push('A template needs at least one field.')
  if (fields.length > 20) problems.push('A template can have at most 20 fields.')
  for (const f of fields) {
    if (keys.has(f.key)) problems.push(`Two fields are both called "${f.key}".`)
    keys.add(f.key)
    if (!f.label.trim()) problems.push('Every field needs a label.')
    if (f.min < 0 || f.max < 1 || f.min > f.max) problems.push(`${f.label || f.key}: the shortest length must be between 0 and the longest.`)
    if (f.max > 5000) problems.push(`${f.label || f.key}: at most 5,000 characters.`)
  }
  if (!fields.some((f) => f.key === ELEVATOR_PITCH.key)) problems.push('Every template keeps the elevator pitch field.')
  return problems
}
