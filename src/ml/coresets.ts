/**
 * Coresets inside one class: k-medoids (sklearn_extra's KMedoids) and greedy facility location
 * (maximise sum_i max_{j chosen} sim(i, j): each pick is the most representative row left).
 */
import { squaredDistance } from './random-projection.js'
import { gaussianSimilarity } from './svm/rbf-kernel.js'
import type { Rng } from './rng.js'

/** Pairwise squared distances among `rows` (m x m). */
function pairwise(F: Float32Array, k: number, rows: number[]): Float64Array {
  const m = rows.length
  const D = new Float64Array(m * m)
  for (let a = 0; a < m; a++)
    for (let b = a + 1; b < m; b++) {
      const v = squaredDistance(F, rows[a]!, F, rows[b]!, k)
      D[a * m + b] = v
      D[b * m + a] = v
    }
  return D
}

/**
 * `count` medoids among `rows` (pool rows out), as sklearn_extra's KMedoids(init="k-medoids++",
 * method="alternate", metric="euclidean"): k-means++ seeding on squared distances with
 * 2 + floor(ln count) candidates per step (the one lowering the potential most wins), then
 * alternate assignment and per-cluster medoid update on plain Euclidean distances until the
 * medoids stop changing (at most 300 rounds).
 */
export function kMedoids(F: Float32Array, k: number, rows: number[], count: number, rng: Rng): number[] {
  const m = rows.length
  if (count >= m) return [...rows]
  const D2 = pairwise(F, k, rows)
  const D = D2.map(Math.sqrt)
  const trials = 2 + Math.floor(Math.log(count))
  const medoids = [rng.int(m)]
  let closest = D2.slice(0, m) // squared distance of each row to its nearest seed
  let potential = closest.reduce((a, b) => a + b, 0)
  while (medoids.length < count) {
    let best = -1,
      bestPotential = Infinity,
      bestClosest = closest
    for (let t = 0; t < trials; t++) {
      // rounding can leave u >= 0 after the last row: then the last row not yet at distance 0
      // (never an existing medoid, which would repeat a clip)
      let u = rng.uniform() * potential,
        candidate = -1
      for (let i = 0; i < m; i++) {
        u -= closest[i]!
        if (u < 0) {
          candidate = i
          break
        }
      }
      if (candidate < 0) for (let i = m - 1; i >= 0 && candidate < 0; i--) if (closest[i]! > 0) candidate = i
      if (candidate < 0) continue
      const next = closest.map((v, i) => Math.min(v, D2[candidate * m + i]!))
      const p = next.reduce((a, b) => a + b, 0)
      if (p < bestPotential) {
        best = candidate
        bestPotential = p
        bestClosest = next
      }
    }
    // every row coincides with a medoid (duplicate vectors): no distinct medoid is left
    if (best < 0) break
    medoids.push(best)
    closest = bestClosest
    potential = bestPotential
  }
  const assign = new Int32Array(m)
  for (let iter = 0; iter < 300; iter++) {
    for (let i = 0; i < m; i++) {
      let nearest = 0,
        nearestD = Infinity
      medoids.forEach((c, j) => {
        const v = D[c * m + i]!
        if (v < nearestD) {
          nearestD = v
          nearest = j
        }
      })
      assign[i] = nearest
    }
    let changed = false
    medoids.forEach((c, j) => {
      const members: number[] = []
      for (let a = 0; a < m; a++) if (assign[a] === j) members.push(a)
      const cost = (a: number) => members.reduce((s, b) => s + D[a * m + b]!, 0)
      let best = c,
        bestCost = cost(c)
      for (const a of members) {
        const v = cost(a)
        if (v < bestCost) {
          bestCost = v
          best = a
        }
      }
      if (best !== c) {
        medoids[j] = best
        changed = true
      }
    })
    if (!changed) break
  }
  return medoids.map((i) => rows[i]!)
}

/** Greedy facility location with similarity exp(-d^2 / median d^2); returns pool rows in pick order (all of them when count >= rows). */
export function facilityLocation(F: Float32Array, k: number, rows: number[], count: number): number[] {
  const m = rows.length
  if (m <= 1) return [...rows]
  count = Math.min(count, m)
  const D = pairwise(F, k, rows)
  // the median over every 7th pair, or over all pairs of a small set
  const stride = m * m > 1000 ? 7 : 1
  const sample = Array.from(D.filter((_, i) => i % (m + 1) !== 0 && i % stride === 0)).sort((a, b) => a - b)
  const sigma = Math.max(1e-12, sample[Math.floor(sample.length / 2)] ?? 1)
  const S = D.map((v) => gaussianSimilarity(v, sigma))
  const cover = new Float64Array(m)
  const chosen: number[] = []
  const taken = new Uint8Array(m)
  while (chosen.length < count) {
    let best = -1,
      bestGain = -1
    for (let j = 0; j < m; j++) {
      if (taken[j]) continue
      let gain = 0
      for (let i = 0; i < m; i++) {
        const v = S[i * m + j]! - cover[i]!
        if (v > 0) gain += v
      }
      if (gain > bestGain) {
        bestGain = gain
        best = j
      }
    }
    taken[best] = 1
    chosen.push(best)
    for (let i = 0; i < m; i++) cover[i] = Math.max(cover[i]!, S[i * m + best]!)
  }
  return chosen.map((i) => rows[i]!)
}
