/**
 * Worker thread of the baseline selection: computes its share of the distance rows into shared
 * memory, then scores the (target split, nontarget split) pairs it is sent.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { distanceTable, scorePair, type BaselinePlan, type BaselinePool } from './baseline.js'

interface Init {
  pool: Omit<BaselinePool, 'X'> & { X: SharedArrayBuffer }
  plan: BaselinePlan
  distances: SharedArrayBuffer
  seed: number
}

const init = workerData as Init
const pool: BaselinePool = { ...init.pool, X: new Float32Array(init.pool.X) }
const distances = new Float64Array(init.distances)
const C = init.plan.columns.length

parentPort!.on(
  'message',
  (message: { kind: 'distances'; from: number; to: number } | { kind: 'pair'; p: number; i: number; j: number }) => {
    if (message.kind === 'distances') {
      distances.set(distanceTable(pool, init.plan, message.from, message.to), message.from * C)
      parentPort!.postMessage({ kind: 'distances' })
    } else {
      parentPort!.postMessage({
        kind: 'pair',
        p: message.p,
        score: scorePair(pool, init.plan, distances, message.i, message.j, init.seed),
      })
    }
  },
)
