/**
 * Kernel herding (ml/kernel-herding.ts): its first pick is the densest row, its picks match a
 * two-cluster mixture's proportions, and its set is closer in MMD to the rows than random subsets
 * of the same size; and the sample a large class is herded within (speech/select/kernel-herding.ts
 * kernelRows). The speech selection built on it is tested with the other built-ins in
 * test/speech-algorithms.test.ts.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { gammaScale, herdSubset, kernelHerding, rowKernel } from '../src/ml/kernel-herding.js'
import { squaredDistance } from '../src/ml/random-projection.js'
import { Rng } from '../src/ml/rng.js'
import { rbf } from '../src/ml/svm/rbf-kernel.js'
import { kernelRows } from '../src/speech/select/kernel-herding.js'

/** MMD^2 between the rows `picked` and all `rows` under exp(-gamma d^2), computed directly (the check on herding's picks). */
function squaredMmd(F: Float32Array, k: number, rows: number[], picked: number[], gamma: number): number {
  const kernel = (a: number, b: number) => rbf(squaredDistance(F, a, F, b, k), gamma)
  const mean = (A: number[], B: number[]) => {
    let s = 0
    for (const a of A) for (const b of B) s += kernel(a, b)
    return s / (A.length * B.length)
  }
  return mean(picked, picked) - 2 * mean(picked, rows) + mean(rows, rows)
}

/** n points in 2-d: a share `big` around (0, 0), the rest around (6, 0), unit Gaussian noise. */
function mixture(n: number, big: number, seed: number): Float32Array {
  const rng = new Rng(seed)
  const F = new Float32Array(n * 2)
  for (let i = 0; i < n; i++) {
    F[i * 2] = (i < n * big ? 0 : 6) + rng.normal()
    F[i * 2 + 1] = rng.normal()
  }
  return F
}

test('kernel herding: first pick is the densest row, picks follow the mixture, MMD below random subsets', () => {
  const n = 200
  const F = mixture(n, 0.75, 1)
  const rows = Array.from({ length: n }, (_, i) => i)
  const gamma = gammaScale(F, n, 2)
  const picked = kernelHerding(F, 2, rows, 8, gamma)
  assert.equal(new Set(picked).size, 8)
  // the first pick maximises the mean kernel value to all rows
  const density = (a: number) =>
    rows.reduce(
      (s, b) => s + Math.exp(-gamma * ((F[a * 2]! - F[b * 2]!) ** 2 + (F[a * 2 + 1]! - F[b * 2 + 1]!) ** 2)),
      0,
    )
  const densest = rows.reduce((best, a) => (density(a) > density(best) ? a : best), 0)
  assert.equal(picked[0], densest)
  // 75% / 25%: six of eight picks from the big cluster, two from the small one
  assert.equal(picked.filter((r) => r < n * 0.75).length, 6, `picks ${picked}`)
  const mmd = squaredMmd(F, 2, rows, picked, gamma)
  const rng = new Rng(2)
  let below = 0
  for (let t = 0; t < 50; t++) {
    const draw = [...rows]
    rng.shuffle(draw)
    if (mmd < squaredMmd(F, 2, rows, draw.slice(0, 8), gamma)) below++
  }
  assert.ok(below >= 48, `herded MMD ${mmd} below only ${below} of 50 random subsets`)
  // greedy: a smaller budget is a prefix of a larger one; a budget above the rows orders them all
  assert.deepEqual(kernelHerding(F, 2, rows, 3, gamma), picked.slice(0, 3))
  assert.deepEqual([...kernelHerding(F, 2, [3, 4, 5], 5, gamma)].sort(), [3, 4, 5])
  // herding a subset through the whole set's kernel matrix picks what herding the subset alone does
  const subset = rows.filter((r) => r % 3 !== 0)
  assert.deepEqual(herdSubset(rowKernel(F, 2, rows, gamma), subset, 6), kernelHerding(F, 2, subset, 6, gamma))
})

test('a class larger than the kernel bound is herded within a seeded uniform sample of it; a smaller one whole', () => {
  const rows = Array.from({ length: 50 }, (_, i) => 3 * i + 1)
  assert.equal(kernelRows(rows, 7, 50), rows, 'at the bound: the class itself')
  const sample = kernelRows(rows, 7, 20)
  assert.equal(sample.length, 20)
  assert.equal(new Set(sample).size, 20)
  assert.ok(sample.every((r) => rows.includes(r)))
  assert.deepEqual(
    sample,
    [...sample].sort((a, b) => a - b),
    'ascending, as rowsOfClass',
  )
  assert.deepEqual(kernelRows(rows, 7, 20), sample, 'same seed, same sample')
  assert.notDeepEqual(kernelRows(rows, 8, 20), sample, 'another seed, another sample')
})
