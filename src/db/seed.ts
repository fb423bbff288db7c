import type { FastifyInstance } from 'fastify'

/** Demo data; returns sign-in links for a demo organizer, member and admin. */
export async function seedDemo (_app: FastifyInstance): Promise<{ organizer: string, member: string, admin: string }> {
  throw new Error('not yet')
}
