/**
 * Read-only views the web pages need beyond the API's: a board's scored submissions over time
 * (the best-score chart), the latest submissions of every team (organizers mark baselines there),
 * and queue and worker health. Same visibility rules as the leaderboard: a hidden board's history
 * is the organizers' until it is published.
 */
import type { User } from './accounts.js'
import type { ServerContext } from './context.js'
import { forbidden } from './errors.js'
import { boardIsVisible } from './leaderboard.js'
import { displayedPhase } from './phases.js'
import { requireBoard } from './boards.js'
import { requireOrganizer } from './accounts.js'
import { queueCounts } from '../queue/jobs.js'

export interface TeamHistory {
  team: string
  baseline: boolean
  points: Array<{ at: string; score: number }>
}

/** Every scored submission of the board's displayed phase, grouped by team (baseline submissions apart). */
export async function boardHistory(
  ctx: ServerContext,
  viewer: User | undefined,
  boardId: string,
): Promise<TeamHistory[]> {
  requireBoard(ctx, boardId)
  const phase = await displayedPhase(ctx)
  if (!(await boardIsVisible(ctx, boardId, phase, viewer)))
    throw forbidden(`board ${boardId} is hidden during phase ${phase.name}`)
  const rows = await ctx.db.kysely
    .selectFrom('submissions')
    .innerJoin('teams', 'teams.id', 'submissions.team_id')
    .select(['teams.name as team', 'submissions.score', 'submissions.submitted_at', 'submissions.baseline'])
    .where('submissions.board', '=', boardId)
    .where('submissions.phase', '=', phase.name)
    .where('submissions.status', '=', 'scored')
    .orderBy('submissions.submitted_at')
    .execute()
  const byKey = new Map<string, TeamHistory>()
  for (const r of rows) {
    const baseline = r.baseline === 1
    const key = `${baseline ? 'b' : 't'}\u0000${r.team}`
    let h = byKey.get(key)
    if (!h) byKey.set(key, (h = { team: r.team, baseline, points: [] }))
    h.points.push({ at: r.submitted_at, score: r.score! })
  }
  return [...byKey.values()]
}

export interface SubmissionSummary {
  id: string
  board: string
  team: string
  method: string
  status: 'queued' | 'running' | 'scored' | 'failed'
  score: number | null
  baseline: boolean
  submitted_at: string
}

/** The latest submissions of all teams (organizers only). */
export async function recentSubmissions(
  ctx: ServerContext,
  viewer: User | undefined,
  limit = 100,
): Promise<SubmissionSummary[]> {
  requireOrganizer(viewer)
  const rows = await ctx.db.kysely
    .selectFrom('submissions')
    .innerJoin('teams', 'teams.id', 'submissions.team_id')
    .select([
      'submissions.id',
      'submissions.board',
      'teams.name as team',
      'submissions.method',
      'submissions.status',
      'submissions.score',
      'submissions.baseline',
      'submissions.submitted_at',
    ])
    .orderBy('submissions.submitted_at', 'desc')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ ...r, baseline: r.baseline === 1 }))
}

export interface Health {
  submissions: Record<'queued' | 'running' | 'scored' | 'failed', number>
  jobs: Record<string, number>
  workers: Array<{ id: string; host: string; pid: number; last_seen_at: string; jobs_done: number }>
}

/** Submissions by status, jobs by status, and the workers seen lately (organizers only). */
export async function health(ctx: ServerContext, viewer: User | undefined): Promise<Health> {
  requireOrganizer(viewer)
  const counts = await ctx.db.kysely
    .selectFrom('submissions')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute()
  const submissions = { queued: 0, running: 0, scored: 0, failed: 0 }
  for (const c of counts) submissions[c.status] = Number(c.n)
  const workers = await ctx.db.kysely
    .selectFrom('workers')
    .select(['id', 'host', 'pid', 'last_seen_at', 'jobs_done'])
    .orderBy('last_seen_at', 'desc')
    .limit(50)
    .execute()
  return { submissions, jobs: await queueCounts(ctx.db), workers }
}
