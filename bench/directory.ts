/**
 * The directory's part of a benchmark: gives the members of the benchmark community varied profiles (names from
 * a pool of first and last names, 40 agencies, job titles, states, expertise, "ask me about" and "can help
 * with"), hides a few fields for every 10th member, and makes a second community that shares a fifth of them,
 * so that the site-wide directory joins through two communities. Set-based SQL: the search-document trigger
 * runs once per updated row. Measure (signed in as `viewerId`, beside the bare route):
 *   /members?q=jon+smyth                       name with a typo (trigram)
 *   /members?q=str+mixture                     full-text, ranked
 *   /members?agency=agency+1&region=Virginia   filters, no search
 *   /members?q=codis&community=bench-lab&page=3
 *   /c/<slug>/members?q=validation
 *   /members/<memberId>                        a member page
 */
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { Database } from '../src/db/database.js'

export const DIRECTORY_URLS = (slug: string, memberId: number) => [
  '/members?q=jon+smyth',
  '/members?q=str+mixture',
  '/members?agency=agency+1&region=Virginia',
  '/members?q=codis&community=bench-lab&page=3',
  `/c/${slug}/members?q=validation`,
  `/members/${memberId}`
]

export interface DirectoryScenario {
  /** A member of both communities: the viewer whose directory spans them. */
  viewerId: number
  /** The second community's id (slug `bench-lab`). */
  labCommunityId: number
}

export async function seedDirectory (app: { db: Kysely<Database> }, communityId: number): Promise<DirectoryScenario> {
  const db = app.db
  await sql`
    with pools as (select
      array['John', 'Joan', 'Maria', 'Wei', 'Aisha', 'Carlos', 'Priya', 'Olga', 'Samuel', 'Fatima', 'Kenji', 'Grace', 'Ahmed', 'Lucia', 'David', 'Nina'] as first,
      array['Smith', 'Smithers', 'Garcia', 'Chen', 'Okafor', 'Rossi', 'Patel', 'Ivanova', 'Johnson', 'Haddad', 'Tanaka', 'Brown', 'Khan', 'Silva', 'Miller', 'Novak', 'Lee', 'Walker'] as last,
      array['Ohio', 'Virginia', 'Texas', 'California', 'New York', 'Florida', 'Georgia', 'Michigan', 'Oregon', 'Arizona'] as states,
      array['STR analysis', 'CODIS', 'probabilistic genotyping', 'Rapid DNA', 'mixture interpretation', 'Y-STR', 'mitochondrial DNA', 'kinship',
            'toxicology', 'latent prints', 'firearms', 'digital evidence', 'quality assurance', 'validation', 'LIMS', 'court testimony'] as topics
    )
    update members m set
      full_name = p.first[1 + m.id % 16] || ' ' || p.last[1 + (m.id / 16) % 18],
      region = p.states[1 + m.id % 10],
      expertise = array[p.topics[1 + m.id % 16], p.topics[1 + (m.id / 7) % 16]],
      ask_me_about = 'Ask me about ' || p.topics[1 + (m.id / 3) % 16] || ' and ' || p.topics[1 + (m.id / 11) % 16],
      can_help_with = 'I can help with ' || p.topics[1 + (m.id / 5) % 16] || ' validation plans',
      looking_for = 'Looking for a partner lab in ' || p.states[1 + (m.id / 13) % 10],
      visibility = case when m.id % 10 = 0
        then '{"agency":"members","job_title":"members","region":"hidden","expertise":"hidden","ask_me_about":"members","can_help_with":"connections","looking_for":"hidden","bio":"members","communities":"members","events_attended":"members","email":"connections"}'::jsonb
        else m.visibility end
    from pools p
    where m.id in (select member_id from memberships where community_id = ${communityId})`.execute(db)

  const lab = await sql<{ id: number }>`
    insert into communities (slug, name, about, norms, public_records_notice, requires_approval)
    values ('bench-lab', 'Benchmark Lab Network', 'A second community sharing some members.', array['Be kind.'], 'Public records.', false)
    returning id`.execute(db)
  const labCommunityId = lab.rows[0].id
  await sql`
    insert into memberships (community_id, member_id, norms_accepted_at)
    select ${labCommunityId}, member_id, now() from memberships where community_id = ${communityId} and member_id % 5 = 0`.execute(db)
  await sql`insert into requirements (community_id, name) values (${communityId}, 'FBI QAS'), (${labCommunityId}, 'ISO 17025')`.execute(db)
  await sql`analyze members`.execute(db)
  await sql`analyze memberships`.execute(db)
  const viewer = await db.selectFrom('memberships').select('member_id').where('community_id', '=', labCommunityId).orderBy('member_id').limit(1).executeTakeFirstOrThrow()
  return { viewerId: viewer.member_id, labCommunityId }
}
