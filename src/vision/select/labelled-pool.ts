/** Shared by the vision selection algorithms: the task's known labels as pool rows, and a logistic scorer over the pool. */
import {
  fitLogisticRegression,
  decisionFunction,
  type LogisticRegressionModel,
  type LogisticRegressionOptions,
} from '../../ml/logistic-regression.js'
import { humanLabelsForPool, type HumanLabelsReport } from '../human-labels.js'
import { readExampleSet } from '../metadata.js'
import { Rng } from '../../ml/rng.js'
import type { LabelledIds, SelectionContext } from './types.js'

export interface KnownLabels {
  /** pool rows of example positives and human-verified positives */
  positives: number[]
  /** pool rows of human-verified negatives */
  negatives: number[]
  /** which human labels were read, and a note when there were none */
  report: HumanLabelsReport
}

export async function knownLabels(ctx: SelectionContext): Promise<KnownLabels> {
  const rowOf = new Map(ctx.poolIds.map((id, r) => [id, r]))
  const examples = readExampleSet(ctx.dataDir, ctx.task)
  const { labels: human, report } = await humanLabelsForPool(
    ctx.dataDir,
    ctx.task,
    examples.labelName,
    new Set(ctx.poolIds),
    ctx.humanLabelsFile,
  )
  const rows = (ids: string[]) => [
    ...new Set(ids.map((id) => rowOf.get(id)).filter((r): r is number => r !== undefined)),
  ]
  const positives = rows([...examples.ids, ...human.positives])
  const positiveSet = new Set(positives)
  return { positives, negatives: rows(human.negatives).filter((r) => !positiveSet.has(r)), report }
}

/** Logistic regression (the official model unless options say otherwise) trained on the given labelled pool rows. */
export function fitOnRows(
  pool: Float32Array | Float64Array,
  dim: number,
  positives: readonly number[],
  negatives: readonly number[],
  options: LogisticRegressionOptions = {},
): LogisticRegressionModel {
  const rows = [...positives, ...negatives]
  const X = new Float64Array(rows.length * dim)
  rows.forEach((r, i) => {
    for (let j = 0; j < dim; j++) X[i * dim + j] = pool[r * dim + j]!
  })
  const y = Int32Array.from(rows, (_, i) => (i < positives.length ? 1 : 0))
  return fitLogisticRegression(X, rows.length, dim, y, options)
}

/** Logistic-regression scores (decision values) of every pool row, trained on the given labelled rows. */
export function scorePool(
  pool: Float32Array | Float64Array,
  n: number,
  dim: number,
  positives: readonly number[],
  negatives: readonly number[],
): Float64Array {
  return decisionFunction(fitOnRows(pool, dim, positives, negatives), pool, n)
}

/** Rows [0, n) in a sorted Int32Array (for reading the whole pool). */
export function allRows(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i)
}

/** The chosen rows as IDs and labels, with the report of the human labels they came from. */
export function toLabelledIds(ctx: SelectionContext, chosen: Map<number, number>, known?: KnownLabels): LabelledIds {
  return { ids: [...chosen.keys()].map((r) => ctx.poolIds[r]!), labels: [...chosen.values()], ...known?.report }
}

/** What the label-using algorithms start from: sizes, a seeded Rng, the known labels and the whole pool. */
export async function selectionInputs(ctx: SelectionContext) {
  const n = ctx.poolIds.length,
    d = ctx.dim
  return { n, d, rng: new Rng(ctx.seed), known: await knownLabels(ctx), pool: await ctx.vectors(allRows(n)) }
}
