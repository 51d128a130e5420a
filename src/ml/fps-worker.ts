/**
 * Worker thread of farthest point sampling (src/ml/fps.ts): owns one shard of the shared points.
 * Protocol over the shared Int32Array `control`: [0] generation (bumped by the main thread to
 * start a round), [1] the new center's row (-1: stop), [2] shards done this round, [3] failed.
 * Each round the worker adds the center, writes its shard's farthest (distance, row) into
 * results[2 * slot ..], and counts itself done.
 */
import { workerData } from 'node:worker_threads'
import { FpsShard } from './fps-shard.js'

export interface FpsWorkerData {
  points: SharedArrayBuffer
  pointsOffset: number
  pointsLength: number
  d: number
  from: number
  to: number
  capacity: number
  first: number
  control: SharedArrayBuffer
  results: SharedArrayBuffer
  slot: number
  shards: number
}

const data = workerData as FpsWorkerData
const control = new Int32Array(data.control)
const results = new Float64Array(data.results)

function report(shard: FpsShard): void {
  const { row, distance } = shard.farthest()
  results[2 * data.slot] = distance
  results[2 * data.slot + 1] = row
  if (Atomics.add(control, 2, 1) + 1 === data.shards) Atomics.notify(control, 2)
}

try {
  const P = new Float32Array(data.points, data.pointsOffset, data.pointsLength)
  const shard = new FpsShard(P, data.d, data.from, data.to, data.capacity, data.first)
  report(shard)
  for (let generation = 0; ; ) {
    // Atomics.wait can return with the generation unchanged (seen under load, ~1 run in 40): a
    // round taken twice adds a stale center and counts this shard done twice, so the main thread
    // reads the other shard's previous result. Wait until the main thread really starts a round.
    let now: number
    while ((now = Atomics.load(control, 0)) === generation) Atomics.wait(control, 0, generation)
    generation = now
    const center = Atomics.load(control, 1)
    if (center < 0) break
    shard.addCenter(center)
    report(shard)
  }
} catch (error) {
  Atomics.store(control, 3, 1)
  Atomics.add(control, 2, data.shards) // wake the main thread
  Atomics.notify(control, 2)
  throw error
}
