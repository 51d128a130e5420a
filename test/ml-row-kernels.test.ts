/**
 * The WebAssembly row kernels (ml/wasm/row-kernels.ts) give the same bits as the scalar loops
 * they replaced: each output summed over the coordinates in order, separate multiply and add.
 * Checked on seeded random matrices of every packing shape (octets, pairs, a padded last pair),
 * float32 and float64 inputs, a row subset and chunked A (more rows than one chunk holds).
 * Likewise the row basis of logistic regression's small-sample path (ml/wasm/row-basis.ts)
 * against the scalar modified Gram-Schmidt it replaced, and the pairwise coupling of many rows (ml/wasm/pairwise-coupling.ts) against libsvm's
 * scalar multiclassProbability, row by row.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decisionFunction, type LogisticRegressionModel } from '../src/ml/logistic-regression.js'
import { Rng } from '../src/ml/rng.js'
import { multiclassProbability } from '../src/ml/svm/platt.js'
import { squaredDistances, squaredDistancesEach } from '../src/ml/svm/rbf-kernel.js'
import { pairwiseCouplingRows } from '../src/ml/wasm/pairwise-coupling.js'
import { extendRowBasis } from '../src/ml/wasm/row-basis.js'
import { dotProductRows, squaredDistancesRows } from '../src/ml/wasm/row-kernels.js'

function randomMatrix(rng: Rng, n: number, d: number, f32: boolean): Float64Array | Float32Array {
  const out = f32 ? new Float32Array(n * d) : new Float64Array(n * d)
  for (let i = 0; i < out.length; i++) out[i] = (rng.uniform() - 0.5) * 4
  return out
}

function scalar(
  kind: 'sq' | 'dot',
  A: Float64Array | Float32Array,
  rows: number[],
  B: Float64Array | Float32Array,
  nb: number,
  d: number,
  init?: Float64Array,
): Float64Array {
  const out = new Float64Array(rows.length * nb)
  rows.forEach((row, i) => {
    for (let j = 0; j < nb; j++) {
      let s = init ? init[j]! : 0
      for (let k = 0; k < d; k++) {
        if (kind === 'sq') {
          const e = A[row * d + k]! - B[j * d + k]!
          s += e * e
        } else s += B[j * d + k]! * A[row * d + k]!
      }
      out[i * nb + j] = s
    }
  })
  return out
}

const sameBits = (a: Float64Array, b: Float64Array, what: string) => {
  assert.equal(a.length, b.length, what)
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: entry ${i}: ${a[i]} != ${b[i]}`)
}

test('squared distances and dot products: the scalar loops bit for bit, every packing shape', () => {
  const rng = new Rng(7)
  for (const nb of [1, 2, 3, 5, 6, 7, 8, 9, 10, 14, 16, 25, 60])
    for (const d of [1, 5, 64, 1024])
      for (const f32 of [true, false]) {
        const na = 13
        const A = randomMatrix(rng, na, d, f32)
        const B = randomMatrix(rng, nb, d, !f32)
        const init = Float64Array.from({ length: nb }, () => rng.uniform() - 0.5)
        const all = Array.from({ length: na }, (_, i) => i)
        const what = `nb ${nb} d ${d} ${f32 ? 'float32' : 'float64'} A`
        sameBits(squaredDistancesRows({ A, na, B, nb, d }), scalar('sq', A, all, B, nb, d), `${what}: distances`)
        sameBits(dotProductRows({ A, na, B, nb, d, init }), scalar('dot', A, all, B, nb, d, init), `${what}: dots`)
        const rows = Int32Array.from([12, 0, 5, 5, 3])
        sameBits(
          dotProductRows({ A, na, rows, B, nb, d, init }),
          scalar('dot', A, [...rows], B, nb, d, init),
          `${what}: dots of a row subset`,
        )
      }
})

test('A larger than one chunk, and the callers: squaredDistances (whole, and a block of rows at a time) and decisionFunction', () => {
  const rng = new Rng(8)
  const d = 1024,
    na = 1500, // 1,500 x 8 KiB rows: three chunks of at most 512
    nb = 27
  const A = randomMatrix(rng, na, d, true)
  const B = randomMatrix(rng, nb, d, false)
  const all = Array.from({ length: na }, (_, i) => i)
  const expected = scalar('sq', A, all, B, nb, d)
  sameBits(squaredDistances(A, na, B, nb, d), expected, 'squaredDistances')
  // the same handed over a block of rows at a time (27 outputs padded to 28 per row in the kernel)
  const blocks: number[] = []
  const fromBlocks = new Float64Array(na * nb)
  squaredDistancesEach(A, na, B, nb, d, (first, rows, values, width) => {
    blocks.push(rows)
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < nb; j++) fromBlocks[(first + r) * nb + j] = values[r * width + j]!
  })
  assert.deepEqual(blocks, [512, 512, 476])
  sameBits(fromBlocks, expected, 'squaredDistancesEach')
  const classes = 6
  const model: LogisticRegressionModel = {
    classes: Int32Array.from({ length: classes }, (_, i) => i),
    nFeatures: d,
    coef: randomMatrix(rng, classes, d, false) as Float64Array,
    intercept: Float64Array.from({ length: classes }, () => rng.uniform()),
    nIter: 0,
    converged: true,
  }
  const rows = Int32Array.from({ length: 700 }, () => Math.floor(rng.uniform() * na))
  sameBits(
    decisionFunction(model, A, na, rows),
    scalar('dot', A, [...rows], model.coef, classes, d, model.intercept),
    'decisionFunction',
  )
})

test('an unchanging A kept in the kernel between calls: other calls in between, then another A', () => {
  const rng = new Rng(9)
  const d = 64,
    na = 40,
    nb = 11
  const A = randomMatrix(rng, na, d, true)
  const A2 = randomMatrix(rng, na + 3, d, false)
  const B = randomMatrix(rng, nb, d, false)
  const init = Float64Array.from({ length: nb }, () => rng.uniform())
  const rows = Int32Array.from([39, 1, 2, 2, 17])
  const expected = scalar('dot', A, [...rows], B, nb, d, init)
  sameBits(dotProductRows({ A, na, rows, B, nb, d, init, unchanging: true }), expected, 'first call')
  // a call on other rows in between, with a larger chunk of its own
  const other = randomMatrix(rng, 300, d, false)
  sameBits(
    squaredDistancesRows({ A: other, na: 300, B, nb, d }),
    scalar(
      'sq',
      other,
      Array.from({ length: 300 }, (_, i) => i),
      B,
      nb,
      d,
    ),
    'a call in between',
  )
  sameBits(dotProductRows({ A, na, rows, B, nb, d, init, unchanging: true }), expected, 'A again, kept')
  sameBits(
    dotProductRows({ A: A2, na: na + 3, rows: Int32Array.from([42, 0]), B, nb, d, init, unchanging: true }),
    scalar('dot', A2, [42, 0], B, nb, d, init),
    'another unchanging A',
  )
})

test('an unchanging float32 A is kept as float32 for dot products: every packing shape, odd sizes, then used for distances', () => {
  const rng = new Rng(11)
  for (const nb of [1, 2, 6, 11, 14])
    for (const d of [5, 64]) {
      const na = 7
      const A = randomMatrix(rng, na, d, true)
      const B = randomMatrix(rng, nb, d, false)
      const init = Float64Array.from({ length: nb }, () => rng.uniform())
      const rows = Int32Array.from([6, 0, 3, 3, 1])
      const what = `nb ${nb} d ${d}`
      const expected = scalar('dot', A, [...rows], B, nb, d, init)
      sameBits(dotProductRows({ A, na, rows, B, nb, d, init, unchanging: true }), expected, `${what}: first call`)
      sameBits(
        dotProductRows({ A: B, na: nb, B: A, nb: na, d }),
        scalar(
          'dot',
          B,
          Array.from({ length: nb }, (_, i) => i),
          A,
          na,
          d,
        ),
        `${what}: a call in between`,
      )
      sameBits(dotProductRows({ A, na, rows, B, nb, d, init, unchanging: true }), expected, `${what}: kept`)
      sameBits(
        squaredDistancesRows({ A, na, rows, B, nb, d, unchanging: true }),
        scalar('sq', A, [...rows], B, nb, d),
        `${what}: distances from the same A`,
      )
    }
})

test('pairwise coupling of many rows, two per SIMD step: multiclassProbability bit for bit, row by row', () => {
  const rng = new Rng(10)
  for (const k of [2, 3, 4, 5, 6, 8, 11])
    for (const nRows of [1, 2, 5, 40]) {
      const r = new Float64Array(nRows * k * k)
      for (let row = 0; row < nRows; row++) {
        // some rows confident (pairwise probabilities near the 1e-7 clip: long iterations), some not
        const spread = row % 3 === 0 ? 40 : row % 3 === 1 ? 4 : 0.5
        for (let i = 0; i < k; i++)
          for (let j = i + 1; j < k; j++) {
            const v = Math.min(Math.max(1 / (1 + Math.exp(spread * (rng.uniform() - 0.5))), 1e-7), 1 - 1e-7)
            r[row * k * k + i * k + j] = v
            r[row * k * k + j * k + i] = 1 - v
          }
      }
      const ours = pairwiseCouplingRows(k, nRows, r)
      const expected = new Float64Array(nRows * k)
      const p = new Float64Array(k)
      for (let row = 0; row < nRows; row++) {
        multiclassProbability(k, r.subarray(row * k * k, (row + 1) * k * k), p)
        expected.set(p, row * k)
      }
      sameBits(ours, expected, `k ${k}, ${nRows} rows`)
    }
})

/** The scalar modified Gram-Schmidt (twice) that extendRowBasis replaced: each step subtracts one projection and sums the next dot product. */
function scalarRowBasis(X: Float64Array, n: number, d: number, Q0?: Float64Array, r0 = 0, start = 0) {
  const Q = new Float64Array(n * d)
  if (Q0) Q.set(Q0.subarray(0, r0 * d))
  let r = r0
  for (let i = start; i < n; i++) {
    const v = X.slice(i * d, (i + 1) * d)
    let norm0 = 0,
      next = 0
    for (let j = 0; j < d; j++) {
      norm0 += v[j]! * v[j]!
      if (r > 0) next += v[j]! * Q[j]!
    }
    if (r === 0) next = norm0
    for (let s = 0; s < 2 * r; s++) {
      const dot = next,
        at = (s % r) * d,
        nextAt = s + 1 < 2 * r ? ((s + 1) % r) * d : -1
      next = 0
      for (let j = 0; j < d; j++) {
        v[j] = v[j]! - dot * Q[at + j]!
        next += v[j]! * (nextAt >= 0 ? Q[nextAt + j]! : v[j]!)
      }
    }
    if (next <= 1e-20 * norm0 || next === 0) continue
    const inv = 1 / Math.sqrt(next)
    for (let j = 0; j < d; j++) Q[r * d + j] = v[j]! * inv
    r++
  }
  return { Q: Q.subarray(0, r * d), r }
}

test('row basis (Gram-Schmidt twice): the scalar loop bit for bit; odd d, repeated, zero and dependent rows skipped; from a prefix', () => {
  const rng = new Rng(11)
  for (const [n, d] of [
    [1, 1],
    [4, 3],
    [9, 8],
    [12, 33],
    [25, 1024],
    [60, 1024],
    [20, 1023],
  ] as const) {
    const X = randomMatrix(rng, n, d, false) as Float64Array
    if (n >= 9) {
      X.copyWithin(3 * d, 1 * d, 2 * d) // row 3 = row 1
      X.fill(0, 4 * d, 5 * d) // row 4 = 0
      for (let j = 0; j < d; j++) X[7 * d + j] = 2 * X[j]! - 3 * X[2 * d + j]! // row 7 in the span of rows 0 and 2
    }
    const expected = scalarRowBasis(X, n, d)
    const got = extendRowBasis(X, n, d)
    assert.equal(got.r, expected.r, `${n} x ${d}: rank`)
    if (n >= 9 && n <= d) assert.ok(got.r <= n - 3, `${n} x ${d}: the repeated, zero and dependent rows add nothing`)
    sameBits(got.Q, expected.Q, `${n} x ${d}: Q`)
    const start = Math.floor(n / 2)
    const head = scalarRowBasis(X, start, d)
    sameBits(
      extendRowBasis(X, n, d, { Q: head.Q, r: head.r, start }).Q,
      scalarRowBasis(X, n, d, head.Q, head.r, start).Q,
      `${n} x ${d}: from a prefix of ${start} rows`,
    )
    sameBits(extendRowBasis(X, n, d, { Q: head.Q, r: head.r, start }).Q, expected.Q, `${n} x ${d}: prefix, whole`)
  }
})
