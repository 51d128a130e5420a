/**
 * A self-contained HTML report (inline SVG, no scripts or downloads): the table, a chart of each
 * algorithm's scores per task and overall with ± one standard deviation, and a 2-D projection of
 * one task's pool with each algorithm's selection highlighted.
 */
import { escapeHtml } from '../io/html.js'
import { formatComparisonTable } from './table.js'
import { mean, overallPerSeed, std, type ComparisonResult } from './types.js'

const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
]

function scoreChart(result: ComparisonResult): string {
  const groups = [...result.tasks, 'overall']
  const A = result.algorithms.length
  const groupWidth = Math.max(60, A * 16 + 20)
  const width = 70 + groups.length * groupWidth,
    height = 300,
    top = 20,
    bottom = 250
  const values = result.algorithms.map((a) => [
    ...result.scores[a]!.map((v) => [mean(v), std(v)] as const),
    [mean(overallPerSeed(result, a)), std(overallPerSeed(result, a))] as const,
  ])
  const lo = Math.max(0, Math.floor(Math.min(...values.flat().map(([m, s]) => m - s)) * 10) / 10)
  const hi = Math.min(1, Math.ceil(Math.max(...values.flat().map(([m, s]) => m + s)) * 10) / 10)
  const y = (v: number) => bottom - ((v - lo) / Math.max(1e-9, hi - lo)) * (bottom - top)
  const parts: string[] = []
  // ticks at round values: every 0.05, 0.1 or 0.2 depending on the range
  const step = hi - lo <= 0.3 ? 0.05 : hi - lo <= 0.6 ? 0.1 : 0.2
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) {
    parts.push(
      `<line x1="60" x2="${width}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="55" y="${y(v) + 4}" text-anchor="end" font-size="11">${v.toFixed(2)}</text>`,
    )
  }
  groups.forEach((g, gi) => {
    const x0 = 70 + gi * groupWidth
    parts.push(
      `<text x="${x0 + (A * 16) / 2}" y="${bottom + 18}" text-anchor="middle" font-size="12">${escapeHtml(g)}</text>`,
    )
    result.algorithms.forEach((a, ai) => {
      const [m, s] = values[ai]![gi]!
      const x = x0 + ai * 16
      parts.push(
        `<rect x="${x}" y="${y(m)}" width="13" height="${bottom - y(m)}" fill="${PALETTE[ai % PALETTE.length]}"><title>${escapeHtml(a)} ${escapeHtml(g)}: ${m.toFixed(4)} ± ${s.toFixed(4)}</title></rect>`,
      )
      parts.push(`<line x1="${x + 6.5}" x2="${x + 6.5}" y1="${y(m + s)}" y2="${y(m - s)}" stroke="#222"/>`)
    })
  })
  const legend = result.algorithms
    .map(
      (a, ai) =>
        `<rect x="${70 + ai * 170}" y="${bottom + 32}" width="12" height="12" fill="${PALETTE[ai % PALETTE.length]}"/><text x="${86 + ai * 170}" y="${bottom + 43}" font-size="12">${escapeHtml(a)}</text>`,
    )
    .join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.max(width, 70 + A * 170)}" height="${height + 10}">${parts.join('')}${legend}</svg>`
}

function projectionPanels(result: ComparisonResult): string {
  const p = result.projection
  if (!p) return ''
  const n = p.points.length / 2
  let minX = Infinity,
    maxX = -Infinity,
    minY = Infinity,
    maxY = -Infinity
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, p.points[2 * i]!)
    maxX = Math.max(maxX, p.points[2 * i]!)
    minY = Math.min(minY, p.points[2 * i + 1]!)
    maxY = Math.max(maxY, p.points[2 * i + 1]!)
  }
  const size = 280
  const sx = (v: number) => 10 + ((v - minX) / Math.max(1e-9, maxX - minX)) * (size - 20)
  const sy = (v: number) => size - 10 - ((v - minY) / Math.max(1e-9, maxY - minY)) * (size - 20)
  // at most 3,000 background points keep the file small
  const step = Math.max(1, Math.ceil(n / 3000))
  const background: string[] = []
  for (let i = 0; i < n; i += step) {
    background.push(
      `<circle cx="${sx(p.points[2 * i]!).toFixed(1)}" cy="${sy(p.points[2 * i + 1]!).toFixed(1)}" r="1.5" fill="${PALETTE[p.classes[i]! % PALETTE.length]}" fill-opacity="0.25"/>`,
    )
  }
  const panels = result.algorithms
    .filter((a) => p.selected[a])
    .map((a) => {
      const classOf = (k: number, i: number) => p.selectedClasses?.[a]?.[k] ?? p.classes[i]!
      const picks = Array.from(p.selected[a]!, (i, k) => ({ i, cls: classOf(k, i) }))
      // class 0 (the pool's bulk) small and first, so the rarer classes drawn over it stay visible
      picks.sort((x, y) => x.cls - y.cls)
      const small = picks.length > 200 ? 2.5 : 3.5
      const marks = picks.map(
        ({ i, cls }) =>
          `<circle cx="${sx(p.points[2 * i]!).toFixed(1)}" cy="${sy(p.points[2 * i + 1]!).toFixed(1)}" r="${cls === 0 ? small : 4}" fill="${PALETTE[cls % PALETTE.length]}" stroke="#000" stroke-width="${cls === 0 ? 0.5 : 1}"/>`,
      )
      return `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" style="border:1px solid #ccc">${background.join('')}${marks.join('')}</svg><figcaption>${escapeHtml(a)} (${p.selected[a]!.length} selected)</figcaption></figure>`
    })
  const legend = p.classNames
    .map((c, i) => `<span style="color:${PALETTE[i % PALETTE.length]}">&#9679; ${escapeHtml(c)}</span>`)
    .join(' &nbsp; ')
  const axes = p.axes
    ? `horizontal: ${escapeHtml(p.axes[0])}; vertical: ${escapeHtml(p.axes[1])}`
    : 'its first two principal components'
  return `<h2>What each algorithm selected: ${escapeHtml(p.task)}</h2><p>Each panel shows the pool (faint dots, a sample) projected on two axes (${axes}) and the points the algorithm selected, outlined and coloured by the label they were given. ${legend}</p><div class="panels">${panels.join('')}</div>`
}

export function renderComparisonHtml(result: ComparisonResult): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dataperf ${result.track} comparison</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}pre{background:#f6f6f6;padding:1em;overflow-x:auto}.panels{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}figcaption{text-align:center;font-size:13px}</style>
</head><body>
<h1>dataperf ${result.track} comparison</h1>
<p>${escapeHtml(result.metric)} with the official scoring, over generator seeds ${result.seeds.join(', ')}; bars show the mean, whiskers ± one standard deviation over seeds.</p>
${scoreChart(result)}
<pre>${escapeHtml(formatComparisonTable(result))}</pre>
${projectionPanels(result)}
</body></html>
`
}
