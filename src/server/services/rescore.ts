/**
 * Rescoring a board (after an evaluator or data change): one 'rescore' job per scored
 * submission; workers write new score rows (the old ones stay in `scores`) and move each
 * submission to its new score; the rank changes are computed when every job has finished.
 */
import { sql } from 'kysely'
import { rankChanges, type RankedRow } from '../leaderboard/rank.js'
import { enqueueJob } from '../queue/jobs.js'
import type { User } from './accounts.js'
import { appendAudit } from './audit.js'
import type { ServerContext } from './context.js'
import { allRows } from './leaderboard.js'
import { requireBoard } from './boards.js'

export interface RescoreBatch {
  board: string
  jobs: string[]
  before: RankedRow[]
}

export async function startRescore(
  ctx: ServerContext,
  organizer: User | undefined,
  boardId: string,
): Promise<RescoreBatch> {
  requireBoard(ctx, boardId)
  const viewer = organizer ?? { id: 'command-line', email: '', name: 'command line', role: 'organizer' as const }
  const before = await allRows(ctx, viewer, boardId)
  const jobs = await ctx.db.kysely.transaction().execute(async (trx) => {
    const subs = await trx
      .selectFrom('submissions')
      .select('id')
      .where('board', '=', boardId)
      .where('status', '=', 'scored')
      .orderBy('submitted_at')
      .execute()
    const ids: string[] = []
    for (const s of subs) ids.push(await enqueueJob(ctx.db, trx, s.id, 'rescore', ctx.now()))
    await appendAudit(ctx, trx, {
      kind: 'rescore',
      actor: viewer.id,
      payload: { board: boardId, started: true, submissions: subs.length },
    })
    return ids
  })
  ctx.events.emit('job')
  return { board: boardId, jobs, before }
}

/** Resolves when every job of the batch is done or failed; then the rank changes. */
export async function finishRescore(
  ctx: ServerContext,
  batch: RescoreBatch,
  pollMs = 500,
): Promise<{ done: number; failed: number; changes: ReturnType<typeof rankChanges>; after: RankedRow[] }> {
  for (;;) {
    const counts =
      batch.jobs.length === 0
        ? []
        : await ctx.db.kysely
            .selectFrom('jobs')
            .select(['status', sql<number>`count(*)`.as('n')])
            .where('id', 'in', batch.jobs)
            .groupBy('status')
            .execute()
    const by = Object.fromEntries(counts.map((c) => [c.status, Number(c.n)]))
    const finished = (by['done'] ?? 0) + (by['failed'] ?? 0)
    if (finished >= batch.jobs.length) {
      const viewer = { id: 'command-line', email: '', name: 'command line', role: 'organizer' as const }
      const after = await allRows(ctx, viewer, batch.board)
      return { done: by['done'] ?? 0, failed: by['failed'] ?? 0, changes: rankChanges(batch.before, after), after }
    }
    await new Promise((r) => setTimeout(r, pollMs))
  }
}
