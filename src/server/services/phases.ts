/**
 * Phases as challenge.yaml defines them, with an organizer's later changes (PATCH
 * /admin/phases/:name) kept in the database and applied on top, so a restart keeps them.
 */
import type { Phase } from '../challenge/load.js'
import type { User } from './accounts.js'
import { appendAudit } from './audit.js'
import type { ServerContext } from './context.js'
import type { PhaseView } from '../wire.js'
import { badRequest, notFound } from './errors.js'

export async function effectivePhases(ctx: ServerContext): Promise<Phase[]> {
  const overrides = await ctx.db.kysely.selectFrom('phase_overrides').selectAll().execute()
  return ctx.challenge.phases.map((p) => {
    const o = overrides.find((x) => x.name === p.name)
    if (!o) return p
    return {
      ...p,
      ...(o.start ? { start: new Date(o.start) } : {}),
      ...(o.end ? { end: new Date(o.end) } : {}),
      ...(o.daily_limit !== null ? { dailyLimit: o.daily_limit } : {}),
      ...(o.leaderboard === 'public' || o.leaderboard === 'hidden' ? { leaderboard: o.leaderboard } : {}),
      ...(o.rule === 'best' || o.rule === 'latest' ? { rule: o.rule } : {}),
    }
  })
}

/** The phase open now (start inclusive, end exclusive). */
export async function currentPhase(ctx: ServerContext): Promise<Phase | undefined> {
  const now = ctx.now()
  return (await effectivePhases(ctx)).find((p) => p.start <= now && now < p.end)
}

/** The phase a board shows by default: the open one, else the latest that has started, else the first. */
export async function displayedPhase(ctx: ServerContext, name?: string): Promise<Phase> {
  const phases = await effectivePhases(ctx)
  if (name !== undefined) {
    const p = phases.find((x) => x.name === name)
    if (!p) throw notFound(`phase ${name}`)
    return p
  }
  const now = ctx.now()
  const started = phases.filter((p) => p.start <= now).sort((a, b) => b.start.getTime() - a.start.getTime())
  return phases.find((p) => p.start <= now && now < p.end) ?? started[0] ?? phases[0]!
}

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
  })
  ctx.events.emit('board')
  return (await effectivePhases(ctx)).find((p) => p.name === name)!
}

export function phaseJson(p: Phase): PhaseView {
  return {
    name: p.name,
    start: p.start.toISOString(),
    end: p.end.toISOString(),
    daily_limit: p.dailyLimit,
    leaderboard: p.leaderboard,
    rule: p.rule,
  }
}
