/**
 * Who a request is: `Authorization: Bearer TOKEN` (API, CLI) or the session cookie (pages).
 * A state-changing request made with the session cookie must carry a CSRF token (header
 * x-csrf-token or form field _csrf, bound to the session), since a browser sends cookies by
 * itself; bearer requests need none, as no browser adds that header on its own. The log-in and
 * sign-up forms need one before any session exists (a pre-session token, bound to the CSRF
 * secret cookie of that browser): else another site could log a visitor into its own account.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from '../../vendor/fastify.js'
import { userForSession, userForToken, type User } from '../services/accounts.js'
import type { ServerContext } from '../services/context.js'
import { ServiceError, unauthorized } from '../services/errors.js'

export const SESSION_COOKIE = 'dataperf_session'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the route checks the CSRF token without a session too (log-in and sign-up forms) */
    csrfWithoutSession?: boolean
    /** the handler checks the CSRF token itself (a multipart form: the token is its first field) */
    csrfInHandler?: boolean
  }
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
    if (SAFE_METHODS.has(req.method)) return done()
    const config = req.routeOptions.config
    if (config.csrfInHandler) return done()
    if (req.sessionToken === undefined && !config.csrfWithoutSession) return done()
    app.csrfProtection(req, reply, done)
  })
}

/**
 * Checks `token` as this request's CSRF token, for a handler that read it from a multipart body
 * (the form's first field, so no file is read before the check). Throws the plugin's error.
 */
export function checkCsrfToken(app: FastifyInstance, req: FastifyRequest, token: string): Promise<void> {
  req.headers['x-csrf-token'] = token
  return new Promise<void>((resolve, reject) => {
    // the plugin answers a refusal through reply.send; this stand-in turns it into a rejection
    const refuse = { send: (err: Error) => reject(err) } as unknown as FastifyReply
    app.csrfProtection(req, refuse, () => resolve())
  })
}

/** The session cookie's attributes: HttpOnly, SameSite=Lax, Secure when the visitor came over HTTPS. */
export function sessionCookie(req: FastifyRequest, expires: Date) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: req.protocol === 'https', expires }
}

/** A CSRF token for the current session (pages put it in forms; JSON clients in x-csrf-token). */
export function csrfTokenFor(reply: FastifyReply, sessionToken: string): string {
  return reply.generateCsrf({ userInfo: sessionToken })
}

/** What a token is bound to before any session exists (the CSRF secret cookie makes it this browser's). */
export const PRE_SESSION = 'pre-session'

/** The log-in and sign-up forms' token, for a visitor with no session yet. */
export function preSessionCsrfToken(reply: FastifyReply): string {
  return reply.generateCsrf({ userInfo: PRE_SESSION })
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
