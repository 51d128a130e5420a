import type { FastifyInstance } from 'fastify'
import { getLeaderboard, leaderboardCsv } from '../../services/leaderboard.js'
import type { RouteDeps } from '../route-deps.js'
import { LeaderboardSchema } from '../../wire.js'

export function leaderboardRoutes(api: FastifyInstance, { ctx }: RouteDeps): void {
  api.get<{ Params: { board: string }; Querystring: { format?: string; phase?: string } }>(
    '/boards/:board/leaderboard',
    {
      schema: {
        tags: ['leaderboards'],
        summary: "A board's leaderboard (JSON, or CSV with ?format=csv); ?phase=NAME for another phase's",
        querystring: {
          type: 'object',
          properties: { format: { type: 'string', enum: ['json', 'csv'] }, phase: { type: 'string' } },
        },
        // the JSON answer; with ?format=csv the same rows as text/csv
        response: { 200: LeaderboardSchema },
      },
    },
    async (req, reply) => {
      const board = await getLeaderboard(ctx, req.user, req.params.board, req.query.phase)
      if (req.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${board.board}-${board.phase.name}.csv"`)
          .send(leaderboardCsv(board))
      }
      return reply.type('application/json; charset=utf-8').send(board.body())
    },
  )
}
