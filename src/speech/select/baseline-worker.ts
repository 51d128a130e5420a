/**
 * Worker thread of the baseline selection: computes its share of the distance rows of the
 * selection it is sent into shared memory, then scores the (target split, nontarget split) pairs
 * it is sent. It stays for later selections in the same process (baseline.ts keeps it idle).
 */
import { parentPort } from 'node:worker_threads'
import { distanceTable, scorePair, type BaselineJob, type BaselinePlan, type BaselinePool } from './baseline.js'

let current: { pool: BaselinePool; plan: BaselinePlan; distances: Float64Array; seed: number } | undefined

parentPort!.on(
  'message',
  (
    message:
      | { kind: 'distances'; job: BaselineJob; from: number; to: number }
      | { kind: 'pair'; p: number; i: number; j: number },
  ) => {
    if (message.kind === 'distances') {
      const { job } = message
      current = {
        pool: { ...job.pool, X: new Float32Array(job.pool.X) },
        plan: job.plan,
        distances: new Float64Array(job.distances),
        seed: job.seed,
      }
      distanceTable(current.pool, job.plan, message.from, message.to, current.distances)
      parentPort!.postMessage({ kind: 'distances' })
    } else {
      const { pool, plan, distances, seed } = current!
      parentPort!.postMessage({
        kind: 'pair',
        p: message.p,
        score: scorePair(pool, plan, distances, message.i, message.j, seed),
      })
    }
  },
)
