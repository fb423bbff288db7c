import type { Db } from '../../db/database.js'
import { randomToken, safeEqual } from '../../lib/tokens.js'
import { adminExists, deleteSetting, getSetting, putSettingOnce } from './site.repository.js'

export async function siteSecret (db: Db): Promise<string> {
  return putSettingOnce(db, 'secret', randomToken(32))
}

/**
 * The one-time code that the first-run setup page asks for, printed to the server console. It exists only
 * until a site admin exists. Every process started on the same database prints the same code.
 */
export async function setupCode (db: Db): Promise<string | null> {
  if (await adminExists(db)) return null
  const words = randomToken(9).replace(/[-_]/g, 'x').toUpperCase()
  return putSettingOnce(db, 'setup_code', `${words.slice(0, 4)}-${words.slice(4, 8)}-${words.slice(8, 12)}`)
}

export async function checkSetupCode (db: Db, given: string): Promise<boolean> {
  const code = await getSetting(db, 'setup_code')
  return code !== undefined && safeEqual(code, given.trim().toUpperCase())
}

export async function finishSetup (db: Db): Promise<void> {
  await deleteSetting(db, 'setup_code')
}
