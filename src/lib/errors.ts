/** An error whose message is safe and useful to show the person who caused it. */
export class HttpError extends Error {
  constructor (public statusCode: number, message: string) {
    super(message)
    this.name = 'HttpError'
  }
}

export const notFound = (what = 'page') => new HttpError(404, `We couldn't find that ${what}. Check the address, or sign in if you are a member.`)
export const forbidden = (message = 'You do not have permission to do that.') => new HttpError(403, message)
export const badRequest = (message: string) => new HttpError(400, message)
