// Inline SVG charts drawn on the server: no script, no external asset, readable with JavaScript off.
// Written by hand because the two charts are small and a charting library would mean shipping a
// browser bundle; the colours are the Okabe-Ito palette, which stays distinct for colour-blind readers.
import { html, userText, type SafeHtml } from './html.js'
import { formatScore, utcText } from './format.js'
import type { ChartPoint, ChartSeries } from './view-models.js'

export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8c6d00', '#000000'] as const
const BASELINE_COLOUR = '#6b6b6b'

/** The running best of a team's scored submissions: one point per improvement, in time order. */
export function bestSoFar(points: readonly ChartPoint[]): ChartPoint[] {
  const sorted = [...points].sort((a, b) => a.at.getTime() - b.at.getTime())
  const out: ChartPoint[] = []
  for (const p of sorted) {
    const last = out[out.length - 1]
    if (!last || p.score > last.score) out.push(p)
  }
  return out
}

/** Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(lo: number, hi: number, maxTicks = 5): number[] {
  if (!(hi > lo)) {
    hi = lo + 0.1
    lo = lo - 0.1
  }
  const rough = (hi - lo) / maxTicks
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => (hi - lo) / s <= maxTicks) ?? 10 * power
  const ticks: number[] = []
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toFixed(10)))
  if (ticks[0]! > lo) ticks.unshift(Number((ticks[0]! - step).toFixed(10)))
  if (ticks[ticks.length - 1]! < hi) ticks.push(Number((ticks[ticks.length - 1]! + step).toFixed(10)))
  return ticks
}

const MINUTE = 60_000
const HOUR = 3600_000
const DAY = 24 * HOUR
const TIME_STEPS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
  91 * DAY,
  365 * DAY,
]

function timeTicks(t0: number, t1: number): { at: number; label: string }[] {
  const step = TIME_STEPS.find((s) => (t1 - t0) / s <= 6) ?? 365 * DAY
  const ticks: { at: number; label: string }[] = []
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    const iso = new Date(t).toISOString()
    ticks.push({ at: t, label: step < DAY ? iso.slice(5, 16).replace('T', ' ') : iso.slice(0, 10) })
  }
  return ticks
}

export interface LineChartOptions {
  title: string
  /** The time up to which the last best score is drawn (now, or the phase end). */
  until?: Date
}

/** Best score over time, one step line per series; its legend is an HTML list under the SVG. */
export function bestScoreChart(series: readonly ChartSeries[], opts: LineChartOptions): SafeHtml {
  const lines = series.map((s) => ({ series: s, points: bestSoFar(s.points) })).filter((l) => l.points.length > 0)
  if (lines.length === 0)
    return html`<p class="muted">No scored submissions yet: the chart appears with the first score.</p>`
  const W = 720,
    H = 300,
    left = 56,
    right = 16,
    top = 16,
    bottom = 40
  const all = lines.flatMap((l) => l.points)
  const times = all.map((p) => p.at.getTime())
  // From the first score to now (or the last score), at least ten minutes wide, with a small margin
  // on the left so the first points do not sit on the axis.
  const t1 = Math.max(opts.until?.getTime() ?? 0, ...times)
  const first = Math.min(...times)
  const span = Math.max(t1 - first, 10 * MINUTE)
  const t0 = t1 - span * 1.04
  // Scores are F1 values in [0, 1]: a flat or single-point board gets some room, never past 0 or 1.
  const minScore = Math.min(...all.map((p) => p.score)),
    maxScore = Math.max(...all.map((p) => p.score))
  const pad = maxScore - minScore < 0.02 ? 0.05 : 0
  const yTicks = niceTicks(Math.max(0, minScore - pad), Math.min(1, maxScore + pad))
  const y0 = yTicks[0]!,
    y1 = yTicks[yTicks.length - 1]!
  const x = (t: number) => left + ((t - t0) / (t1 - t0)) * (W - left - right)
  const y = (v: number) => top + (1 - (v - y0) / (y1 - y0)) * (H - top - bottom)
  const f = (n: number) => n.toFixed(1)
  let colourIndex = 0
  const drawn = lines.map((l) => ({
    ...l,
    colour: l.series.baseline ? BASELINE_COLOUR : PALETTE[colourIndex++ % PALETTE.length]!,
  }))
  return html`<figure class="chart">
<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${opts.title}" preserveAspectRatio="xMidYMid meet">
  <title>${opts.title}</title>
  <g class="grid">${yTicks.map((v) => html`<line x1="${left}" x2="${W - right}" y1="${f(y(v))}" y2="${f(y(v))}"/><text x="${left - 6}" y="${f(y(v) + 4)}" text-anchor="end">${v.toFixed(Math.max(0, -Math.floor(Math.log10(Math.max((y1 - y0) / 5, 1e-9)))))}</text>`)}</g>
  <g class="axis">${timeTicks(t0, t1).map((t) => html`<line x1="${f(x(t.at))}" x2="${f(x(t.at))}" y1="${H - bottom}" y2="${H - bottom + 5}"/><text x="${f(x(t.at))}" y="${H - bottom + 18}" text-anchor="middle">${t.label}</text>`)}
    <line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}"/></g>
  ${drawn.map((l) => {
    let d = ''
    l.points.forEach((p, i) => {
      const px = f(x(p.at.getTime())),
        py = f(y(p.score))
      d += i === 0 ? `M${px},${py}` : `H${px}V${py}`
    })
    d += `H${f(x(t1))}`
    return html`<g class="series"><path d="${d}" fill="none" stroke="${l.colour}" stroke-width="2"${l.series.baseline ? html` stroke-dasharray="6 4"` : ''}/>${l.points.map((p) => html`<circle cx="${f(x(p.at.getTime()))}" cy="${f(y(p.score))}" r="3.5" fill="${l.colour}"><title>${l.series.name}: ${formatScore(p.score)} at ${utcText(p.at)}</title></circle>`)}</g>`
  })}
</svg>
<figcaption><ul class="legend">${drawn.map((l) => html`<li><svg class="swatch" viewBox="0 0 20 4" aria-hidden="true"><line x1="0" y1="2" x2="20" y2="2" stroke="${l.colour}" stroke-width="3"${l.series.baseline ? html` stroke-dasharray="5 3"` : ''}/></svg>${userText(l.series.name)}${l.series.baseline ? ' (baseline)' : ''}: best ${formatScore(l.points[l.points.length - 1]!.score)}</li>`)}</ul></figcaption>
</figure>`
}

/** A small bar chart of one value per label (each seed's macro F1) with the mean as a line. */
export function barChart(
  values: readonly { label: string; value: number }[],
  opts: { title: string; mean?: number },
): SafeHtml {
  if (values.length === 0) return html``
  const W = 480,
    H = 180,
    left = 44,
    right = 8,
    top = 10,
    bottom = 28
  const ticks = niceTicks(
    Math.min(0, ...values.map((v) => v.value)),
    Math.max(...values.map((v) => v.value), opts.mean ?? 0),
    4,
  )
  const y0 = ticks[0]!,
    y1 = ticks[ticks.length - 1]!
  const y = (v: number) => top + (1 - (v - y0) / (y1 - y0)) * (H - top - bottom)
  const band = (W - left - right) / values.length
  const f = (n: number) => n.toFixed(1)
  return html`<figure class="chart small">
<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${opts.title}">
  <title>${opts.title}</title>
  <g class="grid">${ticks.map((v) => html`<line x1="${left}" x2="${W - right}" y1="${f(y(v))}" y2="${f(y(v))}"/><text x="${left - 6}" y="${f(y(v) + 4)}" text-anchor="end">${v.toFixed(1)}</text>`)}</g>
  ${values.map((v, i) => html`<rect x="${f(left + i * band + band * 0.15)}" width="${f(band * 0.7)}" y="${f(y(Math.max(v.value, 0)))}" height="${f(Math.abs(y(v.value) - y(0)))}" fill="${PALETTE[0]}"><title>${v.label}: ${formatScore(v.value)}</title></rect><text class="tick" x="${f(left + (i + 0.5) * band)}" y="${H - bottom + 16}" text-anchor="middle">${v.label}</text>`)}
  ${opts.mean !== undefined ? html`<line class="mean" x1="${left}" x2="${W - right}" y1="${f(y(opts.mean))}" y2="${f(y(opts.mean))}" stroke="${PALETTE[1]}" stroke-width="2" stroke-dasharray="5 3"><title>mean ${formatScore(opts.mean)}</title></line>` : ''}
</svg>
${opts.mean !== undefined ? html`<figcaption>Bars: each seed's macro F1; dashed line: their mean, ${formatScore(opts.mean)}.</figcaption>` : ''}
</figure>`
}
