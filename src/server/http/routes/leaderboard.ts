import type { FastifyInstance } from 'fastify'
import { DEFAULT_PAGE_ROWS, leaderboardBody, MAX_PAGE_ROWS } from '../../services/leaderboard.js'
import type { RouteDeps } from '../route-deps.js'
import { sendReusable } from '../cached-body.js'

export function leaderboardRoutes(api: FastifyInstance, { ctx }: RouteDeps): void {
  api.get<{
    Params: { board: string }
    Querystring: { format?: 'json' | 'csv'; phase?: string; page?: number; limit?: number; team?: string; q?: string }
  }>(
    '/boards/:board/leaderboard',
    {
      schema: {
        tags: ['leaderboards'],
        summary:
          "A board's leaderboard: JSON, one page of rows (?page, ?limit; `total` rows in all), or a team's row and rank (?team=NAME), or the rows whose team or method contain ?q=; CSV with ?format=csv (every row); ?phase=NAME for another phase's. Answers carry an ETag (If-None-Match gets 304) and are compressed when the client accepts it",
        querystring: {
          type: 'object',
          properties: {
            format: { type: 'string', enum: ['json', 'csv'] },
            phase: { type: 'string' },
            page: { type: 'integer', minimum: 1, default: 1 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_ROWS, default: DEFAULT_PAGE_ROWS },
            team: { type: 'string', minLength: 1, maxLength: 200 },
            q: { type: 'string', maxLength: 200 },
          },
        },
      },
    },
    async (req, reply) => {
      const { board } = req.params
      const body = await leaderboardBody(ctx, req.user, board, req.query)
      return sendReusable(req, reply, body)
    },
  )
}
