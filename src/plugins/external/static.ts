import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import path from 'node:path'
import { projectRoot as root } from '../../lib/project-root.js'

const uswds = path.join(root, 'node_modules/@uswds/uswds/dist')

/** Our own CSS/JS under /public, and the U.S. Web Design System served from node_modules (no CDN). */
export default fp(async (app) => {
  await app.register(fastifyStatic, { root: path.join(root, 'public'), prefix: '/public/', maxAge: '1h' })
  await app.register(fastifyStatic, { root: uswds, prefix: '/uswds/', decorateReply: false, maxAge: '1d' })
}, { name: 'static' })
