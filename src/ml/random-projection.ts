/**
 * A seeded Gaussian random projection (clustering and similarity in 1024-d are costly; distances
 * survive such a projection well, Johnson-Lindenstrauss), and squared distances between rows of
 * projected matrices.
 */
import { Rng } from './rng.js'

/** X (n x d) times a seeded Gaussian d x k matrix scaled by 1/sqrt(k). */
export function randomProjection(X: Float32Array, n: number, d: number, k: number, seed: number): Float32Array {
  const rng = new Rng(seed)
  const R = new Float32Array(d * k)
  const scale = 1 / Math.sqrt(k)
  for (let i = 0; i < R.length; i++) R[i] = rng.normal() * scale
  const out = new Float32Array(n * k)
  const acc = new Float64Array(k)
  for (let i = 0; i < n; i++) {
    acc.fill(0)
    for (let j = 0; j < d; j++) {
      const x = X[i * d + j]!
      if (x === 0) continue // ReLU embeddings are mostly zeros
      const rj = j * k
      for (let c = 0; c < k; c++) acc[c]! += x * R[rj + c]!
    }
    for (let c = 0; c < k; c++) out[i * k + c] = acc[c]!
  }
  return out
}

export function squaredDistance(A: Float32Array, a: number, B: Float32Array, b: number, k: number): number {
  let s = 0
  for (let c = 0; c < k; c++) {
    const t = A[a * k + c]! - B[b * k + c]!
    s += t * t
  }
  return s
}
