/**
 * A board's leaderboard from its scored submissions: one row per team (its best or its latest
 * submission, by the phase's rule), ordered by score; equal scores go to the earlier submission.
 * Baseline submissions (marked by an organizer) are rows of their own, placed by score and marked,
 * without a rank, so they never move a team's rank. Also: CSV export and rank changes for rescoring.
 */
import { formatCsv } from '../../io/csv.js'
import type { RankRule } from '../challenge/load.js'

export interface BoardRow {
  submissionId: string | number
  teamId: string | number
  team: string
  method: string
  score: number
  /** ISO 8601 instant */
  submittedAt: string
  /** speech { seeds, perSeedF1 } or vision { tasks: { <task>: { accuracy, recall, precision, f1 } } } */
  details: unknown
  baseline: boolean
}

export interface RankedRow extends BoardRow {
  /** 1, 2, ... for teams; null for baseline rows */
  rank: number | null
  /** the team's scored submissions on this board (1 for a baseline row) */
  submissions: number
  /** the team's most recent submission time */
  lastSubmittedAt: string
}

const time = (iso: string) => Date.parse(iso)

/** Board order: higher score first, then the earlier submission, then the lower id (stable). */
function boardOrder(a: BoardRow, b: BoardRow): number {
  return b.score - a.score || time(a.submittedAt) - time(b.submittedAt) || compareIds(a.submissionId, b.submissionId)
}

function compareIds(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const x = String(a),
    y = String(b)
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0)
}

/** The row that stands for a team: its best (ties: earlier) or its latest submission. */
function pick(rows: BoardRow[], rule: RankRule): BoardRow {
  const sorted = [...rows].sort(
    rule === 'best'
      ? boardOrder
      : (a, b) => time(b.submittedAt) - time(a.submittedAt) || compareIds(b.submissionId, a.submissionId),
  )
  return sorted[0]!
}

/** Rows must be scored submissions (finite scores) of one board in one phase. */
export function rankBoard(rows: readonly BoardRow[], rule: RankRule): RankedRow[] {
  const byTeam = new Map<string, BoardRow[]>()
  const out: Array<Omit<RankedRow, 'rank'>> = []
  for (const row of rows) {
    if (!Number.isFinite(row.score))
      throw new Error(
        `rankBoard: submission ${row.submissionId} has score ${row.score}; only scored submissions are ranked`,
      )
    if (row.baseline) {
      out.push({ ...row, submissions: 1, lastSubmittedAt: row.submittedAt })
      continue
    }
    const key = String(row.teamId)
    byTeam.set(key, [...(byTeam.get(key) ?? []), row])
  }
  for (const teamRows of byTeam.values()) {
    const last = teamRows.reduce((a, b) => (time(b.submittedAt) > time(a.submittedAt) ? b : a))
    out.push({ ...pick(teamRows, rule), submissions: teamRows.length, lastSubmittedAt: last.submittedAt })
  }
  out.sort(boardOrder)
  let rank = 0
  return out.map((row) => ({ ...row, rank: row.baseline ? null : ++rank }))
}

/** Spreadsheets run cells starting with these as formulas; team and method names are user text. */
function safeText(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s
}

/** Per-seed (speech) or per-task (vision) columns of a row's details, in a stable order. */
function detailColumns(details: unknown): Array<[string, number]> {
  if (details === null || typeof details !== 'object') return []
  const d = details as { seeds?: unknown; perSeedF1?: unknown; tasks?: unknown }
  if (Array.isArray(d.seeds) && Array.isArray(d.perSeedF1)) {
    const f1 = d.perSeedF1
    return d.seeds.map((seed, i) => [`f1_seed_${String(seed)}`, Number(f1[i])])
  }
  if (d.tasks && typeof d.tasks === 'object') {
    const cols: Array<[string, number]> = []
    for (const [task, m] of Object.entries(d.tasks as Record<string, Record<string, unknown>>)) {
      for (const metric of ['f1', 'accuracy', 'precision', 'recall'])
        cols.push([`${task}_${metric}`, Number(m[metric])])
    }
    return cols
  }
  return []
}

/**
 * The board as CSV: rank (empty for baselines), team, method, score, per-seed or per-task
 * figures, submission time, submissions, last submission time, baseline. Numbers are written in
 * full (the shortest text that reads back as the same double).
 */
export function boardToCsv(ranked: readonly RankedRow[]): string {
  const extra: string[] = []
  for (const row of ranked) for (const [name] of detailColumns(row.details)) if (!extra.includes(name)) extra.push(name)
  const header = [
    'rank',
    'team',
    'method',
    'score',
    ...extra,
    'submitted_at',
    'submissions',
    'last_submitted_at',
    'baseline',
    'submission_id',
  ]
  const rows = ranked.map((r) => {
    const figures = new Map(detailColumns(r.details))
    return [
      r.rank ?? '',
      safeText(r.team),
      safeText(r.method),
      String(r.score),
      ...extra.map((c) => (figures.has(c) ? String(figures.get(c)) : '')),
      r.submittedAt,
      r.submissions,
      r.lastSubmittedAt,
      r.baseline ? 'yes' : 'no',
      String(r.submissionId),
    ]
  })
  return formatCsv(header, rows)
}

export interface RankChange {
  team: string
  /** teamId, or 'baseline:<submissionId>' for a baseline row */
  key: string
  before?: number | null
  after?: number | null
  scoreBefore?: number
  scoreAfter?: number
}

const rowKey = (r: RankedRow) => (r.baseline ? `baseline:${r.submissionId}` : String(r.teamId))

/**
 * What rescoring changed: every row whose rank or score differs, or that appears or disappears,
 * in the new board's order (rows that left the board last).
 */
export function rankChanges(before: readonly RankedRow[], after: readonly RankedRow[]): RankChange[] {
  const old = new Map(before.map((r) => [rowKey(r), r]))
  const changes: RankChange[] = []
  const seen = new Set<string>()
  for (const r of after) {
    const key = rowKey(r)
    seen.add(key)
    const o = old.get(key)
    if (o && o.rank === r.rank && o.score === r.score) continue
    changes.push({
      team: r.team,
      key,
      ...(o ? { before: o.rank, scoreBefore: o.score } : {}),
      after: r.rank,
      scoreAfter: r.score,
    })
  }
  for (const o of before) {
    const key = rowKey(o)
    if (!seen.has(key)) changes.push({ team: o.team, key, before: o.rank, scoreBefore: o.score })
  }
  return changes
}
