/**
 * How long `npm start` takes to its first page: the very first start (a new database: the embedded one runs
 * initdb, then every migration) and a restart on that database. Runs the JavaScript that `npm run build`
 * writes to dist/, as `npm start` does, in a child process, and times it from spawn to the first 200 of `/`.
 */
import { execFileSync, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export interface StartTimes {
  firstStartSeconds: number
  restartSeconds: number
}

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port
      server.close(() => resolve(port))
    }).on('error', reject)
  })
}

/** Spawns the built server and resolves with the seconds until `/` answers 200; the process is stopped after. */
async function timeToFirstPage (env: Record<string, string>): Promise<number> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, ['--max-old-space-size=160', 'dist/src/server.js'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server stopped before its first page: ${stderr}`)
      if (performance.now() - started > 180_000) throw new Error('no first page within 180 s')
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`)
        if (res.status === 200) return (performance.now() - started) / 1000
      } catch { /* not listening yet */ }
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
  }
}

/** `databaseUrl`: a fresh, empty database on the server; without it, a new embedded database in a temporary folder. */
export async function measureStart (databaseUrl?: string): Promise<StartTimes> {
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
  const dataDir = databaseUrl ? '' : fs.mkdtempSync(path.join(os.tmpdir(), 'convene-start-'))
  const env = { DATABASE_URL: databaseUrl ?? '', DATA_DIR: dataDir || path.join(os.tmpdir(), 'unused'), SECRET: crypto.randomBytes(32).toString('hex') }
  try {
    const firstStartSeconds = await timeToFirstPage(env)
    const restartSeconds = await timeToFirstPage(env)
    return { firstStartSeconds, restartSeconds }
  } finally {
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
