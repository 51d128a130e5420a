/** Small random classification problems shared by the solver tests that compare with the oracle. */
import { Rng } from '../../src/ml/rng.js'

/**
 * Clustered non-negative features (like the embeddings), every class present in the training rows:
 * `n` training and `m` test rows of dimension `d`, `noise` the spread around each class centre.
 */
export function classificationProblem(seed: number, n: number, d: number, classes: number, m: number, noise: number) {
  const rng = new Rng(seed)
  const centers = Array.from({ length: classes }, () =>
    Float64Array.from({ length: d }, () => Math.max(0, rng.normal())),
  )
  const make = (rows: number) => {
    const X = new Float64Array(rows * d),
      y = new Int32Array(rows)
    for (let i = 0; i < rows; i++) {
      const c = i < classes ? i : rng.int(classes)
      y[i] = c
      for (let j = 0; j < d; j++) X[i * d + j] = Math.max(0, centers[c]![j]! + noise * rng.normal())
    }
    return { X, y }
  }
  return { train: make(n), test: make(m), d }
}

export type ClassificationProblem = ReturnType<typeof classificationProblem>

/** The problems as the oracle's ARGS arrays: X{k}, y{k} (training) and T{k} (test rows). */
export function problemArrays(
  cases: readonly ClassificationProblem[],
): Record<string, { data: Float64Array | Int32Array; shape: number[] }> {
  const arrays: Record<string, { data: Float64Array | Int32Array; shape: number[] }> = {}
  cases.forEach((c, k) => {
    arrays[`X${k}`] = { data: c.train.X, shape: [c.train.y.length, c.d] }
    arrays[`y${k}`] = { data: c.train.y, shape: [c.train.y.length] }
    arrays[`T${k}`] = { data: c.test.X, shape: [c.test.y.length, c.d] }
  })
  return arrays
}
