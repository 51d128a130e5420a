/**
 * scikit-learn's SVC(kernel="rbf", C=1, gamma="scale", probability=True) as libsvm computes it:
 * classes grouped in sorted order, one-vs-one C-SVC per class pair, Platt sigmoids fitted on
 * 5-fold cross-validated decision values (fold shuffle drawn from libsvm's RNG, re-seeded by every
 * inner training run as libsvm does), pairwise coupling for predict_proba.
 *
 * Split in two because only Platt scaling depends on random_state: `fitSvcPairs` (the seed-free
 * one-vs-one solutions) is computed once and `fitPlattScaling` once per seed.
 */
import { numpyRandintMaxInt32 } from '../numpy-random.js'
import { numpyVar } from '../numpy-sum.js'
import { LibsvmRng } from './libsvm-rng.js'
import { pairwiseCouplingRows } from '../wasm/pairwise-coupling.js'
import { sigmoidPredict, sigmoidTrain } from './platt.js'
import { gramMatrix, rbf, rbfOfSquaredDistances, squaredDistances, trainingKernel } from './rbf-kernel.js'
import { solveCSvc, type SolverOptions } from './smo-solver.js'

export interface SvcOptions {
  C?: number
  tol?: number
  shrinking?: boolean
  /**
   * X's squared distances (n x n, libsvm's predict formula: squared differences summed over the
   * features in order, as squaredDistances computes them), when the caller already has them
   */
  squaredDistances?: Float64Array
}

export interface SvcPair {
  /** training rows of this pair in libsvm's order: class i's rows, then class j's */
  rows: Int32Array
  /** +1 for class i, -1 for class j */
  y: Int8Array
  coef: Float64Array
  rho: number
}

export interface SvcPairs {
  classes: Int32Array
  gamma: number
  nTrain: number
  nFeatures: number
  /** training kernel (libsvm's training formula), nTrain x nTrain */
  kernel: Float64Array
  /** prediction kernel between training rows (libsvm's predict formula), for Platt's CV folds */
  predictKernel: Float64Array
  pairs: SvcPair[]
  solver: SolverOptions
}

export interface PlattScaling {
  probA: Float64Array
  probB: Float64Array
}

/** gamma="scale": 1 / (n_features * X.var()), 1 when the variance is 0. */
export function scaleGamma(X: Float64Array, nFeatures: number): number {
  const v = numpyVar(X)
  return v !== 0 ? 1.0 / (nFeatures * v) : 1.0
}

/** The seed sklearn hands libsvm for an integer random_state. */
export function libsvmSeedFor(randomState: number): number {
  return numpyRandintMaxInt32(randomState)
}

/** Rows of each class, classes sorted, rows in input order within a class (svm_group_classes). */
function groupClasses(y: Int32Array): { classes: Int32Array; members: Int32Array[] } {
  const classes = Int32Array.from(new Set(y)).sort()
  const members = Array.from(classes, (c) => Int32Array.from(y.keys()).filter((i) => y[i] === c))
  return { classes, members }
}

export function fitSvcPairs(
  X: Float64Array,
  nSamples: number,
  nFeatures: number,
  y: Int32Array,
  options: SvcOptions = {},
): SvcPairs {
  const gamma = scaleGamma(X, nFeatures)
  const gram = gramMatrix(X, nSamples, nFeatures)
  const kernel = trainingKernel(gram, nSamples, gamma)
  const sq = options.squaredDistances ?? squaredDistances(X, nSamples, X, nSamples, nFeatures)
  const predictKernel = rbfOfSquaredDistances(sq, gamma)
  const solver: SolverOptions = {
    C: options.C ?? 1,
    eps: options.tol ?? 1e-3,
    shrinking: options.shrinking ?? true,
    maxIter: -1,
  }
  const { classes, members } = groupClasses(y)
  const pairs: SvcPair[] = []
  for (let i = 0; i < classes.length; i++) {
    for (let j = i + 1; j < classes.length; j++) {
      const a = members[i]!,
        b = members[j]!
      const rows = new Int32Array(a.length + b.length)
      rows.set(a)
      rows.set(b, a.length)
      const ys = new Int8Array(rows.length).fill(1)
      ys.fill(-1, a.length)
      const solution = solveCSvc({ kernel, n: nSamples, rows, y: ys }, solver)
      pairs.push({ rows, y: ys, coef: solution.coef, rho: solution.rho })
    }
  }
  return { classes, gamma, nTrain: nSamples, nFeatures, kernel, predictKernel, pairs, solver }
}

/**
 * probA/probB for every pair, as svm_train with probability=1 and random_seed = `libsvmSeed`.
 */
export function fitPlattScaling(model: SvcPairs, libsvmSeed: number): PlattScaling {
  const rng = new LibsvmRng()
  rng.seed(libsvmSeed) // svm_train seeds once on entry...
  const probA = new Float64Array(model.pairs.length),
    probB = new Float64Array(model.pairs.length)
  model.pairs.forEach((pair, p) => {
    const { A, B } = crossValidatedSigmoid(model, pair, rng, libsvmSeed)
    probA[p] = A
    probB[p] = B
  })
  return { probA, probB }
}

function crossValidatedSigmoid(
  model: SvcPairs,
  pair: SvcPair,
  rng: LibsvmRng,
  libsvmSeed: number,
): { A: number; B: number } {
  const l = pair.rows.length
  const nrFold = 5
  const perm = new Int32Array(l)
  for (let i = 0; i < l; i++) perm[i] = i
  for (let i = 0; i < l; i++) {
    const j = i + rng.boundedInt(l - i)
    const t = perm[i]!
    perm[i] = perm[j]!
    perm[j] = t
  }
  const dec = new Float64Array(l)
  const n = model.nTrain
  for (let f = 0; f < nrFold; f++) {
    const begin = Math.floor((f * l) / nrFold),
      end = Math.floor(((f + 1) * l) / nrFold)
    const sub: number[] = []
    for (let j = 0; j < begin; j++) sub.push(perm[j]!)
    for (let j = end; j < l; j++) sub.push(perm[j]!)
    let pCount = 0,
      nCount = 0
    for (const s of sub)
      if (pair.y[s]! > 0) pCount++
      else nCount++
    if (pCount === 0 && nCount === 0) {
      for (let j = begin; j < end; j++) dec[perm[j]!] = 0
      continue
    }
    if (nCount === 0) {
      for (let j = begin; j < end; j++) dec[perm[j]!] = 1
      continue
    }
    if (pCount === 0) {
      for (let j = begin; j < end; j++) dec[perm[j]!] = -1
      continue
    }
    // ...and again in every inner svm_train, which is why each pair's shuffle starts afresh
    rng.seed(libsvmSeed)
    // inner model: labels sorted (-1 first), so -1 rows become its +1 side
    const neg = sub.filter((s) => pair.y[s]! < 0),
      pos = sub.filter((s) => pair.y[s]! > 0)
    const innerPositions = [...neg, ...pos]
    const rows = Int32Array.from(innerPositions, (s) => pair.rows[s]!)
    const ys = new Int8Array(rows.length).fill(1)
    ys.fill(-1, neg.length)
    const solution = solveCSvc({ kernel: model.kernel, n, rows, y: ys }, model.solver)
    for (let j = begin; j < end; j++) {
      const row = pair.rows[perm[j]!]! * n
      let sum = 0
      for (let k = 0; k < rows.length; k++) sum += solution.coef[k]! * model.predictKernel[row + rows[k]!]!
      sum -= solution.rho
      dec[perm[j]!] = sum * -1 // times the inner model's label[0] (-1): the +1 side's value
    }
  }
  return sigmoidTrain(dec, pair.y)
}

/** A pair's support vectors (nonzero coefficients) in order, as training columns: the terms libsvm sums. */
export interface PairSupport {
  columns: Int32Array
  coef: Float64Array
}

/** Every pair's support vectors, for callers that compute decision values a block of rows at a time. */
export function pairSupports(model: SvcPairs): PairSupport[] {
  return model.pairs.map((pair) => {
    const keep = Int32Array.from(pair.coef.keys()).filter((k) => pair.coef[k]! !== 0)
    return { columns: Int32Array.from(keep, (k) => pair.rows[k]!), coef: Float64Array.from(keep, (k) => pair.coef[k]!) }
  })
}

/**
 * Decision values of each pair for rows whose kernel against every training row is `kernelRows`
 * (nRows x nTrain): nRows x pairs, into `out` when given (a caller's scratch, at least that long).
 */
export function pairDecisionValues(
  model: SvcPairs,
  kernelRows: Float64Array,
  nRows: number,
  out: Float64Array = new Float64Array(nRows * model.pairs.length),
  support: PairSupport[] = pairSupports(model),
): Float64Array {
  const P = model.pairs.length,
    n = model.nTrain
  // four rows at a time: four independent sums, each in the order of the one-row loop below
  let r = 0
  for (; r + 4 <= nRows; r += 4) {
    const b0 = r * n,
      b1 = b0 + n,
      b2 = b1 + n,
      b3 = b2 + n
    for (let p = 0; p < P; p++) {
      const { columns, coef } = support[p]!
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0
      for (let k = 0; k < columns.length; k++) {
        const c = coef[k]!,
          col = columns[k]!
        s0 += c * kernelRows[b0 + col]!
        s1 += c * kernelRows[b1 + col]!
        s2 += c * kernelRows[b2 + col]!
        s3 += c * kernelRows[b3 + col]!
      }
      const rho = model.pairs[p]!.rho
      out[r * P + p] = s0 - rho
      out[(r + 1) * P + p] = s1 - rho
      out[(r + 2) * P + p] = s2 - rho
      out[(r + 3) * P + p] = s3 - rho
    }
  }
  for (; r < nRows; r++) {
    const base = r * n
    for (let p = 0; p < P; p++) {
      const { columns, coef } = support[p]!
      let sum = 0
      for (let k = 0; k < columns.length; k++) sum += coef[k]! * kernelRows[base + columns[k]!]!
      out[r * P + p] = sum - model.pairs[p]!.rho
    }
  }
  return out
}

/** exp(-gamma * squared distance): the kernel of new rows against the training rows. */
export function predictionKernel(
  model: SvcPairs,
  X: Float64Array | Float32Array,
  nRows: number,
  train: Float64Array,
): Float64Array {
  const sq = squaredDistances(X, nRows, train, model.nTrain, model.nFeatures)
  for (let i = 0; i < sq.length; i++) sq[i] = rbf(sq[i]!, model.gamma)
  return sq
}

/** The pairwise probabilities of the last svcProbabilities call, kept for the next (megabytes a call: fewer collections). */
let pairwiseScratch = new Float64Array(0)

/** predict_proba from pair decision values: nRows x nClasses, classes in sorted order. */
export function svcProbabilities(
  model: SvcPairs,
  scaling: PlattScaling,
  decision: Float64Array,
  nRows: number,
): Float64Array {
  const k = model.classes.length,
    P = model.pairs.length
  // every entry but the diagonal (never written, never read) is written below
  if (pairwiseScratch.length < nRows * k * k) pairwiseScratch = new Float64Array(nRows * k * k)
  const r = pairwiseScratch
  const minProb = 1e-7
  for (let row = 0; row < nRows; row++) {
    const at = row * k * k
    let pi = 0
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const v = Math.min(
          Math.max(sigmoidPredict(decision[row * P + pi]!, scaling.probA[pi]!, scaling.probB[pi]!), minProb),
          1 - minProb,
        )
        r[at + i * k + j] = v
        r[at + j * k + i] = 1 - v
        pi++
      }
    }
  }
  // multiclassProbability (platt.ts) for every row, two rows at a time in WebAssembly, same bits
  return pairwiseCouplingRows(k, nRows, r)
}
