import type { FastifyInstance } from '../../../vendor/fastify.js'
import { followBoard } from '../../services/board-feed.js'
import { DEFAULT_PAGE_ROWS, leaderboardBody, MAX_PAGE_ROWS, openBoard } from '../../services/leaderboard.js'
import type { RouteDeps } from '../route-deps.js'
import { LeaderboardSchema } from '../../wire.js'
import { sendReusable } from '../cached-body.js'

const pageQuery = {
  phase: { type: 'string' },
  page: { type: 'integer', minimum: 1, default: 1 },
  limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_ROWS, default: DEFAULT_PAGE_ROWS },
  team: { type: 'string', minLength: 1, maxLength: 200 },
  q: { type: 'string', maxLength: 200 },
} as const

interface PageQuery {
  phase?: string
  page?: number
  limit?: number
  team?: string
  q?: string
}

export function leaderboardRoutes(api: FastifyInstance, { ctx }: RouteDeps): void {
  api.get<{ Params: { board: string }; Querystring: PageQuery & { format?: 'json' | 'csv' } }>(
    '/boards/:board/leaderboard',
    {
      schema: {
        tags: ['leaderboards'],
        summary:
          "A board's leaderboard: JSON, one page of rows (?page, ?limit; `total` rows in all), or a team's row and rank (?team=NAME), or the rows whose team or method contain ?q=; CSV with ?format=csv (every row); ?phase=NAME for another phase's. Answers carry an ETag (If-None-Match gets 304) and are compressed when the client accepts it",
        querystring: {
          type: 'object',
          properties: { format: { type: 'string', enum: ['json', 'csv'] }, ...pageQuery },
        },
        // the JSON answer; with ?format=csv the same rows as text/csv
        response: { 200: LeaderboardSchema },
      },
    },
    async (req, reply) => {
      const { board } = req.params
      const body = await leaderboardBody(ctx, req.user, board, req.query)
      return sendReusable(req, reply, body)
    },
  )

  api.get<{ Params: { board: string }; Querystring: PageQuery }>(
    '/boards/:board/events',
    {
      schema: {
        tags: ['leaderboards'],
        summary:
          "Server-sent events of a board: 'snapshot' first (the leaderboard JSON for the same query as GET .../leaderboard, also after each reconnect), then 'change' whenever the board changes (its new version and total, the rows whose figures changed with their place, rows removed, and the span of places where anything moved: refetch a page only if it overlaps), 'reset' when phases or publication changed (connect again). Event ids are board versions",
        querystring: { type: 'object', properties: pageQuery },
      },
    },
    async (req, reply) => {
      const { board } = req.params
      const { phase } = await openBoard(ctx, req.user, board, req.query.phase) // 403 for a hidden board
      const query = { ...req.query, format: 'json' as const }
      let snapshot = await leaderboardBody(ctx, req.user, board, query) // a 404 for ?team= is an answer, not a stream
      const stream = api.eventStreams.start(req, reply)
      const unfollow = await followBoard(ctx, board, phase, (e) => {
        if (e.kind === 'reset') {
          stream.send('reset', '{}')
          stream.end()
        } else stream.send('change', e.text, e.change.version)
      })
      stream.onClose(unfollow)
      // following began after that body was written: a change in between must not be missed
      snapshot = await leaderboardBody(ctx, req.user, board, query).catch(() => snapshot)
      stream.send('snapshot', snapshot.text, snapshot.version)
    },
  )
}
