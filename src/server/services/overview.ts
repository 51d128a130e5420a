/**
 * Read-only views the web pages need beyond the API's: a board's scored submissions over time
 * (the best-score chart; the board is opened first, with the leaderboard's visibility rules), every
 * team's submissions a page at a time (organizers mark baselines there), and queue and worker health.
 */
import { sql } from '../../vendor/kysely.js'
import type { User } from './accounts.js'
import type { ServerContext } from './context.js'
import type { OpenBoard } from './leaderboard.js'
import { requireOrganizer } from './accounts.js'
import { queueCounts } from '../queue/jobs.js'

export interface TeamHistory {
  team: string
  teamId: string
  baseline: boolean
  points: Array<{ at: string; score: number }>
}

/**
 * The scored submissions of the board's phase over time, grouped by team (baseline submissions
 * apart), for the teams asked for (a board of 1,000 teams charts its top and the visitor's) and
 * every baseline.
 */
export async function boardHistory(
  ctx: ServerContext,
  board: OpenBoard,
  teamIds: readonly string[],
): Promise<TeamHistory[]> {
  const rows = await ctx.db.kysely
    .selectFrom('submissions')
    .innerJoin('teams', 'teams.id', 'submissions.team_id')
    .select([
      'teams.name as team',
      'submissions.team_id',
      'submissions.score',
      'submissions.submitted_at',
      'submissions.baseline',
    ])
    .where('submissions.board', '=', board.board)
    .where('submissions.phase', '=', board.phase.name)
    .where('submissions.status', '=', 'scored')
    .where((eb) =>
      teamIds.length > 0
        ? eb.or([eb('submissions.baseline', '=', 1), eb('submissions.team_id', 'in', [...teamIds])])
        : eb('submissions.baseline', '=', 1),
    )
    .orderBy('submissions.submitted_at')
    .execute()
  const byKey = new Map<string, TeamHistory>()
  for (const r of rows) {
    const baseline = r.baseline === 1
    const key = `${baseline ? 'b' : 't'}\u0000${r.team_id}`
    let h = byKey.get(key)
    if (!h) byKey.set(key, (h = { team: r.team, teamId: r.team_id, baseline, points: [] }))
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

export interface SubmissionQuery {
  /** 1-based */
  page?: number | undefined
  limit?: number | undefined
  /** part of a team, method or board name, or a submission id; any case */
  q?: string | undefined
  status?: SubmissionSummary['status'] | undefined
}

/** All teams' submissions, newest first, a page at a time, optionally searched (organizers only). */
export async function listSubmissions(
  ctx: ServerContext,
  viewer: User | undefined,
  query: SubmissionQuery = {},
): Promise<{ rows: SubmissionSummary[]; total: number; page: number; pages: number; limit: number }> {
  requireOrganizer(viewer)
  const limit = Math.min(500, Math.max(1, Math.floor(query.limit ?? 50)))
  const page = Math.max(1, Math.floor(query.page ?? 1))
  const q = query.q?.trim().toLowerCase()
  let base = ctx.db.kysely.selectFrom('submissions').innerJoin('teams', 'teams.id', 'submissions.team_id')
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    base = base.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['teams.name']), 'like', sql<string>`${like} escape '\\'`),
        eb(eb.fn('lower', ['submissions.method']), 'like', sql<string>`${like} escape '\\'`),
        eb('submissions.board', '=', q),
        eb('submissions.id', '=', q),
      ]),
    )
  }
  if (query.status) base = base.where('submissions.status', '=', query.status)
  const counted = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const rows = await base
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
    .orderBy('submissions.id', 'desc')
    .limit(limit)
    .offset((page - 1) * limit)
    .execute()
  const total = Number(counted.n)
  return {
    rows: rows.map((r) => ({ ...r, baseline: r.baseline === 1 })),
    total,
    page,
    limit,
    pages: Math.max(1, Math.ceil(total / limit)),
  }
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
