/**
 * Leaderboards per board and phase: one row per team (the phase's rule, best or latest; ties to
 * the earlier submission: leaderboard/rank.ts), organizer-marked baseline rows, per-seed or
 * per-task figures. A hidden phase's board is shown to organizers only until they publish it.
 * Rows come from the materialized standings (standings.ts), ranked once per version and kept in
 * this process (board-cache.ts) with the JSON and CSV bodies written from them, page by page.
 */
import { createHash } from 'node:crypto'
import type { Phase } from '../challenge/load.js'
import { boardToCsv, type RankedRow } from '../leaderboard/rank.js'
import type { User } from './accounts.js'
import { appendAudit } from './audit.js'
import { boardSettings, rankedBoard, type BoardSettings, type RankedBoard } from './board-cache.js'
import { iso, type ServerContext } from './context.js'
import { forbidden, notFound } from './errors.js'
import { choosePhase, phaseJson } from './phases.js'
import { refreshTeamStandings, settingsChanged, versionKey } from './standings.js'
import { requireBoard } from './boards.js'
import type { Leaderboard, LeaderboardRow } from '../wire.js'

/** Rows per page when the client does not say; the most it may ask for. */
export const DEFAULT_PAGE_ROWS = 100
export const MAX_PAGE_ROWS = 1000

export interface BoardQuery {
  page?: number | undefined
  limit?: number | undefined
  team?: string | undefined
  q?: string | undefined
}

export function rowJson(r: RankedRow): LeaderboardRow {
  return {
    rank: r.rank,
    team: r.team,
    method: r.method,
    score: r.score,
    details: r.details,
    baseline: r.baseline,
    submitted_at: r.submittedAt,
    submissions: r.submissions,
    last_submitted_at: r.lastSubmittedAt,
    submission_id: String(r.submissionId),
  }
}

const publishedIn = (s: BoardSettings, board: string, phase: string) => s.published.has(versionKey(board, phase))

export async function isPublished(ctx: ServerContext, board: string, phase: string): Promise<boolean> {
  return publishedIn(await boardSettings(ctx), board, phase)
}

export async function boardIsVisible(
  ctx: ServerContext,
  board: string,
  phase: Phase,
  viewer: User | undefined,
): Promise<boolean> {
  if (phase.leaderboard === 'public' || viewer?.role === 'organizer') return true
  return isPublished(ctx, board, phase.name)
}

/** A board as this viewer may see it: its phase, visibility and ranked rows; 403 when hidden from them. */
export interface OpenBoard {
  board: string
  phase: Phase
  settings: BoardSettings
  hidden: boolean
  published: boolean
  /** everyone may see it (not only organizers): its bodies may be cached by anyone */
  isPublic: boolean
  ranked: RankedBoard
}

export async function openBoard(
  ctx: ServerContext,
  viewer: User | undefined,
  boardId: string,
  phaseName?: string,
): Promise<OpenBoard> {
  requireBoard(ctx, boardId)
  const settings = await boardSettings(ctx)
  const phase = choosePhase(settings.phases, ctx.now(), phaseName)
  const published = publishedIn(settings, boardId, phase.name)
  const isPublic = phase.leaderboard === 'public' || published
  if (!isPublic && viewer?.role !== 'organizer') {
    throw forbidden(
      `board ${boardId} is hidden during phase ${phase.name}; the organizers publish it when the phase ends`,
    )
  }
  return {
    board: boardId,
    phase,
    settings,
    hidden: phase.leaderboard === 'hidden',
    published,
    isPublic,
    ranked: await rankedBoard(ctx, boardId, phase),
  }
}

/** Rows matching a search: the team or method contains the text, any case. */
export function searchRows(rows: readonly RankedRow[], q: string): RankedRow[] {
  const needle = q.toLowerCase()
  return rows.filter((r) => r.team.toLowerCase().includes(needle) || r.method.toLowerCase().includes(needle))
}

/** The team's ranked row (not a baseline row) and its index in board order, by name (any case). */
export function findTeamRow(b: OpenBoard, team: string): { row: RankedRow; index: number } | undefined {
  const index = b.ranked.teamIndex.get(team.trim().toLowerCase())
  return index === undefined ? undefined : { row: b.ranked.rows[index]!, index }
}

/** One page of the board, or of the rows matching a search, with each row's place on the whole board. */
export function boardSlice(
  b: OpenBoard,
  query: Pick<BoardQuery, 'page' | 'limit' | 'q'> = {},
): { rows: Array<{ row: RankedRow; position: number }>; total: number; page: number; limit: number; pages: number } {
  const limit = Math.min(MAX_PAGE_ROWS, Math.max(1, Math.floor(query.limit ?? DEFAULT_PAGE_ROWS)))
  const page = Math.max(1, Math.floor(query.page ?? 1))
  const all = b.ranked.rows
  const q = query.q?.trim()
  const placed = q
    ? searchRows(all, q).map((row) => ({ row, position: b.ranked.submissionIndex.get(String(row.submissionId))! + 1 }))
    : undefined
  const total = placed ? placed.length : all.length
  const from = (page - 1) * limit
  const rows = placed
    ? placed.slice(from, from + limit)
    : all.slice(from, from + limit).map((row, i) => ({ row, position: from + i + 1 }))
  return { rows, total, page, limit, pages: Math.max(1, Math.ceil(total / limit)) }
}

/** One page of the board (or of a search, or the row of one team) as the API answers it. */
export function boardPage(b: OpenBoard, query: BoardQuery = {}): Leaderboard {
  const head = {
    board: b.board,
    phase: phaseJson(b.phase),
    rule: b.phase.rule,
    hidden: b.hidden,
    published: b.published,
    version: b.ranked.version,
  }
  if (query.team !== undefined) {
    const limit = Math.min(MAX_PAGE_ROWS, Math.max(1, Math.floor(query.limit ?? DEFAULT_PAGE_ROWS)))
    const found = findTeamRow(b, query.team)
    if (!found)
      throw notFound(
        `team '${query.team}' on board ${b.board} in phase ${b.phase.name}: it has no scored submission there`,
      )
    const total = b.ranked.rows.length
    return {
      ...head,
      total,
      page: Math.floor(found.index / limit) + 1,
      limit,
      pages: Math.max(1, Math.ceil(total / limit)),
      team: found.row.team,
      position: found.index + 1,
      rows: [rowJson(found.row)],
    }
  }
  const slice = boardSlice(b, query)
  const q = query.q?.trim()
  return {
    ...head,
    total: slice.total,
    page: slice.page,
    limit: slice.limit,
    pages: slice.pages,
    ...(q ? { query: q } : {}),
    rows: slice.rows.map((r) => rowJson(r.row)),
  }
}

export async function getLeaderboard(
  ctx: ServerContext,
  viewer: User | undefined,
  boardId: string,
  phaseName?: string,
  query: BoardQuery = {},
): Promise<Leaderboard> {
  return boardPage(await openBoard(ctx, viewer, boardId, phaseName), query)
}

/** Every row of the board in order (CSV, rescoring's rank changes). */
export async function allRows(
  ctx: ServerContext,
  viewer: User | undefined,
  boardId: string,
  phaseName?: string,
): Promise<RankedRow[]> {
  return (await openBoard(ctx, viewer, boardId, phaseName)).ranked.rows
}

/** A body written once per board version and request, with its ETag; the HTTP layer keeps its compressed forms in `encoded`. */
export interface CachedBody {
  /** the board's version it was written from */
  version: number
  text: string
  etag: string
  contentType: string
  /** anyone may see it: shared caches may keep it */
  isPublic: boolean
  /** for downloads */
  filename?: string
  encoded: Map<string, Buffer>
}

/** Bodies kept per board version (a page, a search, each team's row: 1,000 teams look themselves up); past this many the oldest go. */
const BODIES_PER_VERSION = 4096

/** The leaderboard as JSON (one page) or CSV (every row), written once per board version and query. */
export async function leaderboardBody(
  ctx: ServerContext,
  viewer: User | undefined,
  boardId: string,
  options: BoardQuery & { phase?: string | undefined; format?: 'json' | 'csv' | undefined },
): Promise<CachedBody> {
  const b = await openBoard(ctx, viewer, boardId, options.phase)
  const format = options.format ?? 'json'
  const key = JSON.stringify([
    format,
    b.settings.version,
    b.phase.name,
    format === 'csv' ? [] : [options.page ?? 1, options.limit ?? DEFAULT_PAGE_ROWS, options.team, options.q],
  ])
  const bodies = b.ranked.bodies as Map<string, CachedBody>
  const hit = bodies.get(key)
  if (hit) return hit
  const text = format === 'csv' ? boardToCsv(b.ranked.rows) : JSON.stringify(boardPage(b, options))
  const body: CachedBody = {
    version: b.ranked.version,
    text,
    etag: `W/"${createHash('sha1').update(text).digest('base64url').slice(0, 22)}"`,
    contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    isPublic: b.isPublic,
    ...(format === 'csv' ? { filename: `${b.board}-${b.phase.name}.csv` } : {}),
    encoded: new Map(),
  }
  if (bodies.size >= BODIES_PER_VERSION) bodies.delete(bodies.keys().next().value!)
  bodies.set(key, body)
  return body
}

/** The rank of a submission's row, when it is the row its team shows; else null. */
export async function teamRank(
  ctx: ServerContext,
  boardId: string,
  phase: Phase,
  submissionId: string,
): Promise<number | null> {
  const ranked = await rankedBoard(ctx, boardId, phase)
  const i = ranked.submissionIndex.get(submissionId)
  return i === undefined ? null : ranked.rows[i]!.rank
}

export async function publishBoard(
  ctx: ServerContext,
  organizer: User,
  boardId: string,
  phaseName?: string,
): Promise<{ board: string; phase: string; published_at: string }> {
  requireBoard(ctx, boardId)
  const phase = choosePhase((await boardSettings(ctx)).phases, ctx.now(), phaseName)
  const at = iso(ctx.now())
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.deleteFrom('board_state').where('board', '=', boardId).where('phase', '=', phase.name).execute()
    await trx
      .insertInto('board_state')
      .values({ board: boardId, phase: phase.name, published_at: at, published_by: organizer.id })
      .execute()
    await appendAudit(ctx, trx, {
      kind: 'publish',
      actor: organizer.id,
      payload: { board: boardId, phase: phase.name },
    })
    await settingsChanged(ctx, trx)
  })
  ctx.events.boardsChanged()
  return { board: boardId, phase: phase.name, published_at: at }
}

/** Marks (or unmarks) a submission as a baseline row (random, official baseline, cleanlab...). */
export async function setBaseline(
  ctx: ServerContext,
  organizer: User,
  submissionId: string,
  baseline: boolean,
): Promise<void> {
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const sub = await trx
      .updateTable('submissions')
      .set({ baseline: baseline ? 1 : 0 })
      .where('id', '=', submissionId)
      .returning(['board', 'phase', 'team_id'])
      .executeTakeFirst()
    if (!sub) throw notFound(`submission ${submissionId}`)
    await appendAudit(ctx, trx, {
      kind: 'baseline',
      actor: organizer.id,
      payload: { submission: submissionId, baseline },
    })
    await refreshTeamStandings(ctx, trx, sub.board, sub.phase, sub.team_id)
  })
  ctx.events.boardsChanged()
}
