import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder of Convene's package.json: views, public files and node_modules are found from here, whether the
 * app runs from its TypeScript sources (src/…) or from the JavaScript that `npm run build` writes (dist/src/…).
 */
export const projectRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)))

function findRoot (from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'views'))) return dir
    if (path.dirname(dir) === dir) throw new Error(`Convene's folder (with package.json and views/) was not found above ${from}`)
  }
}
