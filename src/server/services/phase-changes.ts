/**
 * An organizer's change to a phase (dates, daily limit, visibility, rule), kept in
 * phase_overrides and audited; a new rule rebuilds the phase's materialized boards in the same
 * transaction.
 */
import type { Phase } from '../challenge/load.js'
import type { User } from './accounts.js'
import { appendAudit } from './audit.js'
import type { ServerContext } from './context.js'
import { badRequest, notFound } from './errors.js'
import { effectivePhases } from './phases.js'
import { rebuildPhase, settingsChanged } from './standings.js'

export interface PhasePatch {
  start?: string
  end?: string
  daily_limit?: number
  leaderboard?: string
  rule?: string
}

export async function patchPhase(ctx: ServerContext, organizer: User, name: string, patch: PhasePatch): Promise<Phase> {
  if (!ctx.challenge.phases.some((p) => p.name === name)) throw notFound(`phase ${name}`)
  for (const key of ['start', 'end'] as const) {
    const v = patch[key]
    if (v !== undefined && Number.isNaN(new Date(v).getTime()))
      throw badRequest(`${key}: expected a date and time such as 2026-12-01T00:00:00Z`)
  }
  if (patch.daily_limit !== undefined && !(Number.isInteger(patch.daily_limit) && patch.daily_limit > 0))
    throw badRequest('daily_limit: expected a positive integer')
  if (patch.leaderboard !== undefined && patch.leaderboard !== 'public' && patch.leaderboard !== 'hidden')
    throw badRequest('leaderboard: expected public or hidden')
  if (patch.rule !== undefined && patch.rule !== 'best' && patch.rule !== 'latest')
    throw badRequest('rule: expected best or latest')
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const old = await trx.selectFrom('phase_overrides').selectAll().where('name', '=', name).executeTakeFirst()
    const row = {
      name,
      start: patch.start ? new Date(patch.start).toISOString() : (old?.start ?? null),
      end: patch.end ? new Date(patch.end).toISOString() : (old?.end ?? null),
      daily_limit: patch.daily_limit ?? old?.daily_limit ?? null,
      leaderboard: patch.leaderboard ?? old?.leaderboard ?? null,
      rule: patch.rule ?? old?.rule ?? null,
    }
    if (old) await trx.updateTable('phase_overrides').set(row).where('name', '=', name).execute()
    else await trx.insertInto('phase_overrides').values(row).execute()
    await appendAudit(ctx, trx, { kind: 'phase', actor: organizer.id, payload: { phase: name, ...patch } })
    await settingsChanged(ctx, trx)
    if (patch.rule !== undefined) await rebuildPhase(ctx, trx, name)
  })
  ctx.events.boardsChanged()
  return (await effectivePhases(ctx)).find((p) => p.name === name)!
}
