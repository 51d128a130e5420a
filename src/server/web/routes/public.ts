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
        eventsUrl: `/boards/${encodeURIComponent(id)}/events`,
      }),
    )
  })

  // One "board" event whenever a job finishes or an organizer changes the board; the page then
  // fetches itself again. Workers on other machines do not signal this process: poll as well.
  app.get<{ Params: { board: string } }>('/boards/:board/events', { schema: { hide: true } }, async (req, reply) => {
    await getLeaderboard(ctx, req.user, req.params.board) // same visibility as the page
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    res.write(': board events\n\n')
    let last = (await getLeaderboard(ctx, req.user, req.params.board)).version
    let busy = false
    const check = async () => {
      if (busy) return
      busy = true
      try {
        const now = (await getLeaderboard(ctx, req.user, req.params.board)).version
        if (now !== last) {
          last = now
          res.write(`event: board\ndata: {"board":${JSON.stringify(req.params.board)}}\n\n`)
        }
      } catch {
        /* the next check tries again */
      } finally {
        busy = false
      }
    }
    const onChange = () => void check()
    ctx.events.on('boards', onChange)
    const poll = setInterval(onChange, 2000)
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000)
    req.raw.on('close', () => {
      clearInterval(poll)
      clearInterval(ping)
      ctx.events.off('boards', onChange)
    })
  })
}
