import type { Db } from '../../db/database.js'

export async function getSetting (db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('site_settings').select('value').where('key', '=', key).executeTakeFirst()
  return row?.value
}

/** Stores the value unless the key exists; returns the value that is stored now (so concurrent starts agree). */
export async function putSettingOnce (db: Db, key: string, value: string): Promise<string> {
  await db.insertInto('site_settings').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute()
  return (await getSetting(db, key))!
}

export async function deleteSetting (db: Db, key: string): Promise<void> {
  await db.deleteFrom('site_settings').where('key', '=', key).execute()
}

export async function adminExists (db: Db): Promise<boolean> {
  const row = await db.selectFrom('members').select('id').where('is_admin', '=', true).limit(1).executeTakeFirst()
  return row !== undefined
}
