/**
 * Kernel herding (Chen, Welling and Smola 2010) inside one set of rows: greedily pick the rows
 * whose empirical distribution is closest, in maximum mean discrepancy under a Gaussian kernel,
 * to the distribution of all the rows. The first pick is the row of highest kernel density (a
 * centre, as facility location's first pick); later picks trade density against closeness to
 * what was already picked, so a small set follows the rows' spread instead of piling up in the
 * densest region. With RBF kernels k(x, x) = 1, so the greedy step that minimises MMD^2 of the
 * picked set plus one row is: argmax_j mean_i k(j, i) - sum_{s picked} k(j, s) / (t + 1).
 */
import { squaredDistance } from './random-projection.js'
import { rbf } from './svm/rbf-kernel.js'

/**
 * The kernel width the official SVC uses, gamma='scale': 1 / (d * Var(X)), the variance over every
 * entry of the row-major n x d matrix. Taking the SVC's own rule means the herded set matches the
 * class's distribution at the resolution at which the scoring model sees it.
 */
export function gammaScale(X: Float32Array | Float64Array, n: number, d: number, rows?: number[]): number {
  const list = rows ?? Array.from({ length: n }, (_, i) => i)
  let sum = 0,
    sumSq = 0
  for (const r of list)
    for (let j = 0; j < d; j++) {
      const v = X[r * d + j]!
      sum += v
      sumSq += v * v
    }
  const count = list.length * d
  const mean = sum / count
  const variance = sumSq / count - mean * mean
  // all entries equal: every distance is 0 and any width gives the same kernel
  return variance > 0 ? 1 / (d * variance) : 1
}

/** The kernel matrix exp(-gamma |a - b|^2) among `rows` (pool rows of F, k columns), m x m. */
export interface RowKernel {
  rows: number[]
  K: Float64Array
}

export function rowKernel(F: Float32Array, k: number, rows: number[], gamma: number): RowKernel {
  const m = rows.length
  const K = new Float64Array(m * m)
  for (let a = 0; a < m; a++) {
    K[a * m + a] = 1
    for (let b = a + 1; b < m; b++) {
      const v = rbf(squaredDistance(F, rows[a]!, F, rows[b]!, k), gamma)
      K[a * m + b] = v
      K[b * m + a] = v
    }
  }
  return { rows, K }
}

/**
 * `count` of `rows` (pool rows of the row-major matrix F with k columns) chosen by kernel herding
 * with kernel exp(-gamma |a - b|^2); pool rows out, in pick order (all rows, ordered, when count >= rows).
 * Greedy, so the first t picks of a run are the t-pick herding set: one run serves every budget up
 * to `count`. Ties go to the earlier row, so the result is deterministic.
 */
export function kernelHerding(F: Float32Array, k: number, rows: number[], count: number, gamma: number): number[] {
  return herdSubset(
    rowKernel(F, k, rows, gamma),
    rows.map((_, i) => i),
    count,
  )
}

/**
 * Kernel herding among a subset of a RowKernel's rows (`subset`: ascending indices into
 * kernel.rows), matching the subset's own distribution: the same picks as kernelHerding on those
 * rows, without computing their kernel again (cross-validation herds many subsets of one class).
 */
export function herdSubset(kernel: RowKernel, subset: number[], count: number): number[] {
  const { K, rows } = kernel
  const n = rows.length,
    m = subset.length
  count = Math.min(count, m)
  const density = new Float64Array(m) // mean kernel value to all rows of the subset
  for (let a = 0; a < m; a++) {
    const ra = subset[a]! * n
    let s = 0
    for (let b = 0; b < m; b++) s += K[ra + subset[b]!]!
    density[a] = s / m
  }
  const pulled = new Float64Array(m) // sum of kernel values to the rows picked so far
  const taken = new Uint8Array(m)
  const chosen: number[] = []
  while (chosen.length < count) {
    const t = chosen.length
    let best = -1,
      bestValue = -Infinity
    for (let j = 0; j < m; j++) {
      if (taken[j]) continue
      const v = density[j]! - pulled[j]! / (t + 1)
      if (v > bestValue) {
        bestValue = v
        best = j
      }
    }
    taken[best] = 1
    chosen.push(best)
    const rb = subset[best]! * n
    for (let j = 0; j < m; j++) pulled[j]! += K[rb + subset[j]!]!
  }
  return chosen.map((i) => rows[subset[i]!]!)
}
