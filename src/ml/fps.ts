/**
 * Farthest point sampling (FPS): start from one point, then repeatedly take the point whose
 * squared Euclidean distance to the chosen set is largest (ties: lowest index). Distances are
 * float64 sums over coordinates in order, so any implementation that sums the same way (our
 * NumPy reference does, column by column) picks the same indices.
 *
 * Written by hand because no library does exact FPS at this scale. It is exact and fast by lazy
 * updates (see fps-shard.ts) with a float32 SIMD kernel that rules centers out before any exact
 * distance is computed (wasm/fps-catch-up.wat). With worker threads the rows are split into
 * shards, one per thread: each round every shard finds its own farthest point and the farthest of
 * those (ties: lowest row) is the next center.
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { FpsShard } from './fps-shard.js'
import type { FpsWorkerData } from './fps-worker.js'
import type { ProgressCount } from '../progress.js'

export interface FpsOptions {
  first?: number
  threads?: number
  onProgress?: ProgressCount
}

/** by default, below this many rows per thread a worker costs more than it saves */
const MIN_ROWS_PER_THREAD = 50_000

/** FPS on the calling thread. */
export function farthestPointSamplingSync(
  points: Float32Array,
  n: number,
  d: number,
  k: number,
  options: FpsOptions = {},
): Int32Array {
  const chosen = new Int32Array(Math.min(k, n))
  if (chosen.length === 0) return chosen
  chosen[0] = options.first ?? 0
  const shard = new FpsShard(points, d, 0, n, chosen.length, chosen[0]!)
  options.onProgress?.(1, chosen.length)
  for (let i = 1; i < chosen.length; i++) {
    if (i > 1) shard.addCenter(chosen[i - 1]!)
    chosen[i] = shard.farthest().row
    options.onProgress?.(i + 1, chosen.length)
  }
  return chosen
}

/**
 * FPS over worker threads, one shard of rows each (points are copied into shared memory unless
 * they already are). Same indices as farthestPointSamplingSync.
 */
export async function farthestPointSampling(
  points: Float32Array,
  n: number,
  d: number,
  k: number,
  options: FpsOptions = {},
): Promise<Int32Array> {
  const threads = Math.max(
    1,
    Math.min(n, options.threads ?? Math.min(availableParallelism(), Math.floor(n / MIN_ROWS_PER_THREAD))),
  )
  const kk = Math.min(k, n)
  if (threads <= 1 || kk <= 1) return farthestPointSamplingSync(points, n, d, k, options)
  const shared =
    points.buffer instanceof SharedArrayBuffer
      ? points
      : (() => {
          const s = new Float32Array(new SharedArrayBuffer(n * d * 4))
          s.set(points.subarray(0, n * d))
          return s
        })()
  const control = new Int32Array(new SharedArrayBuffer(16))
  const results = new Float64Array(new SharedArrayBuffer(threads * 16))
  const chosen = new Int32Array(kk)
  chosen[0] = options.first ?? 0
  const workers = Array.from({ length: threads }, (_, slot) => {
    const workerData: FpsWorkerData = {
      points: shared.buffer as SharedArrayBuffer,
      pointsOffset: shared.byteOffset,
      pointsLength: n * d,
      d,
      from: Math.floor((slot * n) / threads),
      to: Math.floor(((slot + 1) * n) / threads),
      capacity: kk,
      first: chosen[0]!,
      control: control.buffer as SharedArrayBuffer,
      results: results.buffer as SharedArrayBuffer,
      slot,
      shards: threads,
    }
    return new Worker(new URL('./fps-worker.js', import.meta.url), { workerData, execArgv: [] })
  })
  const failed = new Promise<never>((_, reject) => workers.forEach((w) => w.once('error', reject)))
  failed.catch(() => {}) // observed below, by whichever round is waiting
  try {
    options.onProgress?.(1, kk)
    for (let i = 1; i < kk; i++) {
      if (i > 1) {
        Atomics.store(control, 2, 0)
        Atomics.store(control, 1, chosen[i - 1]!)
        Atomics.add(control, 0, 1)
        Atomics.notify(control, 0)
      }
      await allShardsDone(control, threads, failed)
      let best = -Infinity,
        bestRow = -1
      for (let t = 0; t < threads; t++) {
        const distance = results[2 * t]!,
          row = results[2 * t + 1]!
        if (row >= 0 && (distance > best || (distance === best && row < bestRow) || bestRow < 0)) {
          best = distance
          bestRow = row
        }
      }
      chosen[i] = bestRow
      options.onProgress?.(i + 1, kk)
    }
  } finally {
    Atomics.store(control, 1, -1)
    Atomics.add(control, 0, 1)
    Atomics.notify(control, 0)
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once('exit', resolve))))
  }
  return chosen
}

/** Waits (without blocking the event loop) until every shard has reported this round. */
async function allShardsDone(control: Int32Array, shards: number, failed: Promise<never>): Promise<void> {
  const waitAsync = (
    Atomics as unknown as {
      waitAsync: (a: Int32Array, i: number, v: number) => { async: boolean; value: Promise<string> | string }
    }
  ).waitAsync
  for (let done = Atomics.load(control, 2); done < shards; done = Atomics.load(control, 2)) {
    const wait = waitAsync(control, 2, done)
    if (wait.async) await Promise.race([wait.value, failed])
  }
  if (Atomics.load(control, 3)) await failed
}
