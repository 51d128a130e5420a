/**
 * Out-of-fold class probabilities as cleanlab's CleanLearning computes them: stratified K folds
 * (every class dealt evenly over the folds after a seeded shuffle, as StratifiedKFold(shuffle=True)
 * does, though not with numpy's draws), a model fitted on the other folds, probabilities for the
 * held-out fold. Two models: scikit-learn's default LogisticRegression (cleanlab's recipe) and a
 * cheap nearest-centroid model (softmax of -distance^2 / temperature to the class means).
 */
import { fitLogisticRegression, predictProba } from './logistic-regression.js'
import { Rng } from './rng.js'
import type { ProgressCount } from '../progress.js'

export type OutOfFoldModel = 'logistic' | 'nearest-centroid'

/** Fold id per row: each class's rows shuffled, then dealt round-robin, so folds are stratified. */
export function stratifiedFolds(labels: Int32Array, folds: number, seed: number): Int32Array {
  const rng = new Rng(seed)
  const fold = new Int32Array(labels.length)
  const byClass = new Map<number, number[]>()
  labels.forEach((y, i) => {
    const rows = byClass.get(y) ?? []
    rows.push(i)
    byClass.set(y, rows)
  })
  let next = 0 // continue dealing where the previous class stopped, so fold sizes differ by at most one
  for (const y of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(y)!
    rng.shuffle(rows)
    for (const r of rows) {
      fold[r] = next
      next = (next + 1) % folds
    }
  }
  return fold
}

/**
 * n x classes out-of-fold probabilities of the features F (n x k); with the logistic model a class
 * missing from a training fold gets probability 0, as in cleanlab.
 */
export function outOfFoldProbabilities(
  F: Float32Array,
  k: number,
  labels: Int32Array,
  classes: number,
  folds: number,
  seed: number,
  model: OutOfFoldModel,
  onFold?: ProgressCount,
): Float64Array {
  const n = labels.length
  const fold = stratifiedFolds(labels, folds, seed)
  const probs = new Float64Array(n * classes)
  const fitAndPredict = model === 'logistic' ? logisticFold : nearestCentroidFold
  for (let f = 0; f < folds; f++) {
    const train: number[] = [],
      held: number[] = []
    for (let i = 0; i < n; i++) (fold[i] === f ? held : train).push(i)
    onFold?.(f, folds)
    if (held.length > 0) fitAndPredict(F, k, labels, classes, train, held, probs)
  }
  onFold?.(folds, folds)
  return probs
}

function logisticFold(
  F: Float32Array,
  k: number,
  labels: Int32Array,
  classes: number,
  train: number[],
  held: number[],
  probs: Float64Array,
): void {
  const X = new Float64Array(train.length * k)
  train.forEach((r, j) => {
    for (let c = 0; c < k; c++) X[j * k + c] = F[r * k + c]!
  })
  const model = fitLogisticRegression(
    X,
    train.length,
    k,
    Int32Array.from(train, (r) => labels[r]!),
  )
  const p = predictProba(model, F, labels.length, Int32Array.from(held))
  const K = model.classes.length
  held.forEach((r, j) => {
    for (let c = 0; c < K; c++) probs[r * classes + model.classes[c]!] = p[j * K + c]!
  })
}

function nearestCentroidFold(
  F: Float32Array,
  k: number,
  labels: Int32Array,
  classes: number,
  train: number[],
  held: number[],
  probs: Float64Array,
): void {
  const means = new Float64Array(classes * k),
    counts = new Float64Array(classes)
  for (const i of train) {
    counts[labels[i]!]!++
    for (let c = 0; c < k; c++) means[labels[i]! * k + c]! += F[i * k + c]!
  }
  for (let y = 0; y < classes; y++) for (let c = 0; c < k; c++) means[y * k + c]! /= Math.max(1, counts[y]!)
  const sqToMean = (i: number, y: number) => {
    let s = 0
    for (let c = 0; c < k; c++) {
      const t = F[i * k + c]! - means[y * k + c]!
      s += t * t
    }
    return s
  }
  // temperature: a quarter of the mean squared distance of (up to 2,000) training rows to their own class mean
  const sample = train.slice(0, 2000)
  const temperature =
    Math.max(1e-12, sample.reduce((s, i) => s + sqToMean(i, labels[i]!), 0) / Math.max(1, sample.length)) / 4
  const dist = new Float64Array(classes)
  for (const i of held) {
    let min = Infinity
    for (let y = 0; y < classes; y++) {
      dist[y] = sqToMean(i, y)
      min = Math.min(min, dist[y]!)
    }
    let z = 0
    for (let y = 0; y < classes; y++) z += probs[i * classes + y] = Math.exp(-(dist[y]! - min) / temperature)
    for (let y = 0; y < classes; y++) probs[i * classes + y]! /= z
  }
}
