/**
 * scikit-learn's LogisticRegression with its defaults (L2, C=1, intercept not penalised, lbfgs):
 * objective sum_i logloss_i + 0.5/C ||W||^2 as in sklearn 1.2.1, binary as one logistic model
 * for the larger label, three or more classes multinomial (softmax). Written by hand because no
 * npm library fits sklearn's model; minimised by our L-BFGS that stops where scipy's L-BFGS-B
 * stops (max_iter 100, tol 1e-4), so the coefficients are sklearn's, not just the optimum's.
 */
import { minimizeLbfgs } from './lbfgs.js'
import { denseRows, type MatrixRows } from './matrix-rows.js'
import { binaryLogisticObjective } from './wasm/binary-logistic.js'
import { extendRowBasis } from './wasm/row-basis.js'
import { dotProductRows } from './wasm/row-kernels.js'

export interface LogisticRegressionOptions {
  C?: number
  maxIter?: number
  tol?: number
  /** the row-space basis of X's first rows, when X starts with rows fitted before (same result, less work) */
  rowBasis?: RowBasisPrefix
}

export interface LogisticRegressionModel {
  classes: Int32Array
  nFeatures: number
  /** rows x nFeatures, row-major; rows = 1 for two classes, nClasses otherwise */
  coef: Float64Array
  intercept: Float64Array
  nIter: number
  converged: boolean
}

function sortedClasses(y: Int32Array): Int32Array {
  return Int32Array.from(new Set(y)).sort()
}

/**
 * Fits on X (nSamples x nFeatures, row-major), or on chosen rows of a larger matrix: a binary fit
 * copies those straight into the WebAssembly kernel's memory, with no float64 matrix in between.
 */
export function fitLogisticRegression(
  X: Float64Array | MatrixRows,
  nSamples: number,
  nFeatures: number,
  y: Int32Array,
  options: LogisticRegressionOptions = {},
): LogisticRegressionModel {
  const classes = sortedClasses(y)
  if (classes.length < 2) throw new Error(`logistic regression needs at least two classes, got ${classes.length}`)
  const rows = classes.length === 2 ? 1 : classes.length
  const target = new Int32Array(nSamples)
  for (let i = 0; i < nSamples; i++) target[i] = classes.indexOf(y[i]!)
  const d = nFeatures
  const coef = new Float64Array(rows * d),
    intercept = new Float64Array(rows)
  if (nSamples >= nFeatures) {
    const fit = fitInFeatureSpace(X, nSamples, d, target, rows, options)
    for (let k = 0; k < rows; k++) {
      coef.set(fit.x.subarray(k * (d + 1), k * (d + 1) + d), k * d)
      intercept[k] = fit.x[k * (d + 1) + d]!
    }
    return { classes, nFeatures: d, coef, intercept, nIter: fit.nIter, converged: fit.converged }
  }
  // Fewer samples than features (the speech track: <= 60 clips of 1024 values): L-BFGS started
  // at 0 never leaves the span of the training rows, and it is invariant under rotations, so we
  // solve in an orthonormal basis Q of that span (r <= n coordinates instead of d) and map back,
  // W = V Q. Only the stopping test is not rotation invariant: it takes max |g| of the gradient
  // mapped back to the d features, as sklearn's solver sees it.
  const Xd = denseRows(X, nSamples, d)
  const { Q, r } = orthonormalRowBasis(Xd, nSamples, d, options.rowBasis)
  // L = X Q^T, each entry summed over the features in order
  const L = dotProductRows({ A: Xd, na: nSamples, B: Q, nb: r, d })
  const pgtol = options.tol ?? 1e-4
  const entries = rows * (d + 1)
  // Q transposed (d x r): the gradient mapped back to feature j is one short sum over row j
  const Qt = new Float64Array(d * r)
  for (let m = 0; m < r; m++) for (let j = 0; j < d; j++) Qt[j * r + m] = Q[m * d + j]!
  // The solver only asks whether this is <= pgtol, so an entry above pgtol answers at once.
  const gradientNorm = (g: Float64Array): number => {
    // Q has orthonormal rows, so |g|_2 is the same in both bases and bounds the max:
    // |g|_2 / sqrt(entries) <= max |g_W| <= |g|_2. Only in between is the max computed.
    let sq = 0
    for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!
    const norm = Math.sqrt(sq)
    if (norm <= pgtol * (1 - 1e-9)) return norm
    if (norm / Math.sqrt(entries) > pgtol * (1 + 1e-9)) return norm / Math.sqrt(entries)
    let max = 0
    for (let k = 0; k < rows; k++) {
      const intercept = Math.abs(g[k * (r + 1) + r]!)
      if (!(intercept <= pgtol)) return intercept // (NaN too)
      max = Math.max(max, intercept)
    }
    for (let k = 0; k < rows; k++) {
      const gk = k * (r + 1)
      for (let j = 0; j < d; j++) {
        // summed in groups of four, then one by one, as ever: the same bits as before
        const qj = j * r
        let back = 0,
          m = 0
        for (; m + 4 <= r; m += 4)
          back +=
            g[gk + m]! * Qt[qj + m]! +
            g[gk + m + 1]! * Qt[qj + m + 1]! +
            g[gk + m + 2]! * Qt[qj + m + 2]! +
            g[gk + m + 3]! * Qt[qj + m + 3]!
        for (; m < r; m++) back += g[gk + m]! * Qt[qj + m]!
        const v = Math.abs(back)
        if (!(v <= pgtol)) return v
        if (v > max) max = v
      }
    }
    return max
  }
  const fit = fitInFeatureSpace(L, nSamples, r, target, rows, options, gradientNorm)
  for (let k = 0; k < rows; k++) {
    for (let m = 0; m < r; m++) {
      const v = fit.x[k * (r + 1) + m]!
      for (let j = 0; j < d; j++) coef[k * d + j]! += v * Q[m * d + j]!
    }
    intercept[k] = fit.x[k * (r + 1) + r]!
  }
  return { classes, nFeatures: d, coef, intercept, nIter: fit.nIter, converged: fit.converged }
}

/**
 * The orthonormal basis of the first `rows` rows of some X, kept to start the basis of a longer X
 * with those same first rows (the baseline selection fits ten training sets that share them).
 */
export interface RowBasisPrefix {
  /** the rows it was built from (rows x d), to check that X starts with them */
  X: Float64Array
  rows: number
  Q: Float64Array
  r: number
}

export function rowBasisPrefix(X: Float64Array, rows: number, d: number): RowBasisPrefix {
  const head = X.slice(0, rows * d)
  const { Q, r } = orthonormalRowBasis(head, rows, d)
  return { X: head, rows, Q, r }
}

function startsWith(X: Float64Array, prefix: RowBasisPrefix, n: number, d: number): boolean {
  if (prefix.rows > n || prefix.X.length !== prefix.rows * d) return false
  for (let k = 0; k < prefix.X.length; k++) if (!Object.is(X[k], prefix.X[k])) return false
  return true
}

/** An orthonormal basis of the row space of X (r x d, r <= n), starting from a prefix's when X starts with its rows. */
function orthonormalRowBasis(
  X: Float64Array,
  n: number,
  d: number,
  prefix?: RowBasisPrefix,
): { Q: Float64Array; r: number } {
  return extendRowBasis(
    X,
    n,
    d,
    prefix && startsWith(X, prefix, n, d) ? { Q: prefix.Q, r: prefix.r, start: prefix.rows } : undefined,
  )
}

/** Minimises the objective over `rows` x (d + 1) variables (weights then intercept per row) of features X (n x d). */
function fitInFeatureSpace(
  X: Float64Array | MatrixRows,
  nSamples: number,
  d: number,
  target: Int32Array,
  rows: number,
  options: LogisticRegressionOptions,
  gradientNorm?: (g: Float64Array) => number,
): { x: Float64Array; nIter: number; converged: boolean } {
  const l2 = 1 / (options.C ?? 1)
  const stride = d + 1 // weights then intercept, per row
  const z = new Float64Array(rows),
    g = new Float64Array(rows)

  // Binary: one weight vector (sklearn's HalfBinomialLoss), in WebAssembly (wasm/binary-logistic.wat)
  // Several classes: softmax over `rows` linear scores (sklearn's HalfMultinomialLoss).
  const z1 = new Float64Array(rows),
    g1 = new Float64Array(rows)
  // Scores of row xi into zOut (intercept, then the features in order), three classes per pass.
  const scoresOf = (Xd: Float64Array, w: Float64Array, xi: number, zOut: Float64Array): void => {
    let k = 0
    for (; k + 3 <= rows; k += 3) {
      const w0 = k * stride,
        w1 = w0 + stride,
        w2 = w1 + stride
      let s0 = w[w0 + d]!,
        s1 = w[w1 + d]!,
        s2 = w[w2 + d]!
      for (let j = 0; j < d; j++) {
        const x = Xd[xi + j]!
        s0 += w[w0 + j]! * x
        s1 += w[w1 + j]! * x
        s2 += w[w2 + j]! * x
      }
      zOut[k] = s0
      zOut[k + 1] = s1
      zOut[k + 2] = s2
    }
    for (; k < rows; k++) {
      let s = w[k * stride + d]!
      const wk = k * stride
      for (let j = 0; j < d; j++) s += w[wk + j]! * Xd[xi + j]!
      zOut[k] = s
    }
  }
  // The same for two rows at once (six independent sums per pass when there are three classes or more).
  const scoresOfTwo = (Xd: Float64Array, w: Float64Array, xa: number, xb: number): void => {
    let k = 0
    for (; k + 3 <= rows; k += 3) {
      const w0 = k * stride,
        w1 = w0 + stride,
        w2 = w1 + stride
      let a0 = w[w0 + d]!,
        a1 = w[w1 + d]!,
        a2 = w[w2 + d]!,
        b0 = a0,
        b1 = a1,
        b2 = a2
      for (let j = 0; j < d; j++) {
        const x = Xd[xa + j]!,
          y = Xd[xb + j]!
        const v0 = w[w0 + j]!,
          v1 = w[w1 + j]!,
          v2 = w[w2 + j]!
        a0 += v0 * x
        a1 += v1 * x
        a2 += v2 * x
        b0 += v0 * y
        b1 += v1 * y
        b2 += v2 * y
      }
      z[k] = a0
      z[k + 1] = a1
      z[k + 2] = a2
      z1[k] = b0
      z1[k + 1] = b1
      z1[k + 2] = b2
    }
    if (k < rows) {
      for (; k < rows; k++) {
        let sa = w[k * stride + d]!,
          sb = sa
        const wk = k * stride
        for (let j = 0; j < d; j++) {
          sa += w[wk + j]! * Xd[xa + j]!
          sb += w[wk + j]! * Xd[xb + j]!
        }
        z[k] = sa
        z1[k] = sb
      }
    }
  }
  // Softmax of the scores zi of a row with target t: writes the score gradient into gOut, returns the row's loss.
  const rowLoss = (zi: Float64Array, t: number, gOut: Float64Array): number => {
    let max = -Infinity
    for (let k = 0; k < rows; k++) if (zi[k]! > max) max = zi[k]!
    let sum = 0
    for (let k = 0; k < rows; k++) sum += Math.exp(zi[k]! - max)
    const lse = max + Math.log(sum)
    for (let c = 0; c < rows; c++) gOut[c] = Math.exp(zi[c]! - lse) - (c === t ? 1 : 0)
    return lse - zi[t]!
  }
  // grad += gi x_i (one row), three classes per pass
  const addRow = (Xd: Float64Array, grad: Float64Array, xi: number, gi: Float64Array): void => {
    let c = 0
    for (; c + 3 <= rows; c += 3) {
      const g0 = gi[c]!,
        g1 = gi[c + 1]!,
        g2 = gi[c + 2]!
      const o0 = c * stride,
        o1 = o0 + stride,
        o2 = o1 + stride
      for (let j = 0; j < d; j++) {
        const x = Xd[xi + j]!
        grad[o0 + j]! += g0 * x
        grad[o1 + j]! += g1 * x
        grad[o2 + j]! += g2 * x
      }
      grad[o0 + d]! += g0
      grad[o1 + d]! += g1
      grad[o2 + d]! += g2
    }
    for (; c < rows; c++) {
      const gc = gi[c]!,
        gk = c * stride
      for (let j = 0; j < d; j++) grad[gk + j]! += gc * Xd[xi + j]!
      grad[gk + d]! += gc
    }
  }
  // grad += ga x_a, then += gb x_b, entry by entry (the order of two addRow calls, one pass)
  const addTwoRows = (
    Xd: Float64Array,
    grad: Float64Array,
    xa: number,
    ga: Float64Array,
    xb: number,
    gb: Float64Array,
  ): void => {
    for (let c = 0; c < rows; c++) {
      const pa = ga[c]!,
        pb = gb[c]!,
        o = c * stride
      for (let j = 0; j < d; j++) grad[o + j] = grad[o + j]! + pa * Xd[xa + j]! + pb * Xd[xb + j]!
      grad[o + d] = grad[o + d]! + pa + pb
    }
  }
  const multinomialObjective =
    (Xd: Float64Array) =>
    (w: Float64Array, grad: Float64Array): number => {
      grad.fill(0)
      let loss = 0
      // two rows at a time: their scores in one pass, then each row's loss in row order, then
      // both rows' gradient terms, each entry taking row i's term before row i + 1's
      let i = 0
      for (; i + 2 <= nSamples; i += 2) {
        const xa = i * d,
          xb = xa + d
        scoresOfTwo(Xd, w, xa, xb)
        loss += rowLoss(z, target[i]!, g)
        loss += rowLoss(z1, target[i + 1]!, g1)
        addTwoRows(Xd, grad, xa, g, xb, g1)
      }
      for (; i < nSamples; i++) {
        const xi = i * d
        scoresOf(Xd, w, xi, z)
        loss += rowLoss(z, target[i]!, g)
        addRow(Xd, grad, xi, g)
      }
      for (let k = 0; k < rows; k++) {
        for (let j = 0; j < d; j++) {
          const v = w[k * stride + j]!
          loss += 0.5 * l2 * v * v
          grad[k * stride + j]! += l2 * v
        }
      }
      return loss
    }
  const objective =
    rows === 1 ? binaryLogisticObjective(X, nSamples, d, target, l2) : multinomialObjective(denseRows(X, nSamples, d))
  return minimizeLbfgs(objective, new Float64Array(rows * stride), {
    maxIter: options.maxIter ?? 100,
    pgtol: options.tol ?? 1e-4,
    gradientNorm,
  })
}

export interface ScoringOptions {
  /** X will not change while this thread scores it again and again: kept in the kernel's memory */
  unchanging?: boolean
}

/**
 * Binary: one value per sample; otherwise n x nClasses. `rows` picks rows of X (default all
 * nSamples), so callers can score a subset of a large matrix without copying it.
 */
export function decisionFunction(
  model: LogisticRegressionModel,
  X: Float64Array | Float32Array,
  nSamples: number,
  rows?: Int32Array,
  options: ScoringOptions = {},
): Float64Array {
  // intercept + coef . x, summed over the features in order (WebAssembly, SIMD lanes, same bits)
  return dotProductRows({
    ...options,
    A: X,
    na: nSamples,
    rows,
    B: model.coef,
    nb: model.intercept.length,
    d: model.nFeatures,
    init: model.intercept,
  })
}

export function predictProba(
  model: LogisticRegressionModel,
  X: Float64Array | Float32Array,
  nSamples: number,
  rows?: Int32Array,
  options: ScoringOptions = {},
): Float64Array {
  return probabilitiesOf(model, decisionFunction(model, X, nSamples, rows, options))
}

/**
 * predict_proba from decision values already computed (decisionFunction's output for the same
 * rows): the logistic of each for two classes ([1 - p, p]), the softmax over classes otherwise.
 * A caller that needs both a row's decision value and its probability computes the dot products once.
 */
export function probabilitiesOf(model: LogisticRegressionModel, dec: Float64Array): Float64Array {
  const K = model.classes.length
  const n = K === 2 ? dec.length : dec.length / K
  const out = new Float64Array(n * K)
  for (let i = 0; i < n; i++) {
    if (K === 2) {
      const p = 1 / (1 + Math.exp(-dec[i]!))
      out[i * 2] = 1 - p
      out[i * 2 + 1] = p
    } else {
      let max = -Infinity
      for (let k = 0; k < K; k++) max = Math.max(max, dec[i * K + k]!)
      let sum = 0
      for (let k = 0; k < K; k++) sum += out[i * K + k] = Math.exp(dec[i * K + k]! - max)
      for (let k = 0; k < K; k++) out[i * K + k]! /= sum
    }
  }
  return out
}

/** Class labels; binary uses decision > 0 as sklearn does, ties go to the first maximum. */
export function predict(
  model: LogisticRegressionModel,
  X: Float64Array | Float32Array,
  nSamples: number,
  rows?: Int32Array,
): Int32Array {
  const dec = decisionFunction(model, X, nSamples, rows)
  const K = model.classes.length
  const n = rows ? rows.length : nSamples
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    if (K === 2) out[i] = model.classes[dec[i]! > 0 ? 1 : 0]!
    else {
      let best = 0
      for (let k = 1; k < K; k++) if (dec[i * K + k]! > dec[i * K + best]!) best = k
      out[i] = model.classes[best]!
    }
  }
  return out
}
