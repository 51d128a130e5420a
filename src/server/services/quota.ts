/**
 * The daily quota: valid submissions per team per board per UTC day, as the open phase says.
 * Charging is one conditional UPDATE (used < limit) inside the submission's transaction, so
 * concurrent uploads can never pass the limit, and an invalid file never reaches it.
 */
import type { Transaction } from 'kysely'
import type { Phase } from '../challenge/load.js'
import type { Database } from '../db/schema.js'
import type { ServerContext } from './context.js'
import type { Quota } from '../wire.js'
import { ServiceError } from './errors.js'

export const utcDay = (d: Date) => d.toISOString().slice(0, 10)

/** The next UTC midnight after `now`. */
export function quotaResetsAt(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString()
}

export async function readQuota(ctx: ServerContext, teamId: string, board: string, phase: Phase): Promise<Quota> {
  const now = ctx.now()
  const row = await ctx.db.kysely
    .selectFrom('quota_counters')
    .select('used')
    .where('team_id', '=', teamId)
    .where('board', '=', board)
    .where('day', '=', utcDay(now))
    .executeTakeFirst()
  const used = row?.used ?? 0
  return {
    limit: phase.dailyLimit,
    used,
    remaining: Math.max(0, phase.dailyLimit - used),
    resets_at: quotaResetsAt(now),
  }
}

export function quotaExceeded(q: Quota, board: string): ServiceError {
  return new ServiceError(
    429,
    'quota_exceeded',
    `daily limit reached on board ${board}: ${q.limit} valid submission${q.limit === 1 ? '' : 's'} per team per UTC day; the next one is accepted from ${q.resets_at}`,
    { limit: q.limit, used: q.used, resets_at: q.resets_at },
  )
}

/** Takes one from today's quota in `trx`, or throws quota_exceeded. */
export async function chargeQuota(
  ctx: ServerContext,
  trx: Transaction<Database>,
  teamId: string,
  board: string,
  phase: Phase,
): Promise<Quota> {
  const now = ctx.now()
  const day = utcDay(now)
  await trx
    .insertInto('quota_counters')
    .values({ team_id: teamId, board, day, used: 0 })
    .onConflict((oc) => oc.columns(['team_id', 'board', 'day']).doNothing())
    .execute()
  const row = await trx
    .updateTable('quota_counters')
    .set((eb) => ({ used: eb('used', '+', 1) }))
    .where('team_id', '=', teamId)
    .where('board', '=', board)
    .where('day', '=', day)
    .where('used', '<', phase.dailyLimit)
    .returning('used')
    .executeTakeFirst()
  const resetsAt = quotaResetsAt(now)
  if (!row)
    throw quotaExceeded({ limit: phase.dailyLimit, used: phase.dailyLimit, remaining: 0, resets_at: resetsAt }, board)
  return { limit: phase.dailyLimit, used: row.used, remaining: phase.dailyLimit - row.used, resets_at: resetsAt }
}
