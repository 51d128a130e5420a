/**
 * Platt scaling of several seeds on a second thread while this one does other work (the
 * seed-free predictions): speech eval fits 10 seeds' scalings per leaderboard, and they do not
 * depend on which thread fits them, so the results are the same bits either way.
 *
 * The helper is one worker thread (platt-worker.ts), started on first use when this is the main
 * thread and the machine has a second core, kept and unref'd. Seeds are shared out through a
 * shared Int32Array of claims: the helper takes them from the first, this thread from the last
 * once its other work is done, so neither waits for a helper that is still starting. A seed the
 * helper fails on, or has not finished within a second plus four times this thread's slowest fit
 * (a helper that died mid-seed), is fitted here.
 */
import { availableParallelism } from 'node:os'
import { isMainThread, Worker } from 'node:worker_threads'
import { fitPlattScaling, libsvmSeedFor, type PlattScaling, type SvcPairs } from './svc.js'

/** claim states, one Int32 per seed */
export const FREE = 0,
  HELPER_BUSY = 1,
  HELPER_DONE = 2,
  HELPER_FAILED = 3,
  OURS = 4

export interface PlattJob {
  svc: SvcPairs
  seeds: number[]
  /** Int32Array: one claim state per seed */
  claims: SharedArrayBuffer
  /** Float64Array: per seed, probA (pairs) then probB (pairs) */
  results: SharedArrayBuffer
}

let helper: Worker | null | undefined

/** How long a seed the helper took may keep this thread waiting: this, plus HELPER_PATIENCE times its own slowest fit. */
const HELPER_GRACE_MS = 1000
const HELPER_PATIENCE = 4

/**
 * No helper thread in this process: everything is fitted here. For a process that is already one
 * of several running side by side, one per core (the server's scoring processes): a helper would
 * put two threads on each core and make the machine's throughput lower, not higher.
 */
export function noPlattHelper(): void {
  void helper?.terminate()
  helper = null
}

function helperThread(): Worker | null {
  if (helper === undefined) {
    helper = null
    if (isMainThread && availableParallelism() > 1) {
      try {
        helper = new Worker(new URL('./platt-worker.js', import.meta.url), { execArgv: [] })
        helper.unref()
        helper.on('error', () => {
          helper = null // seeds it had claimed time out below and are fitted here
        })
      } catch {
        helper = null
      }
    }
  }
  return helper
}

/**
 * The scalings of `seeds`, fitted partly on the helper thread while `meanwhile` runs here.
 * `byHelper` (how many seeds the helper fitted) is for tests that check the helper took part.
 */
export function plattScalingsAlongside<T>(
  svc: SvcPairs,
  seeds: readonly number[],
  meanwhile: () => T,
): { scalings: PlattScaling[]; value: T; byHelper: number } {
  const n = seeds.length
  const P = svc.pairs.length
  const worker = n > 1 ? helperThread() : null
  const claims = new Int32Array(new SharedArrayBuffer(4 * n))
  const results = new Float64Array(new SharedArrayBuffer(8 * 2 * P * n))
  if (worker) {
    const job: PlattJob = {
      svc,
      seeds: [...seeds],
      claims: claims.buffer as SharedArrayBuffer,
      results: results.buffer as SharedArrayBuffer,
    }
    worker.postMessage(job)
  }
  const value = meanwhile()
  const scalings: PlattScaling[] = new Array(n)
  let byHelper = 0
  let slowestOwnMs = 0
  for (let s = n - 1; s >= 0; s--) {
    if (Atomics.compareExchange(claims, s, FREE, OURS) !== FREE) continue
    const started = Date.now()
    scalings[s] = fitPlattScaling(svc, libsvmSeedFor(seeds[s]!))
    slowestOwnMs = Math.max(slowestOwnMs, Date.now() - started)
  }
  for (let s = 0; s < n; s++) {
    if (scalings[s]) continue
    // claimed by the helper: wait for it, but not for a helper that died meanwhile (it cannot say
    // so: this thread's events wait while it blocks). Both threads fit seeds of one size, so one
    // still busy after several times this thread's slowest fit is fitted here too (the same bits).
    // Atomics.wait may return early with the state unchanged: wait again until the deadline
    const deadline = Date.now() + HELPER_GRACE_MS + HELPER_PATIENCE * slowestOwnMs
    let state = Atomics.load(claims, s)
    while (state === HELPER_BUSY && Date.now() < deadline) {
      Atomics.wait(claims, s, HELPER_BUSY, deadline - Date.now())
      state = Atomics.load(claims, s)
    }
    if (state === HELPER_DONE) {
      scalings[s] = {
        probA: results.slice(2 * P * s, 2 * P * s + P),
        probB: results.slice(2 * P * s + P, 2 * P * (s + 1)),
      }
      byHelper++
    } else scalings[s] = fitPlattScaling(svc, libsvmSeedFor(seeds[s]!))
  }
  return { scalings, value, byHelper }
}
