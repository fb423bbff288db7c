import type { FastifyInstance } from 'fastify'
import publicRoutes from './public/index.js'
import authRoutes from './auth/index.js'

/** Every route folder, one encapsulated plugin each (see src/routes/README.md). */
export default async function routes (app: FastifyInstance) {
  await app.register(publicRoutes)
  await app.register(authRoutes)
}
