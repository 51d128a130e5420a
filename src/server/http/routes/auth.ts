import type { FastifyInstance } from '../../../vendor/fastify.js'
import { logIn, logOut, signUp } from '../../services/accounts.js'
import { myTeam } from '../../services/teams.js'
import { csrfTokenFor, requireAuth, SESSION_COOKIE, sessionCookie } from '../auth.js'
import type { RouteDeps } from '../route-deps.js'

const tags = ['accounts']

export function authRoutes(api: FastifyInstance, { ctx, limits }: RouteDeps): void {
  api.post<{ Body: { email: string; name: string; password: string; invite_code?: string } }>(
    '/auth/signup',
    {
      schema: {
        tags,
        summary: 'Create an account (with an invite code when the server asks for one)',
        body: {
          type: 'object',
          required: ['email', 'name', 'password'],
          properties: {
            email: { type: 'string' },
            name: { type: 'string' },
            password: { type: 'string' },
            invite_code: { type: 'string' },
          },
        },
      },
      config: { rateLimit: limits.password },
    },
    async (req, reply) => {
      const user = await signUp(ctx, {
        email: req.body.email,
        name: req.body.name,
        password: req.body.password,
        inviteCode: req.body.invite_code,
      })
      return reply.status(201).send({ user })
    },
  )

  api.post<{ Body: { email: string; password: string } }>(
    '/auth/login',
    {
      schema: {
        tags,
        summary: 'Log in: sets the HttpOnly session cookie; returns the CSRF token for state-changing requests',
        body: {
          type: 'object',
          required: ['email', 'password'],
          properties: { email: { type: 'string' }, password: { type: 'string' } },
        },
      },
      config: { rateLimit: limits.password },
    },
    async (req, reply) => {
      const { user, sessionToken, expiresAt } = await logIn(ctx, req.body.email, req.body.password)
      reply.setCookie(SESSION_COOKIE, sessionToken, sessionCookie(req, expiresAt))
      req.sessionToken = sessionToken
      return { user, csrf_token: csrfTokenFor(reply, sessionToken) }
    },
  )

  api.post('/auth/logout', { schema: { tags, summary: 'Log out (ends the session)' } }, async (req, reply) => {
    if (req.sessionToken) await logOut(ctx, req.sessionToken)
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return { ok: true }
  })

  api.get('/me', { schema: { tags, summary: 'The current user and team' } }, async (req) => {
    const user = requireAuth(req)
    return { user, team: (await myTeam(ctx, user)) ?? null }
  })

  api.get(
    '/csrf',
    { schema: { tags, summary: 'A CSRF token for the current session (send it as x-csrf-token)' } },
    async (req, reply) => {
      requireAuth(req)
      return { csrf_token: req.sessionToken ? csrfTokenFor(reply, req.sessionToken) : null }
    },
  )
}
