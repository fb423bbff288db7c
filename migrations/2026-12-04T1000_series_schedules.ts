import { Kysely, sql } from 'kysely'

// Frozen in time: this file must never import app code.

export async function up (db: Kysely<any>): Promise<void> {
  // The schedules a series had before its current one (series.rrule, dtstart_local, time_zone). A change "from
  // this meeting on" keeps the series (one address, one list entry) and records the rule it replaces here.
  await db.schema.createTable('series_schedules')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('series_id', 'integer', (c) => c.notNull().references('series.id').onDelete('cascade'))
    .addColumn('rrule', 'text', (c) => c.notNull())
    .addColumn('dtstart_local', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    // The local start of the first meeting on the next schedule ('YYYY-MM-DDTHH:mm'): this one ends before it.
    .addColumn('until_local', 'text', (c) => c.notNull())
    // Its last meeting's local start, if it had one.
    .addColumn('last_local', 'text')
    .addColumn('replaced_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('series_schedules_series').on('series_schedules').column('series_id').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('series_schedules').execute()
}
