/**
 * `dataperf worker`: job loops only, on a shared database (PostgreSQL for other machines), without
 * the HTTP app; the server starts its in-process workers with the same thread rule.
 */
import { availableParallelism } from 'node:os'
import { openContext } from './open-context.js'
import type { ServerConfig, ServerContext } from './services/context.js'
import { type JobWorkers, startJobWorkers } from './worker/in-process.js'

/** A job that ends within this time after SIGTERM is kept; a longer one goes back to the queue. */
export const DEFAULT_STOP_GRACE_MS = 2000

/**
 * Workers in one process, each scoring in its own process (and, two or more, each on a thread of
 * its own): at most one per core (more only wait for one).
 */
export function scoringThreads(asked: number): number {
  return Math.max(0, Math.min(Math.floor(asked), availableParallelism()))
}

export interface StartedWorker {
  ctx: ServerContext
  workers: JobWorkers
  close(): Promise<void>
}

export async function startWorkers(
  challengeDir: string,
  dbSpec: string,
  count = 1,
  config: Partial<ServerConfig> = {},
  log?: (line: string) => void,
): Promise<StartedWorker> {
  const ctx = await openContext(challengeDir, dbSpec, config)
  let workers: JobWorkers
  try {
    workers = await startJobWorkers(ctx, {
      dbSpec,
      count: scoringThreads(count),
      config,
      pollMs: 500,
      ...(log ? { log } : {}),
    })
  } catch (err) {
    await ctx.db.close()
    throw err
  }
  return {
    ctx,
    workers,
    async close() {
      await workers.stop(DEFAULT_STOP_GRACE_MS)
      await ctx.db.close()
    },
  }
}
