/** Farthest point sampling: pruned and threaded versions pick exactly plain FPS's indices (NumPy). */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { farthestPointSampling, farthestPointSamplingSync } from '../src/ml/fps.js'
import { Rng } from '../src/ml/rng.js'
import { ORACLE_PYTHON } from './helpers/oracle.js'
import { REPO_ROOT } from './helpers/paths.js'

function clustered(n: number, d: number, seed: number): Float32Array {
  const rng = new Rng(seed)
  const centers = Array.from({ length: 30 }, () => Float32Array.from({ length: d }, () => rng.normal()))
  const X = new Float32Array(n * d)
  for (let i = 0; i < n; i++) {
    if (i % 50 === 1) { X.copyWithin(i * d, (i - 1) * d, i * d); continue } // exact duplicates: ties
    const c = centers[rng.int(centers.length)]!
    for (let j = 0; j < d; j++) X[i * d + j] = c[j]! + 0.4 * rng.normal()
  }
  return X
}

test('FPS equals a plain NumPy FPS, single-threaded and with worker threads', async () => {
  const n = 20000, d = 64, k = 150
  const X = clustered(n, d, 3)
  const dir = mkdtempSync(join(tmpdir(), 'dataperf-fps-'))
  writeFileSync(join(dir, 'x.bin'), new Uint8Array(X.buffer))
  const numpy = JSON.parse(execFileSync(ORACLE_PYTHON, [join(REPO_ROOT, 'bench/fps_numpy.py'), join(dir, 'x.bin'), String(n), String(d), String(k), '7'], { encoding: 'utf8' })) as { indices: number[] }
  const sync = farthestPointSamplingSync(X, n, d, k, { first: 7 })
  assert.deepEqual(Array.from(sync), numpy.indices)
  const threaded = await farthestPointSampling(X, n, d, k, { first: 7, threads: 2 })
  assert.deepEqual(Array.from(threaded), numpy.indices)
  assert.equal(new Set(numpy.indices).size, k, 'no point chosen twice')
})

test('FPS handles k >= n and tiny inputs', async () => {
  const X = Float32Array.from([0, 0, 1, 0, 5, 5])
  assert.deepEqual(Array.from(farthestPointSamplingSync(X, 3, 2, 10)), [0, 2, 1])
  assert.deepEqual(Array.from(await farthestPointSampling(X, 3, 2, 2)), [0, 2])
})
