/** Farthest point sampling: the lazy, SIMD-filtered and sharded versions pick exactly plain FPS's indices (NumPy). */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { setTimeout as sleep } from 'node:timers/promises'
import { farthestPointSampling, farthestPointSamplingSync } from '../src/ml/fps.js'
import type { FpsWorkerData } from '../src/ml/fps-worker.js'
import { Rng } from '../src/ml/rng.js'
import { ORACLE_PYTHON } from './helpers/oracle.js'
import { REPO_ROOT } from './helpers/paths.js'
import { tempFolder } from './helpers/temp-folder.js'

function clustered(n: number, d: number, seed: number, spread = 0.4): Float32Array {
  const rng = new Rng(seed)
  const centers = Array.from({ length: 30 }, () => Float32Array.from({ length: d }, () => rng.normal()))
  const X = new Float32Array(n * d)
  for (let i = 0; i < n; i++) {
    if (i % 50 === 1) {
      X.copyWithin(i * d, (i - 1) * d, i * d)
      continue
    } // exact duplicates: ties
    const c = centers[rng.int(centers.length)]!
    for (let j = 0; j < d; j++) X[i * d + j] = c[j]! + spread * rng.normal()
  }
  return X
}

function numpyFps(X: Float32Array, n: number, d: number, k: number, first: number): number[] {
  const dir = tempFolder('fps')
  try {
    writeFileSync(join(dir, 'x.bin'), new Uint8Array(X.buffer, X.byteOffset, X.byteLength))
    return (
      JSON.parse(
        execFileSync(
          ORACLE_PYTHON,
          [join(REPO_ROOT, 'bench/fps_numpy.py'), join(dir, 'x.bin'), String(n), String(d), String(k), String(first)],
          { encoding: 'utf8' },
        ),
      ) as { indices: number[] }
    ).indices
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test('FPS equals a plain NumPy FPS, on the calling thread and over 2 and 3 worker threads', async () => {
  const n = 20000,
    d = 64,
    k = 150
  const X = clustered(n, d, 3)
  const expected = numpyFps(X, n, d, k, 7)
  assert.equal(new Set(expected).size, k, 'no point chosen twice')
  assert.deepEqual(Array.from(farthestPointSamplingSync(X, n, d, k, { first: 7 })), expected)
  assert.deepEqual(Array.from(await farthestPointSampling(X, n, d, k, { first: 7, threads: 2 })), expected)
  const shared = new Float32Array(new SharedArrayBuffer(X.byteLength))
  shared.set(X)
  assert.deepEqual(Array.from(await farthestPointSampling(shared, n, d, k, { first: 7, threads: 3 })), expected)
})

test('FPS equals NumPy when d is not a multiple of the SIMD width and values are far from the origin', async () => {
  const n = 3000,
    d = 13,
    k = 200
  const X = clustered(n, d, 5, 2)
  for (let i = 0; i < X.length; i++) X[i]! += 1000 // float32 rounding matters more here
  const expected = numpyFps(X, n, d, k, 0)
  assert.deepEqual(Array.from(farthestPointSamplingSync(X, n, d, k)), expected)
  assert.deepEqual(Array.from(await farthestPointSampling(X, n, d, k, { threads: 2 })), expected)
})

test('FPS past the distinct points keeps choosing as plain FPS does (lowest index among zero distances)', async () => {
  const d = 3
  const X = Float32Array.from([0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 5, 5, 5])
  const expected = numpyFps(X, 5, d, 5, 1)
  assert.deepEqual(Array.from(farthestPointSamplingSync(X, 5, d, 5, { first: 1 })), expected)
  assert.deepEqual(Array.from(await farthestPointSampling(X, 5, d, 5, { first: 1, threads: 2 })), expected)
})

test('FPS handles k >= n and tiny inputs, and reports progress', async () => {
  const X = Float32Array.from([0, 0, 1, 0, 5, 5])
  const progress: number[] = []
  assert.deepEqual(
    Array.from(farthestPointSamplingSync(X, 3, 2, 10, { onProgress: (done) => progress.push(done) })),
    [0, 2, 1],
  )
  assert.deepEqual(progress, [1, 2, 3])
  assert.deepEqual(Array.from(await farthestPointSampling(X, 3, 2, 2)), [0, 2])
  assert.deepEqual(Array.from(farthestPointSamplingSync(X, 3, 2, 0)), [])
})

test('an FPS worker takes a round only when the generation changes: a wake-up without one (Atomics.wait may return early) does nothing', async () => {
  const n = 400,
    d = 13
  const points = new Float32Array(new SharedArrayBuffer(n * d * 4))
  points.set(clustered(n, d, 9))
  const control = new Int32Array(new SharedArrayBuffer(16))
  const results = new Float64Array(new SharedArrayBuffer(32))
  const workerData: FpsWorkerData = {
    points: points.buffer as SharedArrayBuffer,
    pointsOffset: 0,
    pointsLength: n * d,
    d,
    from: 0,
    to: n,
    capacity: 10,
    first: 5,
    control: control.buffer as SharedArrayBuffer,
    results: results.buffer as SharedArrayBuffer,
    slot: 0,
    shards: 1,
  }
  const worker = new Worker(new URL('../src/ml/fps-worker.js', import.meta.url), { workerData })
  const exited = new Promise((resolve) => worker.once('exit', resolve))
  const errors: unknown[] = []
  worker.on('error', (e) => errors.push(e))
  try {
    const deadline = Date.now() + 20_000
    while (Atomics.load(control, 2) < 1 && Date.now() < deadline) await sleep(5)
    assert.equal(Atomics.load(control, 2), 1, 'the first report')
    // wake the worker with the generation unchanged, as a spurious return of Atomics.wait would
    for (let i = 0; i < 20; i++) {
      Atomics.notify(control, 0)
      await sleep(5)
    }
    assert.equal(Atomics.load(control, 2), 1, 'no round taken without a new generation')
    assert.equal(Atomics.load(control, 3), 0, 'no failure')
    // a real round still runs: the reported farthest row becomes the next center
    const farthest = results[1]!
    Atomics.store(control, 2, 0)
    Atomics.store(control, 1, farthest)
    Atomics.add(control, 0, 1)
    Atomics.notify(control, 0)
    while (Atomics.load(control, 2) < 1 && Date.now() < deadline) await sleep(5)
    assert.equal(Atomics.load(control, 2), 1, 'the round after a real generation change is reported')
    assert.notEqual(results[1], farthest)
  } finally {
    Atomics.store(control, 1, -1)
    Atomics.add(control, 0, 1)
    Atomics.notify(control, 0)
    await exited
  }
  assert.deepEqual(errors, [])
})
