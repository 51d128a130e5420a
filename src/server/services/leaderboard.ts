/**
 * Leaderboards per board and phase: one row per team (the phase's rule, best or latest; ties to
 * the earlier submission: leaderboard/rank.ts), organizer-marked baseline rows, per-seed or
 * per-task figures. A hidden phase's board is shown to organizers only until they publish it.
 * Ranked boards are cached for a second (and dropped at once when this process scores or
 * changes something), so a busy board is not re-ranked on every request.
 */
import { boardToCsv, rankBoard, type BoardRow, type RankedRow } from '../leaderboard/rank.js'
import type { Phase } from '../challenge/load.js'
import type { User } from './accounts.js'
import { appendAudit } from './audit.js'
import { iso, type ServerContext } from './context.js'
import { forbidden, notFound } from './errors.js'
import { displayedPhase, phaseJson } from './phases.js'
import { requireBoard } from './boards.js'
import type { Leaderboard, LeaderboardRow } from '../wire.js'

const CACHE_MS = 1000

function rowJson(r: RankedRow): LeaderboardRow {
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

interface Cached {
  at: number
  rows: RankedRow[]
  json: LeaderboardRow[]
  bodies: Map<string, string>
}
const caches = new WeakMap<ServerContext, Map<string, Cached>>()

function cacheOf(ctx: ServerContext): Map<string, Cached> {
  let c = caches.get(ctx)
  if (!c) {
    c = new Map()
    const cache = c
    ctx.events.on('job', () => cache.clear())
    ctx.events.on('board', () => cache.clear())
    caches.set(ctx, c)
  }
  return c
}

export async function isPublished(ctx: ServerContext, board: string, phase: string): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom('board_state')
    .select('published_at')
    .where('board', '=', board)
    .where('phase', '=', phase)
    .executeTakeFirst()
  return !!row?.published_at
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

async function rankedRows(ctx: ServerContext, board: string, phase: Phase): Promise<Cached> {
  const key = `${board}\u0000${phase.name}\u0000${phase.rule}`
  const cache = cacheOf(ctx)
  const hit = cache.get(key)
  if (hit && Date.now() - hit.at < CACHE_MS) return hit
  const rows = await ctx.db.kysely
    .selectFrom('submissions')
    .innerJoin('teams', 'teams.id', 'submissions.team_id')
    .select([
      'submissions.id',
      'submissions.team_id',
      'teams.name as team',
      'submissions.method',
      'submissions.score',
      'submissions.submitted_at',
      'submissions.details',
      'submissions.baseline',
    ])
    .where('submissions.board', '=', board)
    .where('submissions.phase', '=', phase.name)
    .where('submissions.status', '=', 'scored')
    .execute()
  const boardRows: BoardRow[] = rows.map((r) => ({
    submissionId: r.id,
    teamId: r.team_id,
    team: r.team,
    method: r.method,
    score: r.score!,
    submittedAt: r.submitted_at,
    details: r.details ? (JSON.parse(r.details) as unknown) : null,
    baseline: r.baseline === 1,
  }))
  const ranked = rankBoard(boardRows, phase.rule)
  const entry = { at: Date.now(), rows: ranked, json: ranked.map(rowJson), bodies: new Map<string, string>() }
  cache.set(key, entry)
  return entry
}

export async function getLeaderboard(
  ctx: ServerContext,
  viewer: User | undefined,
  boardId: string,
  phaseName?: string,
): Promise<Leaderboard & { ranked: RankedRow[]; body: () => string }> {
  requireBoard(ctx, boardId)
  const phase = await displayedPhase(ctx, phaseName)
  const published = await isPublished(ctx, boardId, phase.name)
  if (!(await boardIsVisible(ctx, boardId, phase, viewer))) {
    throw forbidden(
      `board ${boardId} is hidden during phase ${phase.name}; the organizers publish it when the phase ends`,
    )
  }
  const ranked = await rankedRows(ctx, boardId, phase)
  const board = {
    board: boardId,
    phase: phaseJson(phase),
    rule: phase.rule,
    hidden: phase.leaderboard === 'hidden',
    published,
    rows: ranked.json,
  }
  return { ...board, ranked: ranked.rows, body: () => cachedBody(ranked, board) }
}

/** The board as JSON text, serialised once per cache period (a busy board is mostly re-sent, not re-built). */
function cachedBody(entry: Cached, board: Leaderboard): string {
  const key = JSON.stringify([board.phase, board.published])
  let body = entry.bodies.get(key)
  if (body === undefined) {
    body = JSON.stringify(board)
    entry.bodies.set(key, body)
  }
  return body
}

export function leaderboardCsv(board: Leaderboard & { ranked: RankedRow[] }): string {
  return boardToCsv(board.ranked)
}

/** The rank of a submission's row, when it is the row its team shows; else null. */
export async function teamRank(
  ctx: ServerContext,
  boardId: string,
  phase: Phase,
  submissionId: string,
): Promise<number | null> {
  const { rows } = await rankedRows(ctx, boardId, phase)
  return rows.find((r) => r.submissionId === submissionId)?.rank ?? null
}

export async function publishBoard(
  ctx: ServerContext,
  organizer: User,
  boardId: string,
  phaseName?: string,
): Promise<{ board: string; phase: string; published_at: string }> {
  requireBoard(ctx, boardId)
  const phase = await displayedPhase(ctx, phaseName)
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
  })
  ctx.events.emit('board')
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
    const r = await trx
      .updateTable('submissions')
      .set({ baseline: baseline ? 1 : 0 })
      .where('id', '=', submissionId)
      .executeTakeFirst()
    if (Number(r.numUpdatedRows) === 0) throw notFound(`submission ${submissionId}`)
    await appendAudit(ctx, trx, {
      kind: 'baseline',
      actor: organizer.id,
      payload: { submission: submissionId, baseline },
    })
  })
  ctx.events.emit('board')
}
