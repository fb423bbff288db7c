import { envSchema } from 'env-schema'
import path from 'node:path'

/** Every setting Convene reads from the environment. README.md lists them for operators. */
export interface Config {
  NODE_ENV: string
  PORT: number
  HOST: string
  PUBLIC_URL: string
  /** postgres://… for a PostgreSQL server; empty → embedded PostgreSQL (PGlite) under DATA_DIR. */
  DATABASE_URL: string
  DATA_DIR: string
  SMTP_URL: string
  MAIL_FROM: string
  /** Signs links (RSVP, feeds). Empty → a random secret is created once and kept in the database. */
  SECRET: string
  INBOUND_MAIL_TOKEN: string
  SESSION_DAYS: number
  TRUST_PROXY: boolean
  LOG_LEVEL: string
  /** Runs the background worker (mail, scheduled jobs) in this process. */
  WORKER: boolean
  /** Strict-Transport-Security max-age (seconds) sent when PUBLIC_URL is https; 0 sends none. */
  HSTS_MAX_AGE: number
  /** Lets a production server on a public address run without SMTP_URL (mail kept in the admin's dev mailbox). */
  ALLOW_DEV_MAILBOX: boolean
  /**
   * The banner above every page's header: `federal` (USWDS "An official website of the United States government"
   * with "Here's how you know"), `none`, or any other text shown as it is (a state or non-federal install).
   */
  SITE_BANNER: string
}

const schema = {
  type: 'object',
  properties: {
    NODE_ENV: { type: 'string', default: 'production' },
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
    HOST: { type: 'string', default: '127.0.0.1' },
    PUBLIC_URL: { type: 'string', default: '', pattern: '^(https?://[^\\s/]+(/[^\\s]*)?)?$' },
    DATABASE_URL: { type: 'string', default: '', pattern: '^((postgres|postgresql)://.+)?$' },
    DATA_DIR: { type: 'string', default: './data' },
    SMTP_URL: { type: 'string', default: '', pattern: '^(smtps?://.+)?$' },
    MAIL_FROM: { type: 'string', default: 'Convene <convene@localhost>' },
    SECRET: { type: 'string', default: '', pattern: '^(.{32,})?$' },
    INBOUND_MAIL_TOKEN: { type: 'string', default: '' },
    SESSION_DAYS: { type: 'integer', minimum: 1, maximum: 90, default: 14 },
    TRUST_PROXY: { type: 'boolean', default: false },
    LOG_LEVEL: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    WORKER: { type: 'boolean', default: true },
    HSTS_MAX_AGE: { type: 'integer', minimum: 0, maximum: 63072000, default: 15552000 },
    ALLOW_DEV_MAILBOX: { type: 'boolean', default: false },
    SITE_BANNER: { type: 'string', default: 'federal', maxLength: 200 }
  }
} as const

/**
 * Reads and validates the environment (and a .env file, if present). A bad value stops the boot with a
 * message that names the variable, e.g. "DATABASE_URL must match pattern …".
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, dotenv = true): Config {
  const data = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  let config: Config
  try {
    config = envSchema<Config>({ schema, data, dotenv })
  } catch (err) {
    throw new Error(`Configuration error: ${(err as Error).message.replace(/^env\//, '')}. See .env.example and the README's configuration table.`, { cause: err })
  }
  if (!config.PUBLIC_URL) config.PUBLIC_URL = `http://localhost:${config.PORT}`
  config.PUBLIC_URL = config.PUBLIC_URL.replace(/\/+$/, '')
  config.DATA_DIR = path.resolve(config.DATA_DIR)
  return config
}

/**
 * Refuses to serve a public production site whose mail would stay in the dev mailbox (the admin could read
 * everyone's sign-in links there). The server calls it at start; tools (mail:ingest) do not serve pages.
 */
export function checkMailSetting (config: Config): void {
  if (config.NODE_ENV === 'production' && !config.SMTP_URL && !config.ALLOW_DEV_MAILBOX && !isLocal(config.PUBLIC_URL)) {
    throw new Error(`Configuration error: SMTP_URL is not set, so no mail would leave this server: sign-in links would only be readable ` +
      `by the site admin in the dev mailbox (/dev/mailbox). Set SMTP_URL, or set ALLOW_DEV_MAILBOX=true to run ${config.PUBLIC_URL} for trying ` +
      'Convene only. See the README\'s configuration table.')
  }
}

/** Whether the public URL is this machine (trying Convene out), where the dev mailbox is the expected way to read mail. */
function isLocal (publicUrl: string): boolean {
  const host = new URL(publicUrl).hostname
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost')
}
