/** US states, the District of Columbia and the territories: the choices for a member's region. */
export const US_STATES_AND_TERRITORIES = [
  'Alabama', 'Alaska', 'Arizona', 'Arkansas', 'California', 'Colorado', 'Connecticut', 'Delaware',
  'District of Columbia', 'Florida', 'Georgia', 'Hawaii', 'Idaho', 'Illinois', 'Indiana', 'Iowa', 'Kansas',
  'Kentucky', 'Louisiana', 'Maine', 'Maryland', 'Massachusetts', 'Michigan', 'Minnesota', 'Mississippi',
  'Missouri', 'Montana', 'Nebraska', 'Nevada', 'New Hampshire', 'New Jersey', 'New Mexico', 'New York',
  'North Carolina', 'North Dakota', 'Ohio', 'Oklahoma', 'Oregon', 'Pennsylvania', 'Rhode Island',
  'South Carolina', 'South Dakota', 'Tennessee', 'Texas', 'Utah', 'Vermont', 'Virginia', 'Washington',
  'West Virginia', 'Wisconsin', 'Wyoming',
  'American Samoa', 'Guam', 'Northern Mariana Islands', 'Puerto Rico', 'U.S. Virgin Islands'
] as const

const STATES = new Set<string>(US_STATES_AND_TERRITORIES)

export function isStateOrTerritory (s: string): boolean {
  return STATES.has(s)
}

/**
 * A region is stored as one text: a state ("Virginia"), a metro area ("Greater Boston") or both
 * ("Greater Boston, Massachusetts"). These two functions join the form's two fields and split them again.
 */
export function joinRegion (state: string, metro: string): string | null {
  if (metro && state) return `${metro}, ${state}`
  return metro || state || null
}

export function splitRegion (region: string | null): { state: string, metro: string } {
  if (!region) return { state: '', metro: '' }
  if (STATES.has(region)) return { state: region, metro: '' }
  const comma = region.lastIndexOf(', ')
  if (comma > 0 && STATES.has(region.slice(comma + 2))) return { state: region.slice(comma + 2), metro: region.slice(0, comma) }
  return { state: '', metro: region }
}
