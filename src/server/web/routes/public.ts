// Pages anyone may open: the challenge home, the list of boards, a board's leaderboard (a page of
// it, a search, the visitor's own row, a chart of the top ten); the page follows the board's change
// feed (/api/v1/boards/:board/events) to refresh itself when its rows move.
import type { FastifyInstance } from '../../../vendor/fastify.js'
import type { User } from '../../services/accounts.js'
import {
  boardIsVisible,
  boardSlice,
  findTeamRow,
  getLeaderboard,
  openBoard,
  rowJson,
} from '../../services/leaderboard.js'
import type { RankedRow } from '../../leaderboard/rank.js'
import { boardHistory } from '../../services/overview.js'
import { displayedPhase, effectivePhases, currentPhase } from '../../services/phases.js'
import { boardView, leaderboardRowView, phaseView, seriesView } from '../adapt.js'
import { homePage } from '../pages/home.js'
import { leaderboardPage, leaderboardsIndexPage } from '../pages/leaderboard.js'
import type { BoardView } from '../view-models.js'
import type { Web } from '../web.js'

const TOP_ROWS = 5
/** Rows per page of a board page (the API's pages are 100): the first screen stays under 60 KB at 1,000 teams. */
const PAGE_ROWS = 50
/** Teams on a board's chart besides the visitor's own */
const CHART_TOP = 10

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
          ? (await getLeaderboard(ctx, req.user, board.id, undefined, { limit: TOP_ROWS })).rows.map((r) =>
              leaderboardRowView(r),
            )
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

  app.get<{ Params: { board: string }; Querystring: { page?: string; q?: string; with?: string | string[] } }>(
    '/boards/:board',
    { schema: { hide: true } },
    async (req, reply) => {
      const id = req.params.board
      const b = await openBoard(ctx, req.user, id) // 403 page for a hidden board
      const pageCtx = await web.pageContext(req, reply)
      const asked = Number(req.query.page ?? 1)
      const q = req.query.q?.trim().slice(0, 200) || undefined
      const slice = boardSlice(b, { page: Number.isInteger(asked) && asked > 0 ? asked : 1, limit: PAGE_ROWS, q })
      const myName = pageCtx.user?.team?.name
      const mine = myName ? findTeamRow(b, myName) : undefined
      const rowView = (row: RankedRow, position: number) =>
        leaderboardRowView(rowJson(row), position, !row.baseline && row.team === myName)
      // the chart: the top ten teams, the visitor's, and up to three more they asked for
      const withNames = [req.query.with ?? []]
        .flat()
        .map((t) => t.trim())
        .filter(Boolean)
        .slice(0, 3)
      const extra = withNames.map((t) => findTeamRow(b, t)).filter((t) => t !== undefined)
      const charted = new Map<string, RankedRow>()
      for (const r of b.ranked.rows.filter((r) => !r.baseline).slice(0, CHART_TOP)) charted.set(String(r.teamId), r)
      for (const t of [...(mine ? [mine] : []), ...extra]) charted.set(String(t.row.teamId), t.row)
      const history = await boardHistory(ctx, b, [...charted.keys()])
      const all = await visibleBoards(web, req.user)
      const current = all.find((v) => v.board.id === id)!.board
      return web.send(
        reply,
        leaderboardPage(pageCtx, {
          board: current,
          boards: all.filter((v) => v.visible).map((v) => v.board),
          hidden: b.hidden && !b.published,
          rule: b.phase.rule,
          rows: slice.rows.map((r) => rowView(r.row, r.position)),
          pager: {
            page: slice.page,
            pages: slice.pages,
            total: slice.total,
            from: slice.rows.length ? (slice.page - 1) * slice.limit + 1 : 0,
            to: slice.rows.length ? (slice.page - 1) * slice.limit + slice.rows.length : 0,
          },
          ...(q ? { query: q } : {}),
          ...(mine
            ? {
                myTeam: {
                  row: rowView(mine.row, mine.index + 1),
                  page: Math.floor(mine.index / PAGE_ROWS) + 1,
                  onPage: slice.rows.some((r) => r.row === mine.row),
                },
              }
            : {}),
          chartWith: extra.map((t) => t.row.team),
          series: history.map((h) =>
            seriesView(h, h.baseline ? {} : { rank: charted.get(h.teamId)?.rank ?? null, mine: h.team === myName }),
          ),
          now: ctx.now(),
          csvUrl: `/api/v1/boards/${encodeURIComponent(id)}/leaderboard?format=csv`,
          jsonUrl: `/api/v1/boards/${encodeURIComponent(id)}/leaderboard`,
          eventsUrl: `/api/v1/boards/${encodeURIComponent(id)}/events?limit=1`,
          version: b.ranked.version,
        }),
      )
    },
  )
}
