/** The sweep as text (a table per track and a summary of wins) and as a self-contained HTML page. */
import { escapeHtml } from '../io/html.js'
import { LEADERBOARD_SIZES } from '../speech/layout.js'
import { judgeRow, meanOverRows, type SweepRow, type SweepTrackResult } from './sweep.js'
import { mean, std } from './types.js'

const rowName = (r: SweepRow) => (r.cap === undefined ? r.setting : `${r.setting} @${r.cap}`)
const cell = (values: number[]) => `${mean(values).toFixed(3)} ± ${std(values).toFixed(3)}`

function verdictText(track: SweepTrackResult, row: SweepRow): string {
  if (!track.ours) return ''
  const v = judgeRow(row, track.algorithms, track.ours)
  const sign = v.gap >= 0 ? '+' : ''
  return v.verdict === 'win'
    ? `win (${sign}${v.gap.toFixed(3)} vs ${v.bestOther})`
    : `${v.verdict === 'within' ? 'within std' : 'LOSS'} (${v.gap.toFixed(3)} vs ${v.bestOther} ± ${std(row.perSeed[v.bestOther]!).toFixed(3)})`
}

/** Per algorithm: its mean over the rows, and in how many rows it has the best mean. */
function summaryLines(track: SweepTrackResult, rows: SweepRow[], label: string): string[] {
  const wins = Object.fromEntries(track.algorithms.map((a) => [a, 0]))
  for (const r of rows) wins[[...track.algorithms].sort((a, b) => mean(r.perSeed[b]!) - mean(r.perSeed[a]!))[0]!]!++
  const byMean = [...track.algorithms].sort((a, b) => meanOverRows(track, b, rows) - meanOverRows(track, a, rows))
  const lines = [
    `${label}: mean over ${rows.length} rows (best first): ${byMean.map((a) => `${a} ${meanOverRows(track, a, rows).toFixed(3)} (best in ${wins[a]})`).join(', ')}`,
  ]
  if (track.ours) {
    const verdicts = rows.map((r) => ({ r, v: judgeRow(r, track.algorithms, track.ours!) }))
    const count = (k: string) => verdicts.filter(({ v }) => v.verdict === k).length
    const losses = verdicts.filter(({ v }) => v.verdict === 'loss')
    const bestMean = byMean[0] === track.ours
    lines.push(
      `${label}: ${track.ours} ${bestMean ? 'has' : 'does NOT have'} the best mean; it wins ${count('win')} of ${rows.length} rows, is below the best other by no more than that one's std in ${count('within')} and further below in ${losses.length}${losses.length ? ': ' + losses.map(({ r, v }) => `${rowName(r)} (${v.bestOther} ${(-v.gap).toFixed(3)} ahead, std ${std(r.perSeed[v.bestOther]!).toFixed(3)})`).join('; ') : ''}`,
    )
    lines.push(
      `${label}: goal (best mean, no row below the best other by more than its std) ${bestMean && losses.length === 0 ? 'MET' : 'NOT met'}`,
    )
  }
  return lines
}

export function formatSweepTrack(track: SweepTrackResult): string {
  const header = ['setting', ...track.algorithms, ...(track.ours ? [`${track.ours} vs best other`] : [])]
  const body = track.rows.map((r) => {
    const best = [...track.algorithms].sort((a, b) => mean(r.perSeed[b]!) - mean(r.perSeed[a]!))[0]
    return [
      rowName(r),
      ...track.algorithms.map((a) => cell(r.perSeed[a]!) + (a === best ? '*' : ' ')),
      ...(track.ours ? [verdictText(track, r)] : []),
    ]
  })
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((v, c) => v.padEnd(widths[c]!))
      .join('  ')
      .trimEnd()
  const what =
    track.track === 'vision'
      ? 'mean over the concepts per seed'
      : 'mean over the languages per seed, per leaderboard cap'
  const out = [
    `${track.track} sweep: ${track.metric} (${what}), mean ± std over generator seeds ${track.seeds.join(', ')}; * marks the best mean per row`,
    line(header),
    ...body.map(line),
    '',
    ...summaryLines(track, track.rows, 'all rows'),
  ]
  if (track.track === 'speech')
    for (const cap of LEADERBOARD_SIZES)
      out.push(
        ...summaryLines(
          track,
          track.rows.filter((r) => r.cap === cap),
          `cap ${cap}`,
        ),
      )
  out.push(`selection time: ${track.algorithms.map((a) => `${a} ${track.seconds[a]!.toFixed(0)} s`).join(', ')}`)
  return out.join('\n')
}

export function formatSweep(tracks: SweepTrackResult[]): string {
  return tracks.map(formatSweepTrack).join('\n\n')
}

/** A table per track, each cell shaded by its score within the row (best darkest), and the settings' knobs. */
function trackHtml(track: SweepTrackResult): string {
  const head = `<tr><th>setting</th>${track.algorithms.map((a) => `<th>${escapeHtml(a)}${a === track.ours ? ' (ours)' : ''}</th>`).join('')}${track.ours ? '<th>ours vs best other</th>' : ''}</tr>`
  const rows = track.rows
    .map((r) => {
      const means = track.algorithms.map((a) => mean(r.perSeed[a]!))
      const lo = Math.min(...means),
        hi = Math.max(...means)
      const cells = track.algorithms
        .map((a, i) => {
          const t = hi > lo ? (means[i]! - lo) / (hi - lo) : 1
          return `<td style="background:rgba(89,161,79,${(0.1 + 0.6 * t).toFixed(2)})${means[i] === hi ? ';font-weight:bold' : ''}">${cell(r.perSeed[a]!)}</td>`
        })
        .join('')
      const verdict = track.ours ? `<td>${escapeHtml(verdictText(track, r))}</td>` : ''
      return `<tr><td>${escapeHtml(rowName(r))}</td>${cells}${verdict}</tr>`
    })
    .join('\n')
  const knobs = track.settings
    .map(
      (s) =>
        `<li><b>${escapeHtml(s.name)}</b>: ${escapeHtml(JSON.stringify(s.knobs) === '{}' ? "the generator's defaults" : JSON.stringify(s.knobs))}</li>`,
    )
    .join('')
  return `<h2>${track.track}: ${escapeHtml(track.metric)}, mean ± std over seeds ${track.seeds.join(', ')}</h2>
<table>${head}\n${rows}</table>
<pre>${escapeHtml(formatSweepTrack(track).split('\n\n').slice(1).join('\n\n'))}</pre>
<details><summary>settings (generator knobs)</summary><ul>${knobs}</ul></details>`
}

export function renderSweepHtml(tracks: SweepTrackResult[], command: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dataperf robustness sweep</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td:first-child,th:first-child{text-align:left}pre{background:#f6f6f6;padding:1em;white-space:pre-wrap}</style>
</head><body>
<h1>dataperf robustness sweep</h1>
<p>Command: <code>${escapeHtml(command)}</code>. Each row is one setting of the generator's knobs; each cell the algorithm's score with the official scoring, mean ± std over generator seeds. Shading runs from the row's worst (light) to its best (dark, bold).</p>
${tracks.map(trackHtml).join('\n')}
</body></html>
`
}
