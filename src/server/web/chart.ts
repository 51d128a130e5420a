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

function timeTicks(t0: number, t1: number): { step: number; ticks: { at: number; label: string }[] } {
  const step = TIME_STEPS.find((s) => (t1 - t0) / s <= 6) ?? 365 * DAY
  const ticks: { at: number; label: string }[] = []
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    const iso = new Date(t).toISOString()
    ticks.push({ at: t, label: step < DAY ? iso.slice(5, 16).replace('T', ' ') : iso.slice(0, 10) })
  }
  return { step, ticks }
}

export interface LineChartOptions {
  title: string
  /** The time up to which the last best score is drawn (now, or the phase end). */
  until?: Date
}

/**
 * Lines of a board's chart: ten colours told apart (Okabe-Ito's first seven, then a purple, a
 * crimson and a slate), given by rank so the top ten never share one; the visitor's own team,
 * when outside the top ten, in black and heavier; more teams asked for, dashed in three dark colours.
 */
const TEAM_COLOURS = [...PALETTE.slice(0, 7), '#6A3D9A', '#B2182B', '#5D6D7E'] as const
const MY_COLOUR = '#111111'
const EXTRA_COLOURS = ['#1B7837', '#762A83', '#8C510A'] as const
const AXIS_FONT_PX = 12

/** Legend order: teams by rank (unranked last), then the baselines. */
function legendOrder(a: ChartSeries, b: ChartSeries): number {
  if (!!a.baseline !== !!b.baseline) return a.baseline ? 1 : -1
  return (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER)
}

/** How a series is drawn: its colour, width and dashes. */
function lineStyle(s: ChartSeries, index: number, extras: { n: number }) {
  if (s.baseline) return { colour: BASELINE_COLOUR, width: 2, dash: '6 4' }
  if (s.rank != null && s.rank <= TEAM_COLOURS.length)
    return { colour: TEAM_COLOURS[s.rank - 1]!, width: s.mine ? 3.5 : 2 }
  if (s.mine) return { colour: MY_COLOUR, width: 3.5 }
  if (s.rank === undefined) return { colour: TEAM_COLOURS[index % TEAM_COLOURS.length]!, width: 2 }
  return { colour: EXTRA_COLOURS[extras.n++ % EXTRA_COLOURS.length]!, width: 2, dash: '2 3' }
}

/**
 * Best score over time, one step line per series; its legend (in rank order) is an HTML list
 * under the SVG. Time labels are UTC here; the client script writes them again in the visitor's
 * time zone (the axis carries its range and step) and moves or hides any that would be cut off.
 */
export function bestScoreChart(series: readonly ChartSeries[], opts: LineChartOptions): SafeHtml {
  const lines = [...series]
    .sort(legendOrder)
    .map((s) => ({ series: s, points: bestSoFar(s.points) }))
    .filter((l) => l.points.length > 0)
  if (lines.length === 0)
    return html`<p class="muted">No scored submissions yet: the chart appears with the first score.</p>`
  const W = 720,
    H = 300,
    left = 64,
    right = 16,
    top = 16,
    bottom = 48
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
  const extras = { n: 0 }
  const drawn = lines.map((l, i) => ({ ...l, style: lineStyle(l.series, i, extras) }))
  const { step, ticks } = timeTicks(t0, t1)
  // a label centred on its tick would be cut at either end of the axis: anchor it at its end there
  const anchor = (at: number, label: string) => {
    const half = (label.length * AXIS_FONT_PX * 0.6) / 2
    return x(at) - half < 0 ? 'start' : x(at) + half > W ? 'end' : 'middle'
  }
  const axisY = H - bottom
  return html`<figure class="chart">
<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${opts.title}" preserveAspectRatio="xMidYMid meet">
  <title>${opts.title}</title>
  <g class="grid">${yTicks.map((v) => html`<line x1="${left}" x2="${W - right}" y1="${f(y(v))}" y2="${f(y(v))}"/><text x="${left - 6}" y="${f(y(v) + 4)}" text-anchor="end">${v.toFixed(Math.max(0, -Math.floor(Math.log10(Math.max((y1 - y0) / 5, 1e-9)))))}</text>`)}</g>
  <g class="axis" data-time-axis data-t0="${t0}" data-t1="${t1}" data-x0="${left}" data-x1="${W - right}" data-y="${axisY}" data-step="${step}" data-width="${W}">
    <g class="ticks">${ticks.map((t) => html`<line x1="${f(x(t.at))}" x2="${f(x(t.at))}" y1="${axisY}" y2="${axisY + 5}"/><text x="${f(x(t.at))}" y="${axisY + 18}" text-anchor="${anchor(t.at, t.label)}">${t.label}</text>`)}</g>
    <text class="zone" x="${W - right}" y="${H - 6}" text-anchor="end">Time (UTC)</text>
    <line x1="${left}" x2="${W - right}" y1="${axisY}" y2="${axisY}"/></g>
  ${drawn.map((l) => {
    let d = ''
    l.points.forEach((p, i) => {
      const px = f(x(p.at.getTime())),
        py = f(y(p.score))
      d += i === 0 ? `M${px},${py}` : `H${px}V${py}`
    })
    d += `H${f(x(t1))}`
    const c = l.style.colour
    return html`<g class="series${l.series.mine ? ' mine' : ''}"><path d="${d}" fill="none" stroke="${c}" stroke-width="${l.style.width}"${l.style.dash ? html` stroke-dasharray="${l.style.dash}"` : ''}/>${l.points.map((p) => html`<circle cx="${f(x(p.at.getTime()))}" cy="${f(y(p.score))}" r="3.5" fill="${c}"><title>${l.series.name}: ${formatScore(p.score)} at ${utcText(p.at)}</title></circle>`)}</g>`
  })}
</svg>
<figcaption><ol class="legend">${drawn.map((l) => html`<li${l.series.mine ? html` class="mine"` : ''}><svg class="swatch" viewBox="0 0 20 4" aria-hidden="true"><line x1="0" y1="2" x2="20" y2="2" stroke="${l.style.colour}" stroke-width="${Math.min(4, l.style.width + 1)}"${l.style.dash ? html` stroke-dasharray="${l.style.dash === '6 4' ? '5 3' : l.style.dash}"` : ''}/></svg>${l.series.rank != null ? html`<span class="rank">${l.series.rank}.</span> ` : ''}${userText(l.series.name)}${l.series.baseline ? ' (baseline)' : ''}${l.series.mine ? ' (your team)' : ''}: best ${formatScore(l.points[l.points.length - 1]!.score)}</li>`)}</ol></figcaption>
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
