import type { Member } from '../db/database.js'
import type { ProfileInput } from '../domain/members/members.service.js'
import { isStateOrTerritory, joinRegion, splitRegion } from '../domain/members/regions.js'
import { lines } from '../lib/forms.js'
import { checkbox, form, formatted, multiline, oneOf, text } from '../lib/schema.js'
import { DEFAULT_VISIBILITY, FIELD_LABELS, PROFILE_FIELDS, readVisibility, VISIBILITY_LEVELS, type ProfileField, type Visibility } from '../domain/members/visibility.js'
import { readForm, type ReadForm } from './read-form.js'

/** Length limits of the profile form (the form shows some of them as hints). */
export const PROFILE_LIMITS = {
  full_name: 120,
  agency: 160,
  job_title: 120,
  metro: 80,
  expertise: 500,
  expertiseTags: 15,
  expertiseTag: 40,
  ask_me_about: 500,
  can_help_with: 500,
  looking_for: 500,
  bio: 1000,
  pronouns: 40
} as const

const L = PROFILE_LIMITS

/** The form's name of the select that sets who sees a field ("show_email"). */
export function visibilityInput (f: ProfileField): string {
  return `show_${f}`
}

/** The profile form (the member's own page), with the zone they see times in. */
export const ProfileForm = form({
  full_name: text('your full name', L.full_name, { required: true }),
  agency: text('your agency', L.agency, { required: true }),
  job_title: text('your job title', L.job_title),
  state: text('your state or territory', 100),
  metro: text('the metro area', L.metro),
  expertise: text('expertise', L.expertise),
  ask_me_about: multiline('“ask me about”', L.ask_me_about),
  can_help_with: multiline('“I can help with”', L.can_help_with),
  looking_for: multiline('“I’m looking for”', L.looking_for),
  bio: multiline('your bio', L.bio),
  pronouns: text('your pronouns', L.pronouns),
  time_zone: formatted('a time zone', 'known-time-zone', 100, { errorMessage: 'Choose a time zone from the list, or leave it empty.' }),
  // "People you haven't met yet": ticked to see suggestions and be suggested to others who opted in.
  suggestions: checkbox('suggestions of people you haven’t met yet'),
  ...visibilityFields()
})

/** One select per field; left out (an older form, a script) means the field's default. */
function visibilityFields () {
  return Object.fromEntries(PROFILE_FIELDS.map((f) => [visibilityInput(f),
    oneOf(`who sees “${FIELD_LABELS[f].toLowerCase()}”`, VISIBILITY_LEVELS, { errorMessage: 'Choose who sees it from the list.' })])) as
    Record<`show_${ProfileField}`, ReturnType<typeof oneOf>>
}

/** The form's values for a member's current profile. */
export function profileFormValues (m: Member): Record<string, string> {
  const { state, metro } = splitRegion(m.region)
  return {
    full_name: m.full_name,
    agency: m.agency,
    job_title: m.job_title ?? '',
    state,
    metro,
    expertise: m.expertise.join(', '),
    ask_me_about: m.ask_me_about ?? '',
    can_help_with: m.can_help_with ?? '',
    looking_for: m.looking_for ?? '',
    bio: m.bio ?? '',
    pronouns: m.pronouns ?? '',
    time_zone: m.time_zone ?? '',
    suggestions: m.suggestions_opt_in ? 'yes' : '',
    ...Object.fromEntries(Object.entries(readVisibility(m.visibility)).map(([f, level]) => [visibilityInput(f as ProfileField), level]))
  }
}

/**
 * Reads the profile form: the schema's limits, then a state from the list and the areas of expertise (comma
 * separated: at most 15, each at most 40 characters). `input` is set only when there are no errors.
 */
export function readProfileForm (body: unknown): ReadForm & { input?: ProfileInput } {
  const read = readForm(ProfileForm, body)
  const { values, errors } = read
  if (values.state && !isStateOrTerritory(values.state)) errors.state ??= 'Choose a state or territory from the list, or leave it empty.'
  const expertise = lines(values.expertise, true)
  if (expertise.length > L.expertiseTags) errors.expertise ??= `List at most ${L.expertiseTags} areas of expertise.`
  else if (expertise.some((e) => [...e].length > L.expertiseTag)) errors.expertise ??= `Each area of expertise must be ${L.expertiseTag} characters or fewer; separate them with commas.`
  if (Object.keys(errors).length) return read
  return {
    ...read,
    input: {
      fullName: values.full_name,
      agency: values.agency,
      jobTitle: values.job_title || null,
      region: joinRegion(values.state, values.metro),
      expertise,
      askMeAbout: values.ask_me_about || null,
      canHelpWith: values.can_help_with || null,
      lookingFor: values.looking_for || null,
      bio: values.bio || null,
      pronouns: values.pronouns || null,
      timeZone: values.time_zone || null,
      suggestionsOptIn: values.suggestions !== '' && values.suggestions !== 'false',
      visibility: Object.fromEntries(PROFILE_FIELDS.map((f) => [f, values[visibilityInput(f)] || DEFAULT_VISIBILITY[f]])) as Visibility
    }
  }
}
