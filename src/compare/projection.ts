/**
 * A 2-D view of a row-major matrix: its first two principal components (power iteration with
 * deflation, seeded), or, given `firstAxis`, that direction and the main spread orthogonal to it.
 */
import { Rng } from '../ml/rng.js'

export function principalPlane(X: Float32Array, n: number, d: number, seed = 0, firstAxis?: Float64Array): Float32Array {
  const mean = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += X[i * d + j]! / n
  const rng = new Rng(seed)
  const components: Float64Array[] = []
  if (firstAxis) {
    const norm = Math.sqrt(firstAxis.reduce((a, v) => a + v * v, 0)) || 1
    components.push(firstAxis.map((v) => v / norm))
  }
  const tmp = new Float64Array(n)
  while (components.length < 2) {
    let v = Float64Array.from({ length: d }, () => rng.normal())
    for (let iter = 0; iter < 50; iter++) {
      // w = (X - mean)^T (X - mean) v, minus the earlier component's part
      for (let i = 0; i < n; i++) {
        let s = 0
        for (let j = 0; j < d; j++) s += (X[i * d + j]! - mean[j]!) * v[j]!
        tmp[i] = s
      }
      const w = new Float64Array(d)
      for (let i = 0; i < n; i++) { const t = tmp[i]!; for (let j = 0; j < d; j++) w[j]! += t * (X[i * d + j]! - mean[j]!) }
      for (const u of components) {
        let p = 0
        for (let j = 0; j < d; j++) p += w[j]! * u[j]!
        for (let j = 0; j < d; j++) w[j]! -= p * u[j]!
      }
      let norm = 0
      for (let j = 0; j < d; j++) norm += w[j]! * w[j]!
      norm = Math.sqrt(norm) || 1
      for (let j = 0; j < d; j++) w[j]! /= norm
      v = w
    }
    components.push(v)
  }
  const out = new Float32Array(n * 2)
  for (let i = 0; i < n; i++) for (let c = 0; c < 2; c++) {
    let s = 0
    for (let j = 0; j < d; j++) s += (X[i * d + j]! - mean[j]!) * components[c]![j]!
    out[i * 2 + c] = s
  }
  return out
}
