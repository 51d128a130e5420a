/**
 * Farthest point sampling (FPS): start from one point, then repeatedly take the point whose
 * squared Euclidean distance to the chosen set is largest (ties: lowest index). Distances are
 * float64 sums over coordinates in order, so any implementation that sums the same way (our
 * NumPy reference does, column by column) picks the same indices.
 *
 * Speed without changing the result: a point's distance to a new center is computed only when a
 * lower bound does not already rule it out. The bound is the triangle inequality through the
 * point's current nearest center a: d(p, c) >= d(a, c) - d(p, a); when d(a, c) >= 2 d(p, a), c
 * cannot be nearer than a. A relative margin keeps rounding from ever skipping a closer center.
 * Work is split across worker threads over shared memory.
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'

export interface FpsOptions {
  first?: number
  threads?: number
  onProgress?: (done: number, total: number) => void
}

const MARGIN = 1 + 1e-9

/** Squared distance between rows a (of A) and b (of B), float64 sum in coordinate order. */
function sqDist(A: Float32Array, a: number, B: Float32Array, b: number, d: number): number {
  let s = 0
  const ao = a * d, bo = b * d
  for (let j = 0; j < d; j++) { const t = A[ao + j]! - B[bo + j]!; s += t * t }
  return s
}

/** Updates min distances of points [from, to) for the new center; returns the best (value, index). */
function updateRange(points: Float32Array, d: number, minDist: Float64Array, nearest: Int32Array,
  centerIndex: number, centerSlot: number, centerDist: Float64Array, from: number, to: number): [number, number] {
  let best = -1, bestIndex = -1
  for (let p = from; p < to; p++) {
    let m = minDist[p]!
    const a = nearest[p]!
    // centerDist[a] = squared distance between center slot a and the new center
    if (a < 0 || centerDist[a]! < 4 * m * MARGIN) {
      const dist = sqDist(points, p, points, centerIndex, d)
      if (dist < m) { m = dist; minDist[p] = dist; nearest[p] = centerSlot }
    }
    if (m > best) { best = m; bestIndex = p }
  }
  return [best, bestIndex]
}

/** Single-thread FPS: the reference implementation and the path for small inputs. */
export function farthestPointSamplingSync(points: Float32Array, n: number, d: number, k: number, options: FpsOptions = {}): Int32Array {
  const chosen = new Int32Array(Math.min(k, n))
  if (chosen.length === 0) return chosen
  const minDist = new Float64Array(n).fill(Infinity)
  const nearest = new Int32Array(n).fill(-1)
  const centerDist = new Float64Array(chosen.length)
  let c = options.first ?? 0
  for (let i = 0; i < chosen.length; i++) {
    chosen[i] = c
    for (let s = 0; s < i; s++) centerDist[s] = sqDist(points, chosen[s]!, points, c, d)
    const [, next] = updateRange(points, d, minDist, nearest, c, i, centerDist, 0, n)
    options.onProgress?.(i + 1, chosen.length)
    c = next
  }
  return chosen
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { points, d, minDist, nearest, centerDist, control, results, from, to, slot } = workerData
const P = new Float32Array(points), M = new Float64Array(minDist), N = new Int32Array(nearest)
const C = new Float64Array(centerDist), ctl = new Int32Array(control), R = new Float64Array(results)
const MARGIN = ${MARGIN}
let generation = 0
for (;;) {
  Atomics.wait(ctl, 0, generation)
  generation = Atomics.load(ctl, 0)
  const center = ctl[1], centerSlot = ctl[2]
  if (center < 0) break
  let best = -1, bestIndex = -1
  const co = center * d
  for (let p = from; p < to; p++) {
    let m = M[p]
    const a = N[p]
    if (a < 0 || C[a] < 4 * m * MARGIN) {
      let s = 0
      const po = p * d
      for (let j = 0; j < d; j++) { const t = P[po + j] - P[co + j]; s += t * t }
      if (s < m) { m = s; M[p] = s; N[p] = centerSlot }
    }
    if (m > best) { best = m; bestIndex = p }
  }
  R[slot * 2] = best
  R[slot * 2 + 1] = bestIndex
  if (Atomics.add(ctl, 3, 1) + 1 === workerData.workers) Atomics.notify(ctl, 3)
}
`

/**
 * FPS over worker threads sharing the points and the per-point state. Returns the same indices
 * as farthestPointSamplingSync.
 */
export async function farthestPointSampling(points: Float32Array, n: number, d: number, k: number, options: FpsOptions = {}): Promise<Int32Array> {
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), Math.floor(n / 10000)))
  if (threads <= 1) return farthestPointSamplingSync(points, n, d, k, options)
  const shared = points.buffer instanceof SharedArrayBuffer ? points : (() => {
    const s = new Float32Array(new SharedArrayBuffer(n * d * 4))
    s.set(points.subarray(0, n * d))
    return s
  })()
  const minDist = new SharedArrayBuffer(n * 8), nearest = new SharedArrayBuffer(n * 4)
  new Float64Array(minDist).fill(Infinity)
  new Int32Array(nearest).fill(-1)
  const kk = Math.min(k, n)
  const centerDist = new SharedArrayBuffer(Math.max(kk, 1) * 8)
  const control = new SharedArrayBuffer(16), results = new SharedArrayBuffer(threads * 16)
  const ctl = new Int32Array(control), R = new Float64Array(results), C = new Float64Array(centerDist)
  const workers: Worker[] = []
  for (let t = 0; t < threads; t++) {
    workers.push(new Worker(WORKER_SOURCE, {
      eval: true, execArgv: [],
      workerData: { points: shared.buffer, d, minDist, nearest, centerDist, control, results, from: Math.floor((t * n) / threads), to: Math.floor(((t + 1) * n) / threads), slot: t, workers: threads },
    }))
  }
  const chosen = new Int32Array(kk)
  try {
    let c = options.first ?? 0
    for (let i = 0; i < kk; i++) {
      chosen[i] = c
      for (let s = 0; s < i; s++) C[s] = sqDist(shared, chosen[s]!, shared, c, d)
      Atomics.store(ctl, 3, 0)
      ctl[1] = c
      ctl[2] = i
      Atomics.add(ctl, 0, 1)
      Atomics.notify(ctl, 0)
      // block until every worker has reported (Node allows Atomics.wait on the main thread)
      for (let done = Atomics.load(ctl, 3); done < threads; done = Atomics.load(ctl, 3)) Atomics.wait(ctl, 3, done)
      let best = -1, bestIndex = -1
      for (let t = 0; t < threads; t++) {
        const v = R[t * 2]!, idx = R[t * 2 + 1]!
        if (v > best || (v === best && idx < bestIndex)) { best = v; bestIndex = idx }
      }
      options.onProgress?.(i + 1, kk)
      c = bestIndex
    }
  } finally {
    ctl[1] = -1
    Atomics.add(ctl, 0, 1)
    Atomics.notify(ctl, 0)
    await Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r))))
  }
  return chosen
}
