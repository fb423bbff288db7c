import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

const KINDS = sql`kind in ('brown-bag', 'meetup', 'conference', 'workshop')`

export async function up (db: Kysely<any>): Promise<void> {
  // A recurring series: an RFC 5545 rule over a wall-clock start in an IANA zone. Its occurrences are real
  // rows in `events`, materialised for a rolling horizon.
  await db.schema.createTable('series')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('community_id', 'integer', (c) => c.notNull().references('communities.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('why_it_matters', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // The rule without DTSTART, e.g. 'FREQ=MONTHLY;BYDAY=+2TU'.
    .addColumn('rrule', 'text', (c) => c.notNull())
    // Local wall-clock start 'YYYY-MM-DDTHH:mm' in time_zone (text: a `timestamp` would be read in the process zone).
    .addColumn('dtstart_local', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    .addColumn('venue_name', 'text')
    .addColumn('venue_address', 'text')
    .addColumn('venue_room', 'text')
    .addColumn('accessibility_notes', 'text')
    .addColumn('online_url', 'text')
    .addColumn('region', 'text')
    .addColumn('live_transcript_url', 'text')
    .addColumn('capacity', 'integer')
    .addColumn('horizon_months', 'integer', (c) => c.notNull().defaultTo(12))
    .addColumn('publish_occurrences', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_by', 'integer', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('series_kind_check', KINDS)
    .addCheckConstraint('series_dtstart_check', sql`dtstart_local ~ '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$'`)
    .addCheckConstraint('series_duration_check', sql`duration_minutes > 0`)
    .addCheckConstraint('series_capacity_check', sql`capacity is null or capacity > 0`)
    .execute()
  await db.schema.createIndex('series_community_idx').on('series').column('community_id').execute()

  await db.schema.createTable('series_hosts')
    .addColumn('series_id', 'integer', (c) => c.notNull().references('series.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('series_hosts_pkey', ['series_id', 'member_id'])
    .execute()

  await db.schema.createTable('events')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('community_id', 'integer', (c) => c.notNull().references('communities.id').onDelete('cascade'))
    .addColumn('series_id', 'integer', (c) => c.references('series.id').onDelete('set null'))
    // For an occurrence: its original local start in the series' zone ('YYYY-MM-DDTHH:mm'), kept when it is moved,
    // so materialising again never re-creates a moved or cancelled occurrence.
    .addColumn('occurrence_key', 'text')
    .addColumn('original_starts_at', 'timestamptz')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('why_it_matters', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('venue_name', 'text')
    .addColumn('venue_address', 'text')
    .addColumn('venue_room', 'text')
    .addColumn('accessibility_notes', 'text')
    .addColumn('online_url', 'text')
    .addColumn('region', 'text')
    .addColumn('live_transcript_url', 'text')
    .addColumn('recording_url', 'text')
    .addColumn('capacity', 'integer')
    .addColumn('rsvp_opens_at', 'timestamptz')
    .addColumn('rsvp_closes_at', 'timestamptz')
    // Optional questions for attendees, answers seen only by organizers.
    .addColumn('ask_accessibility', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('ask_dietary', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    // iCalendar SEQUENCE: bumped on every change attendees' calendars must pick up.
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('edited_individually', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_by', 'integer', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('events_kind_check', KINDS)
    .addCheckConstraint('events_status_check', sql`status in ('draft', 'published', 'cancelled')`)
    // At most 31 days long: "not ended yet" then reads as a range of the (community_id, starts_at) index.
    .addCheckConstraint('events_times_check', sql`ends_at > starts_at and ends_at <= starts_at + interval '31 days'`)
    .addCheckConstraint('events_capacity_check', sql`capacity is null or capacity > 0`)
    .addCheckConstraint('events_why_check', sql`length(trim(why_it_matters)) > 0`)
    .execute()
  // Upcoming lists per community (and the home page's next few).
  await db.schema.createIndex('events_community_starts_idx').on('events').columns(['community_id', 'starts_at']).execute()
  // Materialisation is idempotent through this key.
  // (One-off events have both null; nulls are distinct, so they never collide.)
  await db.schema.createIndex('events_series_occurrence_key').on('events').columns(['series_id', 'occurrence_key']).unique().execute()

  await db.schema.createTable('event_hosts')
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('event_hosts_pkey', ['event_id', 'member_id'])
    .execute()
  await db.schema.createIndex('event_hosts_member_idx').on('event_hosts').column('member_id').execute()

  await db.schema.createTable('rsvps')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    // A member may choose not to appear in "who's going".
    .addColumn('listed', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('accessibility_needs', 'text')
    .addColumn('dietary_needs', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Arrival on the waitlist (set under the event's row lock, so it orders the waitlist fairly).
    .addColumn('waitlisted_at', 'timestamptz')
    .addUniqueConstraint('rsvps_event_member_key', ['event_id', 'member_id'])
    .addCheckConstraint('rsvps_status_check', sql`status in ('going', 'maybe', 'declined', 'waitlisted')`)
    .execute()
  // Seat counts, "who's going" and the next waitlisted member, all per event and status.
  await db.schema.createIndex('rsvps_event_status_idx').on('rsvps').columns(['event_id', 'status', 'waitlisted_at']).execute()
  await db.schema.createIndex('rsvps_member_idx').on('rsvps').column('member_id').execute()

  await db.schema.createTable('check_ins')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('checked_in_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('checked_in_by', 'integer', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('walk_in', 'boolean', (c) => c.notNull().defaultTo(false))
    .addUniqueConstraint('check_ins_event_member_key', ['event_id', 'member_id'])
    .execute()
  await db.schema.createIndex('check_ins_member_idx').on('check_ins').column('member_id').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const t of ['check_ins', 'rsvps', 'event_hosts', 'events', 'series_hosts', 'series']) {
    await db.schema.dropTable(t).execute()
  }
}
