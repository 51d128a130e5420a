/**
 * The organizer's operations on a server's database from the command line (`dataperf serve
 * make-organizer | invite | audit-verify | rescore`): each opens the challenge and its database,
 * does one thing through the services, and closes them.
 */
import type { RankChange } from './leaderboard/rank.js'
import { auditCheckpointsIn, openContext } from './open-context.js'
import { createSignupInvite, makeOrganizer } from './services/accounts.js'
import { type AuditVerdict, verifyAudit } from './services/audit.js'
import type { ServerContext } from './services/context.js'
import { finishRescore, startRescore } from './services/rescore.js'
import { DEFAULT_STATE_DIR, defaultDbPath } from './state-dir.js'
import { startJobWorkers } from './worker/in-process.js'

/** Which server the operation acts on: its challenge folder and its database (default: STATE/dataperf.sqlite). */
export interface ServerDatabase {
  challengeDir: string
  /** a SQLite file or a postgres:// URL */
  db?: string
  /** the server's state folder, where the default SQLite file is */
  stateDir?: string
}

const dbSpecOf = (target: ServerDatabase): string => target.db ?? defaultDbPath(target.stateDir)

async function withContext<T>(target: ServerDatabase, work: (ctx: ServerContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(target.challengeDir, dbSpecOf(target))
  try {
    return await work(ctx)
  } finally {
    await ctx.db.close()
  }
}

/** Gives an existing account the organizer role; its email. */
export function grantOrganizer(target: ServerDatabase, email: string): Promise<string> {
  return withContext(target, async (ctx) => (await makeOrganizer(ctx, email)).email)
}

/** A single-use sign-up invite code (for --invite-only servers). */
export function newSignupInvite(target: ServerDatabase): Promise<string> {
  return withContext(target, (ctx) => createSignupInvite(ctx, undefined))
}

/** Re-computes the audit log's hash chain and holds it against the state folder's signed checkpoints and the result manifests. */
export function verifyAuditLog(target: ServerDatabase): Promise<AuditVerdict> {
  return withContext(target, (ctx) => {
    ctx.auditCheckpoints = auditCheckpointsIn(target.stateDir ?? DEFAULT_STATE_DIR)
    return verifyAudit(ctx, { manifests: true })
  })
}

export interface RescoreOutcome {
  done: number
  failed: number
  changes: RankChange[]
}

/**
 * Re-evaluates every scored submission of `board` with `workers` scoring loops in this process
 * (others on the database help too); `onQueued` hears how many were queued.
 */
export function rescoreBoard(
  target: ServerDatabase,
  board: string,
  options: { workers: number; onQueued?: (submissions: number) => void },
): Promise<RescoreOutcome> {
  return withContext(target, async (ctx) => {
    const { rescore } = await startRescore(ctx, undefined, board)
    options.onQueued?.(rescore.total)
    const workers = await startJobWorkers(ctx, {
      dbSpec: dbSpecOf(target),
      count: Math.max(0, options.workers),
      pollMs: 300,
    })
    try {
      const { done, failed, changes } = await finishRescore(ctx, rescore.id)
      return { done, failed, changes }
    } finally {
      await workers.stop()
    }
  })
}
