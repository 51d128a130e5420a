// From the services' answers (snake_case JSON, ISO strings) to the pages' view models (Dates,
// camelCase). Pure functions: no request, no database.
import type { Board, Phase } from '../challenge/load.js'
import type { LeaderboardRow, Quota, SubmissionView } from '../wire.js'
import type { TeamHistory } from '../services/overview.js'
import type {
  BoardView,
  ChartSeries,
  LeaderboardRowView,
  PhaseView,
  QuotaView,
  SpeechDetailsView,
  SubmissionRowView,
  VisionDetailsView,
} from './view-models.js'

export function boardView(b: Board, hidden = false): BoardView {
  return b.track === 'speech'
    ? { id: b.id, track: 'speech', language: b.language, trainSize: b.trainSize, hidden }
    : { id: b.id, track: 'vision', tasks: [...b.tasks], hidden }
}

export function phaseView(p: Phase): PhaseView {
  return {
    name: p.name,
    start: p.start,
    end: p.end,
    dailyLimit: p.dailyLimit,
    leaderboard: p.leaderboard,
    rule: p.rule,
  }
}

export function quotaView(q: Quota): QuotaView {
  return { limit: q.limit, used: q.used, remaining: q.remaining, resetsAt: new Date(q.resets_at) }
}

/** The figures a score was computed from, when they have the shape the evaluators write. */
export function detailsView(details: unknown): SpeechDetailsView | VisionDetailsView | undefined {
  if (!details || typeof details !== 'object') return undefined
  const d = details as { seeds?: unknown; perSeedF1?: unknown; tasks?: unknown }
  if (Array.isArray(d.seeds) && Array.isArray(d.perSeedF1)) {
    return { kind: 'speech', seeds: d.seeds.map(Number), perSeedF1: d.perSeedF1.map(Number) }
  }
  if (d.tasks && typeof d.tasks === 'object') return { kind: 'vision', tasks: d.tasks as VisionDetailsView['tasks'] }
  return undefined
}

export function leaderboardRowView(r: LeaderboardRow, position?: number, mine?: boolean): LeaderboardRowView {
  const details = detailsView(r.details)
  return {
    ...(position !== undefined ? { position } : {}),
    ...(mine ? { mine } : {}),
    rank: r.rank,
    team: r.team,
    method: r.method,
    score: r.score,
    submissions: r.submissions,
    lastSubmission: new Date(r.last_submitted_at),
    baseline: r.baseline,
    submissionId: r.submission_id,
    taskF1:
      details?.kind === 'vision'
        ? Object.fromEntries(Object.entries(details.tasks).map(([t, m]) => [t, m.f1]))
        : undefined,
  }
}

export function seriesView(h: TeamHistory, extra: Pick<ChartSeries, 'rank' | 'mine'> = {}): ChartSeries {
  return {
    name: h.team,
    baseline: h.baseline,
    points: h.points.map((p) => ({ at: new Date(p.at), score: p.score })),
    ...extra,
  }
}

export function submissionRowView(
  s: Pick<SubmissionView, 'id' | 'board' | 'method' | 'status' | 'score' | 'submitted_at' | 'baseline' | 'team'>,
): SubmissionRowView {
  return {
    id: s.id,
    board: s.board,
    method: s.method,
    status: s.status,
    score: s.score ?? undefined,
    submittedAt: new Date(s.submitted_at),
    baseline: s.baseline,
    team: s.team,
  }
}
