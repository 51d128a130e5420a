/**
 * Who a request is: `Authorization: Bearer TOKEN` (API, CLI) or the session cookie (pages).
 * A state-changing request made with the session cookie must carry a CSRF token (header
 * x-csrf-token or form field _csrf, bound to the session), since a browser sends cookies by
 * itself; bearer requests need none, as no browser adds that header on its own.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { userForSession, userForToken, type User } from '../services/accounts.js'
import type { ServerContext } from '../services/context.js'
import { ServiceError, unauthorized } from '../services/errors.js'

export const SESSION_COOKIE = 'dataperf_session'

declare module 'fastify' {
  interface FastifyRequest {
    user: User | undefined
    /** set when the user came from the session cookie (then CSRF applies) */
    sessionToken: string | undefined
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function registerAuth(app: FastifyInstance, ctx: ServerContext): void {
  app.decorateRequest('user', undefined)
  app.decorateRequest('sessionToken', undefined)
  app.addHook('onRequest', async (req) => {
    const header = req.headers.authorization
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header)
      const user = m ? await userForToken(ctx, m[1]!) : undefined
      if (!user) throw unauthorized('the API token is unknown or revoked; create one with POST /api/v1/tokens')
      req.user = user
      return
    }
    const cookie = req.cookies[SESSION_COOKIE]
    if (cookie) {
      const user = await userForSession(ctx, cookie)
      if (user) {
        req.user = user
        req.sessionToken = cookie
      }
    }
  })
  // after body parsing, so a form field _csrf is seen
  app.addHook('preHandler', (req, reply, done) => {
    if (req.sessionToken === undefined || SAFE_METHODS.has(req.method)) return done()
    app.csrfProtection(req, reply, done)
  })
}

/** A CSRF token for the current session (pages put it in forms; JSON clients in x-csrf-token). */
export function csrfTokenFor(reply: FastifyReply, sessionToken: string): string {
  return reply.generateCsrf({ userInfo: sessionToken })
}

export function requireAuth(req: FastifyRequest): User {
  if (!req.user) throw unauthorized()
  return req.user
}

export function csrfError(): ServiceError {
  return new ServiceError(
    403,
    'csrf',
    'missing or wrong CSRF token: reload the page (API clients: send x-csrf-token from GET /api/v1/csrf, or use a Bearer token)',
  )
}
