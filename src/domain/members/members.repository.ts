import type { Db, Member, MemberUpdate, NewMember } from '../../db/database.js'

export async function findMemberByEmail (db: Db, email: string): Promise<Member | undefined> {
  return db.selectFrom('members').selectAll().where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).executeTakeFirst()
}

export async function findMemberById (db: Db, id: number): Promise<Member | undefined> {
  return db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertMember (db: Db, member: NewMember): Promise<Member> {
  return db.insertInto('members').values({ ...member, email: member.email.toLowerCase() }).returningAll().executeTakeFirstOrThrow()
}

export async function updateMember (db: Db, id: number, changes: MemberUpdate): Promise<void> {
  await db.updateTable('members').set({ ...changes, updated_at: new Date() }).where('id', '=', id).execute()
}
