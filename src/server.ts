import closeWithGrace from 'close-with-grace'
import { loadConfig } from './config.js'
import { buildApp } from './build.js'
import { setupCode } from './domain/site/site.service.js'

// Builds and starts the server; everything else lives in app.ts (which tests import).
const demo = process.argv.includes('--demo')
let config
try {
  config = loadConfig()
} catch (err) {
  console.error((err as Error).message)
  process.exit(1)
}
const app = await buildApp({ config })

closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error')
  await app.close()
})

if (demo) {
  const { seedDemo } = await import('./db/seed.js')
  const links = await seedDemo(app)
  console.log(`\nDemo data is ready. Sign in as:\n  organizer: ${links.organizer}\n  member:    ${links.member}\n  admin:     ${links.admin}\n`)
}
await app.listen({ port: config.PORT, host: config.HOST })
const where = config.DATABASE_URL ? 'the PostgreSQL server in DATABASE_URL' : `the embedded database in ${config.DATA_DIR}/pglite`
console.log(`Convene is running at ${config.PUBLIC_URL} on ${where}.`)
const code = await setupCode(app.db)
if (code) console.log(`\nFirst run: open ${config.PUBLIC_URL}/setup and enter the setup code ${code}\n`)
