import type { FastifyInstance, FastifyRequest } from '../../../vendor/fastify.js'
import { checkPassword } from '../../services/accounts.js'
import { createToken, listTokens, revokeToken } from '../../services/tokens.js'
import { requireAuth } from '../auth.js'
import type { RouteDeps } from '../route-deps.js'

const tags = ['tokens']

export function tokenRoutes(api: FastifyInstance, { ctx, limits }: RouteDeps): void {
  api.post<{ Body: { name: string; email?: string; password?: string } }>(
    '/tokens',
    {
      schema: {
        tags,
        summary:
          'Create an API token (shown once; stored hashed). Logged in, or with email and password in the body (for scripts)',
        body: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } },
        },
      },
      // only a token asked for with email and password is a password check
      config: { rateLimit: { ...limits.password, allowList: (req: FastifyRequest) => req.user !== undefined } },
    },
    async (req, reply) => {
      // email and password in a JSON body carry no ambient authority (unlike a cookie), so no CSRF token is needed
      const user =
        req.user ??
        (req.body.email !== undefined && req.body.password !== undefined
          ? await checkPassword(ctx, req.body.email, req.body.password)
          : requireAuth(req))
      return reply.status(201).send(await createToken(ctx, user, req.body.name))
    },
  )

  api.get('/tokens', { schema: { tags, summary: 'Your API tokens (without the secrets)' } }, async (req) => ({
    tokens: await listTokens(ctx, requireAuth(req)),
  }))

  api.delete<{ Params: { id: string } }>(
    '/tokens/:id',
    { schema: { tags, summary: 'Revoke one of your API tokens' } },
    async (req) => {
      await revokeToken(ctx, requireAuth(req), req.params.id)
      return { ok: true }
    },
  )
}
