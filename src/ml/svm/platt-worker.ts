/**
 * The Platt-scaling helper thread (platt-thread.ts): for each job, fits the seeds it can claim,
 * first to last, and writes their probA/probB into the job's shared results.
 */
import { parentPort } from 'node:worker_threads'
import { FREE, HELPER_BUSY, HELPER_DONE, HELPER_FAILED, type PlattJob } from './platt-thread.js'
import { fitPlattScaling, libsvmSeedFor } from './svc.js'

parentPort!.on('message', (job: PlattJob) => {
  const claims = new Int32Array(job.claims)
  const results = new Float64Array(job.results)
  const P = job.svc.pairs.length
  for (let s = 0; s < job.seeds.length; s++) {
    if (Atomics.compareExchange(claims, s, FREE, HELPER_BUSY) !== FREE) continue
    try {
      const scaling = fitPlattScaling(job.svc, libsvmSeedFor(job.seeds[s]!))
      results.set(scaling.probA, 2 * P * s)
      results.set(scaling.probB, 2 * P * s + P)
      Atomics.store(claims, s, HELPER_DONE)
    } catch {
      Atomics.store(claims, s, HELPER_FAILED)
    }
    Atomics.notify(claims, s)
  }
})
