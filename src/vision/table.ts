import type { TaskEvaluation } from './evaluate.js'

/** A readable per-task table of the scores, with the mean over tasks. */
export function formatVisionTable(evals: TaskEvaluation[]): string {
  const header = ['task', 'train (pos/neg)', 'test', 'accuracy', 'precision', 'recall', 'F1']
  const f = (x: number) => x.toFixed(4)
  const rows = evals.map((e) => [
    e.task,
    `${e.trainRows} (${e.trainPositives}/${e.trainRows - e.trainPositives})`,
    String(e.testRows),
    f(e.metrics.accuracy),
    f(e.metrics.precision),
    f(e.metrics.recall),
    f(e.metrics.f1),
  ])
  const mean = (k: 'accuracy' | 'precision' | 'recall' | 'f1') =>
    f(evals.reduce((s, e) => s + e.metrics[k], 0) / Math.max(evals.length, 1))
  rows.push(['mean', '', '', mean('accuracy'), mean('precision'), mean('recall'), mean('f1')])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(0, -1).map(line),
    widths.map((w) => '-'.repeat(w)).join('  '),
    line(rows[rows.length - 1]!),
  ].join('\n')
}
