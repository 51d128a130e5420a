/**
 * scikit-learn's LogisticRegression with its defaults (L2, C=1, intercept not penalised, lbfgs):
 * objective sum_i logloss_i + 0.5/C ||W||^2 as in sklearn 1.2.1, binary as one logistic model
 * for the larger label, three or more classes multinomial (softmax). Written by hand because no
 * npm library fits sklearn's model; minimised by our L-BFGS that stops where scipy's L-BFGS-B
 * stops (max_iter 100, tol 1e-4), so the coefficients are sklearn's, not just the optimum's.
 */
import { minimizeLbfgs } from './lbfgs.js'

export interface LogisticRegressionOptions { C?: number; maxIter?: number; tol?: number }

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

export function fitLogisticRegression(X: Float64Array, nSamples: number, nFeatures: number, y: Int32Array, options: LogisticRegressionOptions = {}): LogisticRegressionModel {
  const classes = sortedClasses(y)
  if (classes.length < 2) throw new Error(`logistic regression needs at least two classes, got ${classes.length}`)
  const l2 = 1 / (options.C ?? 1)
  const d = nFeatures
  const rows = classes.length === 2 ? 1 : classes.length
  const stride = d + 1 // weights then intercept, per row
  const target = new Int32Array(nSamples)
  for (let i = 0; i < nSamples; i++) target[i] = classes.indexOf(y[i]!)
  const z = new Float64Array(rows)

  // Binary: one weight vector (sklearn's HalfBinomialLoss), written as its own tight loop.
  const binaryObjective = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0)
    let loss = 0
    const b = w[d]!
    for (let i = 0; i < nSamples; i++) {
      const xi = i * d
      let r = b
      for (let j = 0; j < d; j++) r += w[j]! * X[xi + j]!
      const t = target[i]!
      // log(1 + exp(r)) - t r, computed stably
      loss += (r > 0 ? r + Math.log1p(Math.exp(-r)) : Math.log1p(Math.exp(r))) - t * r
      const gi = (r >= 0 ? 1 / (1 + Math.exp(-r)) : Math.exp(r) / (1 + Math.exp(r))) - t
      for (let j = 0; j < d; j++) grad[j]! += gi * X[xi + j]!
      grad[d]! += gi
    }
    for (let j = 0; j < d; j++) {
      loss += 0.5 * l2 * w[j]! * w[j]!
      grad[j]! += l2 * w[j]!
    }
    return loss
  }

  // Several classes: softmax over `rows` linear scores (sklearn's HalfMultinomialLoss).
  const multinomialObjective = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0)
    let loss = 0
    for (let i = 0; i < nSamples; i++) {
      const xi = i * d
      for (let k = 0; k < rows; k++) {
        let s = w[k * stride + d]!
        const wk = k * stride
        for (let j = 0; j < d; j++) s += w[wk + j]! * X[xi + j]!
        z[k] = s
      }
      let max = -Infinity
      for (let k = 0; k < rows; k++) if (z[k]! > max) max = z[k]!
      let sum = 0
      for (let k = 0; k < rows; k++) sum += Math.exp(z[k]! - max)
      const lse = max + Math.log(sum)
      loss += lse - z[target[i]!]!
      for (let k = 0; k < rows; k++) {
        const gi = Math.exp(z[k]! - lse) - (k === target[i] ? 1 : 0)
        const gk = k * stride
        for (let j = 0; j < d; j++) grad[gk + j]! += gi * X[xi + j]!
        grad[gk + d]! += gi
      }
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
  const objective = rows === 1 ? binaryObjective : multinomialObjective
  const result = minimizeLbfgs(objective, new Float64Array(rows * stride), { maxIter: options.maxIter ?? 100, pgtol: options.tol ?? 1e-4 })
  const coef = new Float64Array(rows * d), intercept = new Float64Array(rows)
  for (let k = 0; k < rows; k++) {
    coef.set(result.x.subarray(k * stride, k * stride + d), k * d)
    intercept[k] = result.x[k * stride + d]!
  }
  return { classes, nFeatures: d, coef, intercept, nIter: result.nIter, converged: result.converged }
}

/**
 * Binary: one value per sample; otherwise n x nClasses. `rows` picks rows of X (default all
 * nSamples), so callers can score a subset of a large matrix without copying it.
 */
export function decisionFunction(model: LogisticRegressionModel, X: Float64Array | Float32Array, nSamples: number, rows?: Int32Array): Float64Array {
  const d = model.nFeatures, k = model.intercept.length
  const n = rows ? rows.length : nSamples
  const out = new Float64Array(n * k)
  for (let i = 0; i < n; i++) {
    const xi = (rows ? rows[i]! : i) * d
    for (let c = 0; c < k; c++) {
      let s = model.intercept[c]!
      const wc = c * d
      for (let j = 0; j < d; j++) s += model.coef[wc + j]! * X[xi + j]!
      out[i * k + c] = s
    }
  }
  return out
}

export function predictProba(model: LogisticRegressionModel, X: Float64Array | Float32Array, nSamples: number, rows?: Int32Array): Float64Array {
  const dec = decisionFunction(model, X, nSamples, rows)
  const K = model.classes.length
  const n = rows ? rows.length : nSamples
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
      for (let k = 0; k < K; k++) sum += (out[i * K + k] = Math.exp(dec[i * K + k]! - max))
      for (let k = 0; k < K; k++) out[i * K + k]! /= sum
    }
  }
  return out
}

/** Class labels; binary uses decision > 0 as sklearn does, ties go to the first maximum. */
export function predict(model: LogisticRegressionModel, X: Float64Array, nSamples: number): Int32Array {
  const dec = decisionFunction(model, X, nSamples)
  const K = model.classes.length
  const out = new Int32Array(nSamples)
  for (let i = 0; i < nSamples; i++) {
    if (K === 2) out[i] = model.classes[dec[i]! > 0 ? 1 : 0]!
    else {
      let best = 0
      for (let k = 1; k < K; k++) if (dec[i * K + k]! > dec[i * K + best]!) best = k
      out[i] = model.classes[best]!
    }
  }
  return out
}
