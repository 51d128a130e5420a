/** Shared by the vision selection algorithms: the task's known labels as pool rows, and a logistic scorer over the pool. */
import {
  fitLogisticRegression,
  decisionFunction,
  type LogisticRegressionModel,
  type LogisticRegressionOptions,
} from '../../ml/logistic-regression.js'
import { Rng } from '../../ml/rng.js'
import type { VisionSelectorInput, VisionSelectorOutput } from './types.js'

export interface KnownLabels {
  /** pool rows of example positives and human-verified positives */
  positives: number[]
  /** pool rows of human-verified negatives */
  negatives: number[]
}

export function knownLabels(input: VisionSelectorInput): KnownLabels {
  const rowOf = new Map(input.ids.map((id, r) => [id, r]))
  // each pool row once, in order; IDs not in the pool are left out
  const rows = (ids: readonly string[]) => [
    ...new Set(ids.map((id) => rowOf.get(id)).filter((r): r is number => r !== undefined)),
  ]
  const positives = rows([...input.examples, ...input.humanLabels.positives])
  const positiveSet = new Set(positives)
  return { positives, negatives: rows(input.humanLabels.negatives).filter((r) => !positiveSet.has(r)) }
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

/** The chosen pool rows as IDs and labels. */
export function toOutput(
  input: VisionSelectorInput,
  chosen: Map<number, number>,
): VisionSelectorOutput & { labels: number[] } {
  return { ids: [...chosen.keys()].map((r) => input.ids[r]!), labels: [...chosen.values()] }
}

/** What the label-using algorithms start from: sizes, a seeded Rng, the known labels and the whole pool. */
export function selectionInputs(input: VisionSelectorInput) {
  return {
    n: input.ids.length,
    d: input.dim,
    rng: new Rng(input.seed),
    known: knownLabels(input),
    pool: input.embeddings,
  }
}
