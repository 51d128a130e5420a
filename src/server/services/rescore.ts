/**
 * Rescoring a board (after an evaluator or data change) runs in the background: a `rescores` row
 * and one 'rescore' job per scored submission pointing to it; workers write new score rows (the
 * old ones stay in `scores`) and move each submission to its new score. Progress is counted from
 * the jobs; whoever looks first after the last job ends (the page, the API, the next request)
 * records the rank changes. One rescoring runs per board at a time: asking again while it runs
 * answers the running one (a retried form or request never starts a second).
 */
import { sql } from '../../vendor/kysely.js'
import { isUniqueViolation } from '../db/open.js'
import { newId } from '../db/ids.js'
import { rankChanges, type RankChange, type RankedRow } from '../leaderboard/rank.js'
import { enqueueJob } from '../queue/jobs.js'
import { requireOrganizer, type User } from './accounts.js'
import { appendAudit } from './audit.js'
import { iso, type ServerContext } from './context.js'
import { ServiceError } from './errors.js'
import { allRows } from './leaderboard.js'
import { requireBoard } from './boards.js'

export interface Rescore {
  id: string
  board: string
  status: 'running' | 'done'
  startedBy: string
  startedAt: string
  finishedAt: string | null
  /** submissions queued for rescoring */
  total: number
  done: number
  failed: number
  /** once done: the teams whose rank or score changed */
  changes: RankChange[] | null
}

const COMMAND_LINE = { id: 'command-line', email: '', name: 'command line', role: 'organizer' as const }

/** The ranked rows without their figures: what rank changes need, small enough to keep. */
function ranksOnly(rows: RankedRow[]): RankedRow[] {
  return rows.map((r) => ({ ...r, details: null }))
}

/**
 * Starts rescoring `boardId`, or answers the rescoring of it that is still running (`started`
 * false). `organizer` undefined: the command line.
 */
export async function startRescore(
  ctx: ServerContext,
  organizer: User | undefined,
  boardId: string,
): Promise<{ rescore: Rescore; started: boolean }> {
  requireBoard(ctx, boardId)
  const viewer = organizer ?? COMMAND_LINE
  const running = await runningRescore(ctx, boardId)
  if (running) return { rescore: running, started: false }
  const before = ranksOnly(await allRows(ctx, viewer, boardId))
  const id = newId('rsc')
  try {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      const subs = await trx
        .selectFrom('submissions')
        .select('id')
        .where('board', '=', boardId)
        .where('status', '=', 'scored')
        .orderBy('submitted_at')
        .execute()
      const now = ctx.now()
      // the unique index on running rescores refuses a second one started at the same moment
      await trx
        .insertInto('rescores')
        .values({
          id,
          board: boardId,
          status: 'running',
          started_by: viewer.id,
          started_at: iso(now),
          finished_at: null,
          total: subs.length,
          done: null,
          failed: null,
          ranks_before: JSON.stringify(before),
          changes: null,
        })
        .execute()
      for (const s of subs) await enqueueJob(ctx.db, trx, s.id, 'rescore', now, id)
      await appendAudit(ctx, trx, {
        kind: 'rescore',
        actor: viewer.id,
        payload: { board: boardId, started: true, rescore: id, submissions: subs.length },
      })
    })
  } catch (err) {
    if (!isUniqueViolation(err)) throw err
    const other = await runningRescore(ctx, boardId)
    if (other) return { rescore: other, started: false }
    throw err
  }
  ctx.events.emit('job')
  return { rescore: await rescoreStatus(ctx, id), started: true }
}

/** The board's running rescoring, if one still has jobs to do. */
async function runningRescore(ctx: ServerContext, boardId: string): Promise<Rescore | undefined> {
  const row = await ctx.db.kysely
    .selectFrom('rescores')
    .select('id')
    .where('board', '=', boardId)
    .where('status', '=', 'running')
    .executeTakeFirst()
  if (!row) return undefined
  const r = await rescoreStatus(ctx, row.id)
  return r.status === 'running' ? r : undefined
}

/** An organizer's look at a rescoring (404 for an unknown id). */
export async function getRescore(ctx: ServerContext, viewer: User | undefined, id: string): Promise<Rescore> {
  requireOrganizer(viewer)
  return rescoreStatus(ctx, id)
}

/** Where a rescoring stands; the first look after its last job ended records the rank changes. */
export async function rescoreStatus(ctx: ServerContext, id: string): Promise<Rescore> {
  const row = await ctx.db.kysely.selectFrom('rescores').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw new ServiceError(404, 'not_found', `rescoring ${id} not found`)
  const base = {
    id: row.id,
    board: row.board,
    startedBy: row.started_by,
    startedAt: row.started_at,
    total: Number(row.total),
  }
  if (row.status === 'done')
    return {
      ...base,
      status: 'done',
      finishedAt: row.finished_at,
      done: Number(row.done ?? 0),
      failed: Number(row.failed ?? 0),
      changes: JSON.parse(row.changes ?? '[]') as RankChange[],
    }
  const counts = await ctx.db.kysely
    .selectFrom('jobs')
    .select(['status', sql<number>`count(*)`.as('n')])
    .where('rescore_id', '=', id)
    .groupBy('status')
    .execute()
  const by = Object.fromEntries(counts.map((c) => [c.status, Number(c.n)]))
  const done = by['done'] ?? 0,
    failed = by['failed'] ?? 0
  if (done + failed < base.total) return { ...base, status: 'running', finishedAt: null, done, failed, changes: null }
  const after = await allRows(ctx, COMMAND_LINE, row.board)
  const changes = rankChanges(JSON.parse(row.ranks_before) as RankedRow[], after)
  const now = iso(ctx.now())
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('rescores')
      .set({ status: 'done', finished_at: now, done, failed, changes: JSON.stringify(changes) })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .executeTakeFirst()
    if (Number(r.numUpdatedRows) === 1)
      await appendAudit(ctx, trx, {
        kind: 'rescore',
        actor: row.started_by,
        payload: { board: row.board, finished: true, rescore: id, done, failed, changes: changes.length },
      })
  })
  // another look may have recorded it first: its record is the one kept
  const kept = await rescoreStatus(ctx, id)
  return kept.status === 'done' ? kept : { ...base, status: 'done', finishedAt: now, done, failed, changes }
}

/** Resolves when the rescoring has ended (polling), with its counts, rank changes and the board after. */
export async function finishRescore(
  ctx: ServerContext,
  id: string,
  pollMs = 500,
): Promise<{ done: number; failed: number; changes: RankChange[]; after: RankedRow[] }> {
  for (;;) {
    const r = await rescoreStatus(ctx, id)
    if (r.status === 'done') {
      const after = await allRows(ctx, COMMAND_LINE, r.board)
      return { done: r.done, failed: r.failed, changes: r.changes ?? [], after }
    }
    await new Promise((res) => setTimeout(res, pollMs))
  }
}
