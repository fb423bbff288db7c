import closeWithGrace from 'close-with-grace'
import path from 'node:path'
import { checkMailSetting, loadConfig } from './config.js'
import { buildApp } from './build.js'
import { setupCode } from './domain/site/site.service.js'
import { setupCodeBanner } from './lib/console-banner.js'

// Builds and starts the server; everything else lives in app.ts (which tests import).
const demo = process.argv.includes('--demo')
let config
try {
  config = loadConfig()
  checkMailSetting(config)
} catch (err) {
  console.error((err as Error).message)
  process.exit(1)
}
// The demo keeps its data in its own folder, so that it never mixes with real data.
if (demo && !config.DATABASE_URL) config = { ...config, DATA_DIR: path.join(config.DATA_DIR, 'demo') }
const app = await buildApp({ config })

closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error')
  await app.close()
})

if (demo) {
  const { seedDemo, demoLinkLines } = await import('./cli/demo.js')
  const links = await seedDemo(app)
  console.log(`\nDemo data is ready. Sign-in links (each works once, for 24 hours; restart the demo for new ones):\n${demoLinkLines(links)}\n`)
}
await app.listen({ port: config.PORT, host: config.HOST })
const where = config.DATABASE_URL ? 'the PostgreSQL server in DATABASE_URL' : `the embedded database in ${config.DATA_DIR}/pglite`
console.log(`Convene is running at ${config.PUBLIC_URL} on ${where}.`)
const code = await setupCode(app.db)
// On stderr, framed, outside the JSON log lines on stdout: whoever starts the server sees it, and a log
// collector reading stdout does not get a line it cannot parse.
if (code) process.stderr.write(setupCodeBanner(config.PUBLIC_URL, code) + '\n')
