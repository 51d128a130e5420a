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

/** What ranking looks at in a row. */
export type Rankable = Pick<BoardRow, 'submissionId' | 'teamId' | 'score' | 'submittedAt' | 'baseline'>

const time = (iso: string) => Date.parse(iso)

/** Board order: higher score first, then the earlier submission, then the lower id (stable). */
function boardOrder(a: Rankable, b: Rankable): number {
  return b.score - a.score || time(a.submittedAt) - time(b.submittedAt) || compareIds(a.submissionId, b.submissionId)
}

function compareIds(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const x = String(a),
    y = String(b)
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0)
}

/** The row that stands for a team: its best (ties: earlier) or its latest submission. */
function pick<T extends Rankable>(rows: T[], rule: RankRule): T {
  const sorted = [...rows].sort(
    rule === 'best'
      ? boardOrder
      : (a, b) => time(b.submittedAt) - time(a.submittedAt) || compareIds(b.submissionId, a.submissionId),
  )
  return sorted[0]!
}

/** A board entry before ranking: a team's chosen submission (with its count), or a baseline row. */
export type Standing<T extends Rankable = BoardRow> = T & {
  /** the team's scored submissions on this board (1 for a baseline row) */
  submissions: number
  /** the team's most recent submission time */
  lastSubmittedAt: string
}

/** The entry's key on its board: the team id, or 'baseline:<submissionId>' for a baseline row. */
export function standingKey(r: Pick<Rankable, 'baseline' | 'submissionId' | 'teamId'>): string {
  return r.baseline ? `baseline:${r.submissionId}` : String(r.teamId)
}

/**
 * A board's entries, unranked: one per team (its best or latest submission, by the rule) and one
 * per baseline submission. Rows must be scored submissions (finite scores) of one board in one
 * phase; given one team's rows, it gives that team's entries (what the materialized board keeps).
 */
export function standingsOf<T extends Rankable>(rows: readonly T[], rule: RankRule): Array<Standing<T>> {
  const byTeam = new Map<string, T[]>()
  const out: Array<Standing<T>> = []
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
    let team = byTeam.get(key)
    if (!team) byTeam.set(key, (team = []))
    team.push(row)
  }
  for (const teamRows of byTeam.values()) {
    const last = teamRows.reduce((a, b) => (time(b.submittedAt) > time(a.submittedAt) ? b : a))
    out.push({ ...pick(teamRows, rule), submissions: teamRows.length, lastSubmittedAt: last.submittedAt })
  }
  return out
}

/** Entries in board order, teams ranked 1, 2, ...; baseline rows placed by score without a rank. */
export function orderStandings<T extends Standing<Rankable>>(
  entries: readonly T[],
): Array<T & { rank: number | null }> {
  const sorted = [...entries].sort(boardOrder)
  let rank = 0
  return sorted.map((row) => ({ ...row, rank: row.baseline ? null : ++rank }))
}

/** Rows must be scored submissions (finite scores) of one board in one phase. */
export function rankBoard(rows: readonly BoardRow[], rule: RankRule): RankedRow[] {
  return orderStandings(standingsOf(rows, rule))
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

/**
 * What rescoring changed: every row whose rank or score differs, or that appears or disappears,
 * in the new board's order (rows that left the board last).
 */
export function rankChanges(before: readonly RankedRow[], after: readonly RankedRow[]): RankChange[] {
  const old = new Map(before.map((r) => [standingKey(r), r]))
  const changes: RankChange[] = []
  const seen = new Set<string>()
  for (const r of after) {
    const key = standingKey(r)
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
    const key = standingKey(o)
    if (!seen.has(key)) changes.push({ team: o.team, key, before: o.rank, scoreBefore: o.score })
  }
  return changes
}
