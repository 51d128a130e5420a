import type { FastifyInstance } from 'fastify'
import { createToken, listTokens, revokeToken } from '../../services/tokens.js'
import { requireAuth } from '../auth.js'
import type { RouteDeps } from '../app.js'

const tags = ['tokens']

export function tokenRoutes(api: FastifyInstance, { ctx }: RouteDeps): void {
  api.post<{ Body: { name: string } }>('/tokens', {
    schema: { tags, summary: 'Create an API token (shown once; stored hashed)', body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
  }, async (req, reply) => reply.status(201).send(await createToken(ctx, requireAuth(req), req.body.name)))

  api.get('/tokens', { schema: { tags, summary: 'Your API tokens (without the secrets)' } }, async (req) => ({ tokens: await listTokens(ctx, requireAuth(req)) }))

  api.delete<{ Params: { id: string } }>('/tokens/:id', { schema: { tags, summary: 'Revoke one of your API tokens' } }, async (req) => {
    await revokeToken(ctx, requireAuth(req), req.params.id)
    return { ok: true }
  })
}
