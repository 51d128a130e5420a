/**
 * 2-D views of a matrix (e.g. for the comparison report): principal axes by power iteration with deflation
 * (seeded), optionally after given axes, and the projection of rows onto two axes.
 */
import { Rng } from './rng.js'

function normalized(v: Float64Array): Float64Array {
  const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0)) || 1
  return v.map((x) => x / norm)
}

function columnMean(X: Float32Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += X[i * d + j]! / n
  return mean
}

/** `given` unit axes, then principal axes of the rows orthogonal to them, `count` in all. */
export function principalAxes(
  X: Float32Array,
  n: number,
  d: number,
  count: number,
  seed = 0,
  given: Float64Array[] = [],
): Float64Array[] {
  const mean = columnMean(X, n, d)
  const rng = new Rng(seed)
  const axes = given.map(normalized)
  const tmp = new Float64Array(n)
  while (axes.length < count) {
    let v: Float64Array = Float64Array.from({ length: d }, () => rng.normal())
    for (let iter = 0; iter < 50; iter++) {
      // w = (X - mean)^T (X - mean) v, minus the earlier axes' part
      for (let i = 0; i < n; i++) {
        let s = 0
        for (let j = 0; j < d; j++) s += (X[i * d + j]! - mean[j]!) * v[j]!
        tmp[i] = s
      }
      const w = new Float64Array(d)
      for (let i = 0; i < n; i++) {
        const t = tmp[i]!
        for (let j = 0; j < d; j++) w[j]! += t * (X[i * d + j]! - mean[j]!)
      }
      for (const u of axes) {
        let p = 0
        for (let j = 0; j < d; j++) p += w[j]! * u[j]!
        for (let j = 0; j < d; j++) w[j]! -= p * u[j]!
      }
      v = normalized(w)
    }
    axes.push(v)
  }
  return axes
}

/** The rows' coordinates (n x 2) along two axes, around the rows' mean. */
export function projectOnto(X: Float32Array, n: number, d: number, axes: Float64Array[]): Float32Array {
  const mean = columnMean(X, n, d)
  const out = new Float32Array(n * 2)
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 2; c++) {
      let s = 0
      for (let j = 0; j < d; j++) s += (X[i * d + j]! - mean[j]!) * axes[c]![j]!
      out[i * 2 + c] = s
    }
  return out
}

/** The first two principal components, or `firstAxis` and the main spread orthogonal to it. */
export function principalPlane(
  X: Float32Array,
  n: number,
  d: number,
  seed = 0,
  firstAxis?: Float64Array,
): Float32Array {
  return projectOnto(X, n, d, principalAxes(X, n, d, 2, seed, firstAxis ? [firstAxis] : []))
}

/** The plane that separates the classes most: the principal axes of the class means. */
export function classPlane(X: Float32Array, n: number, d: number, classes: Int32Array, seed = 0): Float32Array {
  const k = Math.max(...classes) + 1
  const means = new Float32Array(k * d),
    counts = new Float64Array(k)
  for (let i = 0; i < n; i++) counts[classes[i]!]!++
  for (let i = 0; i < n; i++) {
    const c = classes[i]!
    for (let j = 0; j < d; j++) means[c * d + j]! += X[i * d + j]! / counts[c]!
  }
  return projectOnto(X, n, d, principalAxes(means, k, d, 2, seed))
}
