/**
 * `dataperf submit` (upload a training set to a leaderboard server, wait for its score, print it
 * with the rank) and `dataperf leaderboard` (print a board as a table, or CSV/JSON).
 */
import { readFileSync, existsSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import { UserError } from '../../errors.js'
import type { Leaderboard, SubmissionView, SubmitResult } from '../../server/index.js'
import { ApiClient } from '../api-client.js'
import { progressReporter } from '../progress.js'

export interface SubmitFlags {
  server: string
  token?: string
  board: string
  method?: string
  description?: string
  link?: string
  wait: boolean
  json?: boolean
}

export interface LeaderboardFlags {
  server: string
  board: string
  phase?: string
  token?: string
  format: string
}

function tokenOf(opts: { token?: string }): string {
  const token = opts.token ?? process.env['DATAPERF_TOKEN']
  if (!token)
    throw new UserError(
      '--token TOKEN (or $DATAPERF_TOKEN) is required: create one on the server (POST /api/v1/tokens)',
    )
  return token
}

function formatDetails(details: unknown): string[] {
  const d = details as {
    seeds?: number[]
    perSeedF1?: number[]
    tasks?: Record<string, { accuracy: number; recall: number; precision: number; f1: number }>
  } | null
  if (!d) return []
  if (d.seeds && d.perSeedF1) return d.seeds.map((s, i) => `  seed ${s}: macro F1 ${d.perSeedF1![i]}`)
  if (d.tasks)
    return Object.entries(d.tasks).map(
      ([t, m]) => `  ${t}: F1 ${m.f1}  accuracy ${m.accuracy}  precision ${m.precision}  recall ${m.recall}`,
    )
  return []
}

export async function submit(paths: string[], opts: SubmitFlags): Promise<void> {
  const client = new ApiClient(opts.server, tokenOf(opts))
  const files = paths.map((p) => {
    if (!existsSync(p) || !statSync(p).isFile()) throw new UserError(`${p}: file not found`)
    return { name: basename(p), bytes: readFileSync(p) }
  })
  const fields: Record<string, string> = { method: opts.method ?? basename(paths[0]!).replace(/\.[^.]+$/, '') }
  if (opts.description) fields['description'] = opts.description
  if (opts.link) fields['link'] = opts.link
  const bar = progressReporter()
  let answer
  try {
    answer = await client.upload<SubmitResult>(
      `/boards/${encodeURIComponent(opts.board)}/submissions`,
      fields,
      files,
      (sent, total) => bar.onProgress('uploading', sent, total),
    )
  } finally {
    bar.stop()
  }
  const { submission, quota, duplicate } = answer.body
  process.stderr.write(
    duplicate
      ? `already submitted (byte-equal to submission ${submission.id}); not charged\n`
      : `submitted ${submission.id} to ${opts.board}; quota: ${quota.used} of ${quota.limit} used today (resets ${quota.resets_at})\n`,
  )
  let final: SubmissionView = submission
  if (opts.wait && submission.status !== 'scored' && submission.status !== 'failed') {
    const stages = progressReporter()
    let lastStage = ''
    try {
      await client.follow<SubmissionView>(submission.id, (s) => {
        final = s
        if (s.stage && s.stage !== lastStage) {
          lastStage = s.stage
          if (!process.stderr.isTTY) process.stderr.write(`  ${s.status}: ${s.stage}\n`)
        }
        if (s.stage && s.progress.total > 0) stages.onProgress(s.stage, s.progress.done, s.progress.total)
      })
    } finally {
      stages.stop()
    }
    // the stream ends when scored or failed; read the final state once more (rank included)
    final = await client.json<SubmissionView>('GET', `/submissions/${encodeURIComponent(submission.id)}`)
  }
  if (opts.json) process.stdout.write(JSON.stringify(final, null, 2) + '\n')
  else if (final.status === 'scored' && final.score_hidden)
    process.stdout.write(
      `scored; the board is hidden during this phase: the score is shown when the organizers publish it\n`,
    )
  else if (final.status === 'scored') {
    process.stdout.write(
      [
        ...formatDetails(final.details),
        `Score: ${final.score}`,
        `Rank: ${final.rank ?? '-'} on ${final.board}${final.rank === null ? " (your team's row on the board is another submission)" : ''}`,
      ].join('\n') + '\n',
    )
  } else if (final.status === 'failed') {
    process.stdout.write(`failed: ${final.error}\n`)
  } else process.stdout.write(`${final.status}: follow it with GET ${client.url(`/submissions/${final.id}`).href}\n`)
  if (final.status === 'failed') process.exitCode = 1
}

export async function leaderboard(opts: LeaderboardFlags): Promise<void> {
  const client = new ApiClient(opts.server, opts.token ?? process.env['DATAPERF_TOKEN'])
  const q = new URLSearchParams()
  if (opts.phase) q.set('phase', opts.phase)
  if (opts.format === 'csv') q.set('format', 'csv')
  const path = `/boards/${encodeURIComponent(opts.board)}/leaderboard`
  if (opts.format === 'csv') {
    process.stdout.write(await client.text(`${path}?${q}`))
    return
  }
  // every row, a page at a time (a page holds at most 1,000)
  q.set('limit', '1000')
  const page = (n: number) => {
    q.set('page', String(n))
    return client.json<Leaderboard>('GET', `${path}?${q}`)
  }
  const board = await page(1)
  for (let n = 2; n <= board.pages; n++) board.rows.push(...(await page(n)).rows)
  if (opts.format === 'json') {
    process.stdout.write(JSON.stringify(board, null, 2) + '\n')
    return
  }
  process.stdout.write(formatBoard(board) + '\n')
}

export function formatBoard(board: Leaderboard): string {
  const header = ['rank', 'team', 'method', 'score', 'submissions', 'submitted (UTC)']
  const rows = board.rows.map((r) => [
    r.rank === null ? '-' : String(r.rank),
    r.baseline ? `${r.team} (baseline)` : r.team,
    r.method,
    r.score.toFixed(4),
    String(r.submissions),
    r.submitted_at.slice(0, 16).replace('T', ' '),
  ])
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((v, c) => (c === 0 || c === 3 || c === 4 ? v.padStart(widths[c]!) : v.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd()
  return [
    `${board.board}, phase ${board.phase.name} (${board.rule} submission per team${board.hidden ? `; hidden${board.published ? ', published' : ''}` : ''})`,
    line(header),
    ...(rows.length ? rows.map(line) : ['(no scored submissions yet)']),
  ].join('\n')
}
