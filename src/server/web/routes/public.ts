// Pages anyone may open: the challenge home, the list of boards, a board's leaderboard, and the
// board's event stream that tells an open leaderboard page to refresh when a score lands.
import type { FastifyInstance } from 'fastify'
import type { User } from '../../services/accounts.js'
import { boardIsVisible, getLeaderboard } from '../../services/leaderboard.js'
import { boardHistory } from '../../services/overview.js'
import { displayedPhase, effectivePhases, currentPhase } from '../../services/phases.js'
import { requireBoard } from '../../services/boards.js'
import { boardView, leaderboardRowView, phaseView, seriesView } from '../adapt.js'
import { homePage } from '../pages/home.js'
import { leaderboardPage, leaderboardsIndexPage } from '../pages/leaderboard.js'
import type { BoardView } from '../view-models.js'
import type { Web } from '../web.js'

const TOP_ROWS = 5

/** The boards as this visitor sees them: hidden ones are marked (organizers) or left out (others). */
export async function visibleBoards(
  web: Web,
  viewer: User | undefined,
): Promise<{ board: BoardView; visible: boolean }[]> {
  const phase = await displayedPhase(web.ctx)
  return Promise.all(
    web.ctx.challenge.boards.map(async (b) => {
      const publicNow = phase.leaderboard === 'public' || (await boardIsVisible(web.ctx, b.id, phase, undefined))
      return { board: boardView(b, !publicNow), visible: publicNow || viewer?.role === 'organizer' }
    }),
  )
}

export function publicRoutes(app: FastifyInstance, web: Web): void {
  const { ctx } = web

  app.get('/', { schema: { hide: true } }, async (req, reply) => {
    const phases = await effectivePhases(ctx)
    const now = ctx.now()
    const boards = await visibleBoards(web, req.user)
    const tops = await Promise.all(
      boards.map(async ({ board, visible }) => ({
        board,
        withheld: !visible,
        rows: visible
          ? (await getLeaderboard(ctx, req.user, board.id, undefined, { limit: TOP_ROWS })).rows.map(leaderboardRowView)
          : [],
      })),
    )
    const current = await currentPhase(ctx)
    const next = phases.filter((p) => p.start > now).sort((a, b) => a.start.getTime() - b.start.getTime())[0]
    return web.send(
      reply,
      homePage(await web.pageContext(req, reply), {
        name: ctx.challenge.name,
        description: ctx.challenge.description ?? '',
        boards: boards.map((b) => b.board),
        phases: phases.map(phaseView),
        currentPhase: current ? phaseView(current) : undefined,
        nextPhase: next ? phaseView(next) : undefined,
        tops,
        serverUrl: web.baseUrl(req),
      }),
    )
  })

  app.get('/leaderboards', { schema: { hide: true } }, async (req, reply) => {
    const boards = (await visibleBoards(web, req.user)).filter((b) => b.visible).map((b) => b.board)
    return web.send(reply, leaderboardsIndexPage(await web.pageContext(req, reply), boards))
  })

  app.get<{ Params: { board: string } }>('/boards/:board', { schema: { hide: true } }, async (req, reply) => {
    const id = req.params.board
    requireBoard(ctx, id)
    const board = await getLeaderboard(ctx, req.user, id) // 403 page for a hidden board
    const history = await boardHistory(ctx, req.user, id)
    const all = await visibleBoards(web, req.user)
    const current = all.find((b) => b.board.id === id)!.board
    return web.send(
      reply,
      leaderboardPage(await web.pageContext(req, reply), {
        board: current,
        boards: all.filter((b) => b.visible).map((b) => b.board),
        hidden: board.hidden && !board.published,
        rule: board.rule,
        rows: board.rows.map(leaderboardRowView),
        series: history.map(seriesView),
        now: ctx.now(),
        csvUrl: `/api/v1/boards/${encodeURIComponent(id)}/leaderboard?format=csv`,
        jsonUrl: `/api/v1/boards/${encodeURIComponent(id)}/leaderboard`,
        eventsUrl: `/api/v1/boards/${encodeURIComponent(id)}/events?limit=1`,
        version: board.version,
      }),
    )
  })
}
