/**
 * Phases as challenge.yaml defines them, with an organizer's later changes (PATCH
 * /admin/phases/:name, phase-changes.ts) kept in the database and applied on top, so a restart
 * keeps them.
 */
import type { Kysely, Transaction } from '../../vendor/kysely.js'
import type { Phase } from '../challenge/load.js'
import type { Database, PhaseOverridesTable } from '../db/schema.js'
import type { ServerContext } from './context.js'
import type { PhaseView } from '../wire.js'
import { notFound } from './errors.js'

/** `q`: a transaction, when the caller is inside one (SQLite has one connection: a query beside it would wait forever). */
export async function effectivePhases(
  ctx: ServerContext,
  q: Kysely<Database> | Transaction<Database> = ctx.db.kysely,
): Promise<Phase[]> {
  return applyOverrides(ctx.challenge.phases, await q.selectFrom('phase_overrides').selectAll().execute())
}

/** challenge.yaml's phases with the organizers' changes on top. */
export function applyOverrides(phases: readonly Phase[], overrides: readonly PhaseOverridesTable[]): Phase[] {
  return phases.map((p) => {
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
  return choosePhase(await effectivePhases(ctx), ctx.now(), name)
}

/** displayedPhase over a list of phases already read. */
export function choosePhase(phases: readonly Phase[], now: Date, name?: string): Phase {
  if (name !== undefined) {
    const p = phases.find((x) => x.name === name)
    if (!p) throw notFound(`phase ${name}`)
    return p
  }
  const started = phases.filter((p) => p.start <= now).sort((a, b) => b.start.getTime() - a.start.getTime())
  return phases.find((p) => p.start <= now && now < p.end) ?? started[0] ?? phases[0]!
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
