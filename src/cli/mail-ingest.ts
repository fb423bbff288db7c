import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { ingestCalendarReply, type InboundDeps, type IngestResult } from '../domain/inbound/inbound.service.js'
import type { Mailer } from '../domain/mail/mailer.js'
import { siteSecret } from '../domain/site/site.service.js'
import { createMailer } from '../plugins/app/mailer.js'

/*
 * `npm run mail:ingest` — one raw message on stdin, e.g. from Postfix:
 *   convene-replies unix - n n - - pipe flags=Rq user=convene argv=/usr/bin/env -C /srv/convene npm run -s mail:ingest
 * Exit status, as a mail server's pipe expects: 0 when the message was processed or ignored (never bounce a
 * stray message back to its sender), 75 (EX_TEMPFAIL: the server keeps the message and retries later) when
 * Convene could not handle it — the database was unreachable, for example.
 */

export const EX_TEMPFAIL = 75

export interface CliIo {
  out (line: string): void
  err (line: string): void
}

const stdio: CliIo = {
  out: (line) => { process.stdout.write(line + '\n') },
  err: (line) => { process.stderr.write(line + '\n') }
}

/** Logs as JSON lines on stderr (a pipe's stdout and stderr end up in the mail server's log or a bounce). */
function jsonLog (io: CliIo): NonNullable<InboundDeps['log']> {
  const line = (level: string) => (obj: object, msg: string) => io.err(JSON.stringify({ level, time: new Date().toISOString(), msg, ...obj }))
  return { info: line('info'), warn: line('warn') }
}

export async function readAll (input: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks)
}

/** Ingests one message with a database the caller owns; prints the result; returns the exit status. */
export async function ingestFromPipe (db: Kysely<Database>, mailer: Mailer, raw: Buffer, io: CliIo = stdio): Promise<number> {
  let result: IngestResult
  try {
    result = await ingestCalendarReply(db, { mailer, log: jsonLog(io) }, raw)
  } catch (err) {
    io.err(`mail:ingest failed, the message was not handled (the mail server will retry): ${(err as Error).message}`)
    return EX_TEMPFAIL
  }
  io.out(JSON.stringify({ status: result.status, reason: result.reason, message: result.message }))
  return 0
}

/** The whole command: configuration and database from the environment, as `npm run db:migrate` uses them. */
export async function main (input: NodeJS.ReadableStream = process.stdin, io: CliIo = stdio): Promise<number> {
  let raw: Buffer
  let conn: Awaited<ReturnType<typeof import('../db/connect.js').connect>>
  let config: ReturnType<typeof import('../config.js').loadConfig>
  try {
    raw = await readAll(input)
    const { loadConfig } = await import('../config.js')
    const { connect } = await import('../db/connect.js')
    config = loadConfig()
    const dataDir = path.join(config.DATA_DIR, 'pglite')
    // Opening a folder that does not exist would create an empty database and "handle" mail into nothing.
    if (!config.DATABASE_URL && !fs.existsSync(dataDir)) {
      throw new Error(`there is no Convene database in ${dataDir}: set DATA_DIR (or DATABASE_URL) as for npm start`)
    }
    conn = await connect({ databaseUrl: config.DATABASE_URL, dataDir, poolSize: 2 })
    const migrated = await sql<{ ok: boolean }>`select to_regclass('public.events') is not null as ok`.execute(conn.db)
    if (!migrated.rows[0]?.ok) {
      await conn.db.destroy()
      throw new Error('the database has no Convene tables: start Convene once (npm start) or run npm run db:migrate')
    }
  } catch (err) {
    io.err(`mail:ingest could not start (the mail server will retry): ${(err as Error).message}`)
    return EX_TEMPFAIL
  }
  try {
    // The answer's calendar mail (a CANCEL for "can't go", a promotion's invite) is queued with it: the app's
    // worker sends it.
    // The waitlist notice is written here with the app's templates and configuration (its links name PUBLIC_URL).
    const site = { publicUrl: config.PUBLIC_URL, mailFrom: config.MAIL_FROM, secret: config.SECRET || await siteSecret(conn.db) }
    return await ingestFromPipe(conn.db, createMailer(() => site), raw, io)
  } catch (err) {
    io.err(`mail:ingest failed, the message was not handled (the mail server will retry): ${(err as Error).message}`)
    return EX_TEMPFAIL
  } finally {
    await conn.db.destroy()
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main()
}
