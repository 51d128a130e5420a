/**
 * The daily quota: valid submissions per team per board per UTC day, as the open phase says, and
 * the same number per person across teams (leaving a team and making another resets nothing).
 * Charging is a conditional UPDATE (used < limit) per counter inside the submission's transaction, so
 * concurrent uploads can never pass the limit, and an invalid file never reaches it.
 */
import type { Transaction } from '../../vendor/kysely.js'
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

/** Whose quota: the team's and the person's (their count follows them across teams). */
export interface QuotaHolder {
  teamId: string
  userId: string
}

async function usedToday(ctx: Pick<ServerContext, 'db'>, holder: QuotaHolder, board: string, day: string) {
  const team = await ctx.db.kysely
    .selectFrom('quota_counters')
    .select('used')
    .where('team_id', '=', holder.teamId)
    .where('board', '=', board)
    .where('day', '=', day)
    .executeTakeFirst()
  const person = await ctx.db.kysely
    .selectFrom('person_quota_counters')
    .select('used')
    .where('user_id', '=', holder.userId)
    .where('board', '=', board)
    .where('day', '=', day)
    .executeTakeFirst()
  return { team: team?.used ?? 0, person: person?.used ?? 0 }
}

/** Today's quota: what is left is what both the team and the person have left. */
export async function readQuota(ctx: ServerContext, holder: QuotaHolder, board: string, phase: Phase): Promise<Quota> {
  const now = ctx.now()
  const used = await usedToday(ctx, holder, board, utcDay(now))
  const most = Math.max(used.team, used.person)
  return {
    limit: phase.dailyLimit,
    used: most,
    remaining: Math.max(0, phase.dailyLimit - most),
    resets_at: quotaResetsAt(now),
    team_used: used.team,
    person_used: used.person,
  }
}

export function quotaExceeded(q: Quota, board: string, by: 'team' | 'person' = 'team'): ServiceError {
  const per = by === 'team' ? 'per team' : 'per person (whichever team they are in)'
  return new ServiceError(
    429,
    'quota_exceeded',
    `daily limit reached on board ${board}: ${q.limit} valid submission${q.limit === 1 ? '' : 's'} ${per} per UTC day; the next one is accepted from ${q.resets_at}`,
    { limit: q.limit, used: q.used, resets_at: q.resets_at, counted: by },
  )
}

/** Takes one from today's quota of the team and of the person in `trx`, or throws quota_exceeded. */
export async function chargeQuota(
  ctx: ServerContext,
  trx: Transaction<Database>,
  holder: QuotaHolder,
  board: string,
  phase: Phase,
): Promise<Quota> {
  const now = ctx.now()
  const day = utcDay(now)
  const resetsAt = quotaResetsAt(now)
  const full = { limit: phase.dailyLimit, used: phase.dailyLimit, remaining: 0, resets_at: resetsAt }
  await trx
    .insertInto('quota_counters')
    .values({ team_id: holder.teamId, board, day, used: 0 })
    .onConflict((oc) => oc.columns(['team_id', 'board', 'day']).doNothing())
    .execute()
  const team = await trx
    .updateTable('quota_counters')
    .set((eb) => ({ used: eb('used', '+', 1) }))
    .where('team_id', '=', holder.teamId)
    .where('board', '=', board)
    .where('day', '=', day)
    .where('used', '<', phase.dailyLimit)
    .returning('used')
    .executeTakeFirst()
  if (!team) throw quotaExceeded(full, board, 'team')
  await trx
    .insertInto('person_quota_counters')
    .values({ user_id: holder.userId, board, day, used: 0 })
    .onConflict((oc) => oc.columns(['user_id', 'board', 'day']).doNothing())
    .execute()
  const person = await trx
    .updateTable('person_quota_counters')
    .set((eb) => ({ used: eb('used', '+', 1) }))
    .where('user_id', '=', holder.userId)
    .where('board', '=', board)
    .where('day', '=', day)
    .where('used', '<', phase.dailyLimit)
    .returning('used')
    .executeTakeFirst()
  // the transaction rolls back, so the team's charge above is undone with it
  if (!person) throw quotaExceeded(full, board, 'person')
  const used = Math.max(team.used, person.used)
  return {
    limit: phase.dailyLimit,
    used,
    remaining: phase.dailyLimit - used,
    resets_at: resetsAt,
    team_used: team.used,
    person_used: person.used,
  }
}

/** Gives one back to the team and the person (a scoring that failed through no fault of theirs). */
export async function refundQuota(
  trx: Transaction<Database>,
  holder: QuotaHolder,
  board: string,
  day: string,
): Promise<void> {
  await trx
    .updateTable('quota_counters')
    .set((eb) => ({ used: eb('used', '-', 1) }))
    .where('team_id', '=', holder.teamId)
    .where('board', '=', board)
    .where('day', '=', day)
    .where('used', '>', 0)
    .execute()
  await trx
    .updateTable('person_quota_counters')
    .set((eb) => ({ used: eb('used', '-', 1) }))
    .where('user_id', '=', holder.userId)
    .where('board', '=', board)
    .where('day', '=', day)
    .where('used', '>', 0)
    .execute()
}
