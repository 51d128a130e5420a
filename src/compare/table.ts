/** The comparison as a plain-text table: mean ± std per task and overall, and selection time. */
import { mean, overallPerSeed, std, type ComparisonResult } from './types.js'

export function formatComparisonTable(result: ComparisonResult): string {
  const cell = (values: number[]) => `${mean(values).toFixed(3)} ± ${std(values).toFixed(3)}`
  const header = ['algorithm', ...result.tasks, 'overall', 'selection time']
  const rows = result.algorithms.map((a) => [
    a,
    ...result.scores[a]!.map(cell),
    cell(overallPerSeed(result, a)),
    `${result.seconds[a]!.toFixed(1)} s`,
  ])
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((v, c) => v.padEnd(widths[c]!))
      .join('  ')
      .trimEnd()
  return [
    `${result.track} comparison: ${result.metric}, mean ± std over ${result.seeds.length} generator seed(s) (${result.seeds.join(', ')}); overall = mean over tasks per seed`,
    line(header),
    ...rows.map(line),
  ].join('\n')
}
