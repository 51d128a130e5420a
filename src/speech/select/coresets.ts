/**
 * Coresets inside one class, on projected features: k-medoids (k-medoids++ start, then Voronoi
 * iteration, as sklearn_extra's KMedoids "alternate" method) and greedy facility location
 * (maximise sum_i max_{j chosen} sim(i, j): each pick is the most representative clip left).
 */
import type { Rng } from '../../ml/rng.js'
import { squaredDistance } from './pool-features.js'

/** Pairwise squared distances among `rows` (m x m). */
function pairwise(F: Float32Array, k: number, rows: number[]): Float64Array {
  const m = rows.length
  const D = new Float64Array(m * m)
  for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) {
    const v = squaredDistance(F, rows[a]!, F, rows[b]!, k)
    D[a * m + b] = v
    D[b * m + a] = v
  }
  return D
}

/** `count` medoids among `rows`; returns pool rows. */
export function kMedoids(F: Float32Array, k: number, rows: number[], count: number, rng: Rng): number[] {
  const m = rows.length
  if (count >= m) return [...rows]
  const D = pairwise(F, k, rows)
  // k-medoids++: each next medoid with probability proportional to its distance to the nearest chosen one
  const medoids = [rng.int(m)]
  const near = new Float64Array(m).fill(Infinity)
  while (medoids.length < count) {
    const last = medoids[medoids.length - 1]!
    let total = 0
    for (let i = 0; i < m; i++) { near[i] = Math.min(near[i]!, D[i * m + last]!); total += near[i]! }
    let u = rng.uniform() * total, pick = 0
    for (let i = 0; i < m; i++) { u -= near[i]!; if (u <= 0 && near[i]! > 0) { pick = i; break } pick = i }
    medoids.push(pick)
  }
  const assign = new Int32Array(m)
  for (let iter = 0; iter < 30; iter++) {
    for (let i = 0; i < m; i++) {
      let best = 0, bestD = Infinity
      medoids.forEach((c, j) => { const v = D[i * m + c]!; if (v < bestD) { bestD = v; best = j } })
      assign[i] = best
    }
    let changed = false
    medoids.forEach((c, j) => {
      let best = c, bestCost = Infinity
      for (let a = 0; a < m; a++) {
        if (assign[a] !== j) continue
        let cost = 0
        for (let b = 0; b < m; b++) if (assign[b] === j) cost += D[a * m + b]!
        if (cost < bestCost) { bestCost = cost; best = a }
      }
      if (best !== c) { medoids[j] = best; changed = true }
    })
    if (!changed) break
  }
  return medoids.map((i) => rows[i]!)
}

/** Greedy facility location with similarity exp(-d^2 / median d^2); returns pool rows in pick order. */
export function facilityLocation(F: Float32Array, k: number, rows: number[], count: number): number[] {
  const m = rows.length
  if (count >= m) return [...rows]
  const D = pairwise(F, k, rows)
  const sample = Array.from(D.filter((_, i) => i % (m + 1) !== 0 && i % 7 === 0)).sort((a, b) => a - b)
  const sigma = Math.max(1e-12, sample[Math.floor(sample.length / 2)] ?? 1)
  const S = D.map((v) => Math.exp(-v / sigma))
  const cover = new Float64Array(m)
  const chosen: number[] = []
  const taken = new Uint8Array(m)
  while (chosen.length < count) {
    let best = -1, bestGain = -1
    for (let j = 0; j < m; j++) {
      if (taken[j]) continue
      let gain = 0
      for (let i = 0; i < m; i++) { const v = S[i * m + j]! - cover[i]!; if (v > 0) gain += v }
      if (gain > bestGain) { bestGain = gain; best = j }
    }
    taken[best] = 1
    chosen.push(best)
    for (let i = 0; i < m; i++) cover[i] = Math.max(cover[i]!, S[i * m + best]!)
  }
  return chosen.map((i) => rows[i]!)
}
